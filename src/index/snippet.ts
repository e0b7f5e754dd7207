/**
 * Search snippets: a window of text around the first match.
 *
 * @module
 */
import { SNIPPET_MARKS } from "./types.ts";

/**
 * The marks the database puts around matched words: private-use characters,
 * so that marks already in the text cannot be mistaken for them.
 */
export const RAW_MARKS = { open: "\uE000", close: "\uE001" } as const;

/** Options of {@linkcode makeSnippet}. */
export interface SnippetOptions {
  /** Characters of context before the first match (default 60). */
  before?: number;
  /** Greatest length of the window, marks not counted (default 200). */
  width?: number;
}

/**
 * Cuts a window around the first match out of text highlighted with
 * {@linkcode RAW_MARKS}, puts it on one line, and marks matches with
 * {@linkcode SNIPPET_MARKS}.
 *
 * @example
 * ```ts
 * import { makeSnippet, RAW_MARKS } from "./snippet.ts";
 * const { open, close } = RAW_MARKS;
 * const text = "x ".repeat(100) + `the ${open}runs${close} were\nlong`;
 * console.assert(makeSnippet(text, { before: 10, width: 40 }) === "… x x x the «runs» were long");
 * ```
 */
export function makeSnippet(highlighted: string, options: SnippetOptions = {}): string {
  const before = options.before ?? 60;
  const width = options.width ?? 200;
  const first = Math.max(highlighted.indexOf(RAW_MARKS.open), 0);
  let start = Math.max(first - before, 0);
  if (start > 0) start = wordStart(highlighted, start, first);
  let end = advance(highlighted, start, width);
  if (end < highlighted.length) end = wordEnd(highlighted, start, end);
  let window = highlighted.slice(start, end);
  // A cut between an open and a close mark leaves the last match unclosed.
  if (window.lastIndexOf(RAW_MARKS.open) > window.lastIndexOf(RAW_MARKS.close)) window += RAW_MARKS.close;
  const line = window.replace(/\s+/g, " ").trim();
  const text = `${start > 0 ? SNIPPET_MARKS.cut + " " : ""}${line}${
    end < highlighted.length ? " " + SNIPPET_MARKS.cut : ""
  }`;
  return text.replaceAll(RAW_MARKS.open, SNIPPET_MARKS.open).replaceAll(RAW_MARKS.close, SNIPPET_MARKS.close);
}

/** The index `count` visible characters (marks not counted) after `from`, never inside a surrogate pair. */
function advance(text: string, from: number, count: number): number {
  let i = from;
  let seen = 0;
  while (i < text.length && seen < count) {
    const c = text[i];
    if (c !== RAW_MARKS.open && c !== RAW_MARKS.close) seen++;
    i += isHighSurrogate(text.charCodeAt(i)) ? 2 : 1;
  }
  return Math.min(i, text.length);
}

/** Moves a window start forward to the beginning of a word, but not past `limit`. */
function wordStart(text: string, start: number, limit: number): number {
  if (/\s/.test(text[start - 1])) return start;
  for (let i = start; i < limit && i < start + 20; i++) {
    if (/\s/.test(text[i])) return i + 1;
  }
  return isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start;
}

/** Moves a window end back to the end of a word, keeping at least half the window. */
function wordEnd(text: string, start: number, end: number): number {
  for (let i = end; i > start + (end - start) / 2 && i > end - 20; i--) {
    if (/\s/.test(text[i])) return i;
  }
  return isLowSurrogate(text.charCodeAt(end)) ? end - 1 : end;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
