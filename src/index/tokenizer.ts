/**
 * The search engine's tokenizer: the one rule that turns text into terms, used
 * alike for indexing, queries, phrase checks and snippets.
 *
 * Words are runs of Unicode letters, digits and combining marks. A word is
 * lowercased, folded to ASCII where it has an ASCII form (NFKD without the
 * combining marks, plus ß→ss, æ→ae, ø→o …) and, when it is then plain a–z,
 * stemmed with Snowball English (Porter2, from the `porter2` package). Runs of
 * CJK characters (Han, Hiragana, Katakana, Hangul) become overlapping bigrams,
 * so a word inside a longer run is found; a lone CJK character is its own term.
 *
 * @module
 */
import { stem } from "porter2";

/**
 * Names the rules above; stored with the index, whose segments are rebuilt
 * when it changes. Bump it with any change that alters a term.
 */
export const TOKENIZER_VERSION = "1:words+nfkd-fold+porter2@1.1.0+cjk-bigrams+max64";

/** Longer words are cut to this many UTF-16 units (a base64 blob must not make a giant term). */
export const MAX_TERM_LENGTH = 64;

/** A term and where its text lies in the input (UTF-16 offsets, end exclusive). */
export interface TermSpan {
  term: string;
  start: number;
  end: number;
}

/** Called for each term in order. */
export type TermSink = (term: string, start: number, end: number) => void;

const OTHER = 1;
const WORD = 2;
const CJK = 3;
/** Character classes of the BMP, filled on first sight (0 = not yet known). */
const classes = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) {
  const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  classes[c] = word ? WORD : OTHER;
}
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const CJK_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

function classify(char: string): number {
  if (CJK_CHAR.test(char)) return CJK;
  return WORD_CHAR.test(char) ? WORD : OTHER;
}

function classOf(code: number): number {
  let cls = classes[code];
  if (cls === 0) cls = classes[code] = classify(String.fromCharCode(code));
  return cls;
}

/** Letters with no decomposition that still have a plain ASCII spelling. */
const SPECIAL_FOLDS: Record<string, string> = {
  "ß": "ss",
  "æ": "ae",
  "ø": "o",
  "œ": "oe",
  "đ": "d",
  "ð": "d",
  "þ": "th",
  "ł": "l",
  "ħ": "h",
  "ı": "i",
  "ŧ": "t",
  "ŋ": "n",
  "ĸ": "k",
  "ſ": "s",
};
const SPECIAL = /[ßæøœđðþłħıŧŋĸſ]/g;
const MARKS_AND_SEPARATORS = /[^\p{L}\p{N}]/gu;
const ASCII_LOWER_WORD = /^[a-z]+$/;

/** A direct-mapped cache of ASCII raw word → term, by a hash computed while scanning (bounded by its size). */
const SLOT_MASK = 0xffff;
const slotRaw: (string | undefined)[] = new Array(SLOT_MASK + 1).fill(undefined);
const slotTerm: string[] = new Array(SLOT_MASK + 1).fill("");

/** Raw word → term, bounded: most text repeats a small vocabulary. */
const cache = new Map<string, string>();
const CACHE_LIMIT = 100_000;

/** The term of one raw word (a run of word characters, no CJK), or "" when nothing is left of it. */
export function termOfWord(raw: string): string {
  const cached = cache.get(raw);
  if (cached !== undefined) return cached;
  let word = raw.toLowerCase();
  if (!isAscii(word)) {
    word = word.normalize("NFKD").replace(SPECIAL, (c) => SPECIAL_FOLDS[c]).replace(MARKS_AND_SEPARATORS, "");
  }
  if (word.length > MAX_TERM_LENGTH) word = word.slice(0, MAX_TERM_LENGTH);
  const term = ASCII_LOWER_WORD.test(word) ? stem(word) : word;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(raw, term);
  return term;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * Calls `sink` with every term of `text`, in order, with its offsets: the
 * tokenizer's core, with no allocation per character.
 *
 * @example
 * ```ts
 * import { forEachTerm } from "./tokenizer.ts";
 * const terms: string[] = [];
 * forEachTerm("Running tests", (term) => terms.push(term));
 * console.assert(terms.join(" ") === "run test");
 * ```
 */
export function forEachTerm(text: string, sink: TermSink): void {
  const length = text.length;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    let width = 1;
    let cls: number;
    if (code < 0xd800 || code > 0xdfff) cls = classOf(code);
    else {
      const point = text.codePointAt(i)!;
      width = point > 0xffff ? 2 : 1;
      cls = classify(String.fromCodePoint(point));
      code = point;
    }
    if (cls === OTHER) {
      i += width;
      continue;
    }
    if (cls === CJK) {
      i = cjkRun(text, i, sink);
      continue;
    }
    const start = i;
    let ascii = code < 128;
    let hash = Math.imul(0x811c9dc5 ^ code, 0x01000193);
    i += width;
    while (i < length) {
      const next = text.charCodeAt(i);
      if (next < 128) {
        if (classes[next] !== WORD) break;
        hash = Math.imul(hash ^ next, 0x01000193);
        i++;
      } else if (next < 0xd800 || next > 0xdfff) {
        if (classOf(next) !== WORD) break;
        ascii = false;
        i++;
      } else {
        const point = text.codePointAt(i)!;
        if (classify(String.fromCodePoint(point)) !== WORD) break;
        ascii = false;
        i += point > 0xffff ? 2 : 1;
      }
    }
    let term: string;
    if (ascii) {
      // The fast path: most words are ASCII and repeat; find them without cutting a string out of the text.
      const slot = (hash ^ (hash >>> 16)) & SLOT_MASK;
      const raw = slotRaw[slot];
      if (raw !== undefined && raw.length === i - start && text.startsWith(raw, start)) term = slotTerm[slot];
      else {
        const word = text.slice(start, i);
        term = termOfWord(word);
        slotRaw[slot] = word;
        slotTerm[slot] = term;
      }
    } else term = termOfWord(text.slice(start, i));
    if (term !== "") sink(term, start, i);
  }
}

/** Emits the bigrams of the CJK run starting at `from`; returns where the run ends. */
function cjkRun(text: string, from: number, sink: TermSink): number {
  let previousStart = -1;
  let i = from;
  while (i < text.length) {
    const point = text.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    const cls = point <= 0xffff && (point < 0xd800 || point > 0xdfff)
      ? classOf(point)
      : classify(String.fromCodePoint(point));
    if (cls !== CJK) break;
    if (previousStart >= 0) sink(text.slice(previousStart, i + width), previousStart, i + width);
    previousStart = i;
    i += width;
  }
  // A lone character is a term of its own.
  if (previousStart === from) sink(text.slice(from, i), from, i);
  return i;
}

/**
 * The terms of `text`, in order.
 *
 * @example
 * ```ts
 * import { tokenize } from "./tokenizer.ts";
 * console.assert(tokenize("Café crème, 初始化").join(" ") === "cafe creme 初始 始化");
 * ```
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  forEachTerm(text, (term) => terms.push(term));
  return terms;
}

/**
 * The terms of `text` with their offsets, for snippets and phrase checks.
 *
 * @example
 * ```ts
 * import { tokenizeWithOffsets } from "./tokenizer.ts";
 * const [first] = tokenizeWithOffsets("  Runs");
 * console.assert(first.term === "run" && first.start === 2 && first.end === 6);
 * ```
 */
export function tokenizeWithOffsets(text: string): TermSpan[] {
  const spans: TermSpan[] = [];
  forEachTerm(text, (term, start, end) => spans.push({ term, start, end }));
  return spans;
}
