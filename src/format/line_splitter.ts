/**
 * Bytes in, lines out: the piece that lets a file of any size be read a chunk
 * at a time. Lines end at LF; a CR before the LF is dropped (CRLF files) unless
 * `keepCR` is set, and a CR anywhere else is kept as text. A byte-order mark at
 * the start is dropped.
 *
 * @module
 */

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

  constructor(options: { keepCR?: boolean } = {}) {
    this.#keepCR = options.keepCR ?? false;
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
      }
      lines.push(this.#strip(line));
      start = at + 1;
    }
    if (start < text.length) this.#open.push(text.slice(start));
    return lines;
  }

  #strip(line: string): string {
    return !this.#keepCR && line.endsWith("\r") ? line.slice(0, -1) : line;
  }
}
