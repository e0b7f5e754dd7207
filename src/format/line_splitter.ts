/**
 * Bytes in, lines out: the piece that lets a file of any size be read a chunk
 * at a time. Lines end at LF; a CR before the LF is dropped (CRLF files) unless
 * `keepCR` is set, and a CR anywhere else is kept as text. A byte-order mark at
 * the start is dropped.
 *
 * @module
 */
import { SourceFormatError } from "../model/errors.ts";

/** Longest line read (in UTF-16 characters): 32 Mi, far beyond any transcript's line, bounded in memory. */
export const MAX_LINE_CHARS = 32 * 1024 * 1024;

/**
 * Splits UTF-8 chunks into lines.
 *
 * @example
 * ```ts
 * import { LineSplitter } from "./line_splitter.ts";
 * const splitter = new LineSplitter();
 * const bytes = new TextEncoder().encode("one\r\ntw");
 * const lines = [...splitter.push(bytes), ...splitter.push(new TextEncoder().encode("o\n")), ...splitter.end()];
 * console.assert(JSON.stringify(lines) === '["one","two"]');
 * ```
 */
export class LineSplitter {
  // Invalid UTF-8 becomes U+FFFD rather than failing the file.
  readonly #decoder = new TextDecoder("utf-8");
  /** Pieces of the line still open (a long line can span many chunks). */
  #open: string[] = [];
  readonly #keepCR: boolean;

  /** Characters held in `#open`. */
  #openChars = 0;
  /** Lines completed so far (to name the one that is too long). */
  #lines = 0;
  readonly #maxLineChars: number;
  readonly #file: string;

  /**
   * `maxLineChars` bounds the memory one line may take (default
   * {@linkcode MAX_LINE_CHARS}): input without line breaks fails with a
   * {@linkcode SourceFormatError} naming `file` instead of growing without end.
   */
  constructor(options: { keepCR?: boolean; maxLineChars?: number; file?: string } = {}) {
    this.#keepCR = options.keepCR ?? false;
    this.#maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
    this.#file = options.file ?? "input";
  }

  /** Reads a chunk and returns the lines it completed. */
  push(chunk: Uint8Array): string[] {
    return this.#split(this.#decoder.decode(chunk, { stream: true }));
  }

  /** The file has ended: the last line, if it had no line break. */
  end(): string[] {
    const lines = this.#split(this.#decoder.decode());
    const rest = this.#open.join("");
    this.#open = [];
    if (rest !== "") lines.push(this.#strip(rest));
    return lines;
  }

  #split(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", start)) {
      let line = text.slice(start, at);
      if (this.#open.length > 0) {
        this.#open.push(line);
        line = this.#open.join("");
        this.#open = [];
        this.#openChars = 0;
      }
      this.#checkLength(line.length);
      lines.push(this.#strip(line));
      this.#lines++;
      start = at + 1;
    }
    if (start < text.length) {
      this.#open.push(text.slice(start));
      this.#openChars += text.length - start;
      this.#checkLength(this.#openChars);
    }
    return lines;
  }

  #checkLength(chars: number): void {
    if (chars <= this.#maxLineChars) return;
    this.#open = [];
    this.#openChars = 0;
    throw new SourceFormatError(
      this.#file,
      this.#lines + 1,
      `a line longer than ${this.#maxLineChars} characters (no line break): not a transcript this reads`,
    );
  }

  #strip(line: string): string {
    return !this.#keepCR && line.endsWith("\r") ? line.slice(0, -1) : line;
  }
}
