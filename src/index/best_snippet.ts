/**
 * The snippet of a hit: the window of its text that holds the most distinct
 * matched terms (then the most matches), cut on word boundaries, on one line,
 * matches marked `«like this»` and cut ends `…`, found with the search
 * tokenizer so that what is marked is what matched.
 *
 * @module
 */
import { type TermSpan, tokenizeWithOffsets } from "./tokenizer.ts";
import { SNIPPET_MARKS } from "./types.ts";

/**
 * Only this many characters from the start of a text are looked at: a match
 * further on in a huge event gives a snippet of the text's start.
 */
export const SNIPPET_SCAN_LIMIT = 100_000;

/** Options of {@linkcode bestSnippet}. */
export interface BestSnippetOptions {
  /** Characters of context before the window's first match (default 60, at most a third of `width`). */
  before?: number;
  /** Greatest length of the snippet, marks not counted (default 200). */
  width?: number;
}

/**
 * Cuts the best window of `text` for the terms `isMatch` accepts.
 *
 * @example
 * ```ts
 * import { bestSnippet } from "./best_snippet.ts";
 * const text = "intro. " + "filler ".repeat(50) + "The build failed: type error in build.ts";
 * const snippet = bestSnippet(text, (term) => term === "build" || term === "error", { width: 60 });
 * console.assert(snippet.includes("«build» failed: type «error» in «build»"));
 * ```
 */
export function bestSnippet(
  text: string,
  isMatch: (term: string) => boolean,
  options: BestSnippetOptions = {},
): string {
  const width = options.width ?? 200;
  // Context before the matches never takes more than a third of the window.
  const before = Math.min(options.before ?? 60, Math.floor(width / 3));
  const head = text.length > SNIPPET_SCAN_LIMIT ? text.slice(0, SNIPPET_SCAN_LIMIT) : text;
  const spans: TermSpan[] = [];
  for (const span of tokenizeWithOffsets(head)) {
    if (isMatch(span.term)) spans.push(span);
    if (spans.length >= 2_000) break;
  }
  if (spans.length === 0) return window(text, 0, width, []);
  const first = bestStart(spans, width - before);
  let start = Math.max(spans[first].start - before, 0);
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  // Start on a word: step forward to the next space, but never past the match.
  if (start > 0 && !/\s/.test(text[start - 1])) {
    const space = text.slice(start, spans[first].start).search(/\s/);
    if (space >= 0) start += space + 1;
  }
  return window(text, start, width, spans.slice(first));
}

/** The span where the window with the most distinct matched terms, then matches, begins. */
function bestStart(spans: TermSpan[], reach: number): number {
  let best = 0;
  let bestDistinct = 0;
  let bestCount = 0;
  for (let i = 0; i < spans.length; i++) {
    const distinct = new Set<string>();
    let j = i;
    while (j < spans.length && spans[j].end - spans[i].start <= reach) distinct.add(spans[j++].term);
    if (distinct.size > bestDistinct || (distinct.size === bestDistinct && j - i > bestCount)) {
      best = i;
      bestDistinct = distinct.size;
      bestCount = j - i;
    }
  }
  return best;
}

/** The text from `start`, about `width` characters cut on a word boundary, the given spans marked, on one line. */
function window(text: string, start: number, width: number, spans: TermSpan[]): string {
  let end = Math.min(text.length, start + width);
  if (end < text.length && !/\s/.test(text[end])) {
    for (let i = end; i > start + width / 2 && i > end - 20; i--) {
      if (/\s/.test(text[i])) {
        end = i;
        break;
      }
    }
  }
  // Never cut a marked word, nor a surrogate pair.
  for (const span of spans) if (span.start < end && span.end > end) end = span.end;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  // Overlapping spans (CJK bigrams) are marked as one.
  const ranges: [number, number][] = [];
  for (const span of spans) {
    if (span.end > end) break;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && span.start <= last[1]) last[1] = Math.max(last[1], span.end);
    else ranges.push([span.start, span.end]);
  }
  let marked = "";
  let at = start;
  for (const [from, to] of ranges) {
    marked += text.slice(at, from) + SNIPPET_MARKS.open + text.slice(from, to) + SNIPPET_MARKS.close;
    at = to;
  }
  marked += text.slice(at, end);
  const line = marked.replace(/\s+/g, " ").trim();
  return `${start > 0 ? SNIPPET_MARKS.cut + " " : ""}${line}${end < text.length ? " " + SNIPPET_MARKS.cut : ""}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
