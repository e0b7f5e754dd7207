/**
 * Marks matched words in the text of the best hits, in JavaScript.
 *
 * SurrealDB's `search::highlight()` is computed for every matching row before
 * the ranking keeps the best ones, which made a search twice as slow on large
 * indexes. So the words of the few rows kept are put through the same
 * analyzer (`search::analyze`) and marked here.
 *
 * @module
 */
import { RAW_MARKS } from "./snippet.ts";

/** What the analyzer turns into one token: a run of letters or a run of digits (its `class` tokenizer). */
const PIECE = /\p{L}+|\p{N}+/gu;

/**
 * Text after this many characters is not searched for marks: a snippet shows
 * the start of such a text when its first match lies further on.
 */
export const MARK_LIMIT = 20_000;

/** At most this many distinct pieces are analyzed per search (about 20 µs each). */
export const PIECE_LIMIT = 5_000;

/** The distinct pieces in the first {@linkcode MARK_LIMIT} characters of each text, at most {@linkcode PIECE_LIMIT}. */
export function piecesOf(texts: string[]): string[] {
  const pieces = new Set<string>();
  for (const text of texts) {
    for (const match of text.slice(0, MARK_LIMIT).matchAll(PIECE)) {
      if (pieces.size >= PIECE_LIMIT) return [...pieces];
      pieces.add(match[0]);
    }
  }
  return [...pieces];
}

/**
 * Wraps every piece in `matched` with {@linkcode RAW_MARKS}, within the first
 * {@linkcode MARK_LIMIT} characters.
 *
 * @example
 * ```ts
 * import { markPieces } from "./_highlight.ts";
 * import { RAW_MARKS } from "./snippet.ts";
 * const marked = markPieces("Runs 3x, running", new Set(["Runs", "running"]));
 * console.assert(marked === `${RAW_MARKS.open}Runs${RAW_MARKS.close} 3x, ${RAW_MARKS.open}running${RAW_MARKS.close}`);
 * ```
 */
export function markPieces(text: string, matched: Set<string>): string {
  const head = text.slice(0, MARK_LIMIT).replace(
    PIECE,
    (piece) => matched.has(piece) ? `${RAW_MARKS.open}${piece}${RAW_MARKS.close}` : piece,
  );
  return head + text.slice(MARK_LIMIT);
}
