/**
 * The query language: what a user types into `cru session search`.
 *
 * - words: every one must match (`build error`);
 * - `"exact phrase"`: its terms in a row (an unclosed quote closes at the end);
 * - `prefix*`: any term starting with the word's folded (unstemmed) form, or the word's own stem;
 * - `-word`, `-"phrase"`, `-prefix*`: documents matching it are left out;
 * - `a OR b`: either; `OR` binds tighter than the implicit AND, so `x a OR b` is x AND (a OR b). An `OR`
 *   that has no positive word on both sides is dropped (search for the word "or" in lowercase).
 *
 * Words go through the search tokenizer. A word that gives several terms
 * (`foo-bar`, `初始化`) is a phrase of them: its terms must stand in a row, as
 * they did where it was written. A word that gives no term (`--`) is ignored.
 *
 * @module
 */
import { InvalidInputError } from "../model/errors.ts";
import { termOfWord, tokenize, tokenizeWithOffsets } from "./tokenizer.ts";

/** One thing a document may match. */
export type QueryAtom =
  | { kind: "term"; term: string }
  | { kind: "phrase"; terms: string[] }
  | { kind: "prefix"; prefix: string };

/** A parsed query: every clause must match, a clause matches when any of its atoms does; excluded atoms must not. */
export interface ParsedQuery {
  clauses: QueryAtom[][];
  excluded: QueryAtom[];
}

interface Piece {
  text: string;
  quoted: boolean;
  negated: boolean;
  prefix: boolean;
}

/**
 * Parses a query. Throws {@linkcode InvalidInputError} naming the query when it
 * has nothing to look for (empty, or only exclusions).
 *
 * @example
 * ```ts
 * import { parseQuery } from "./query.ts";
 * const query = parseQuery('build "type error" a OR b -flaky');
 * console.assert(query.clauses.length === 3 && query.excluded.length === 1);
 * ```
 */
export function parseQuery(query: string): ParsedQuery {
  const clauses: QueryAtom[][] = [];
  const excluded: QueryAtom[] = [];
  const pieces = split(query);
  let joinNext = false;
  // Whether the last piece added a clause: only then can an OR join the next piece to it.
  let lastPositive = false;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (!piece.quoted && !piece.negated && piece.text === "OR") {
      // An OR between two positive pieces joins them; anywhere else (first, last, before -x) it is dropped.
      joinNext = lastPositive && i + 1 < pieces.length && !pieces[i + 1].negated;
      continue;
    }
    const atoms = atomsOf(piece, query);
    if (atoms.length === 0) continue;
    if (piece.negated) excluded.push(...atoms);
    else if (joinNext) clauses[clauses.length - 1].push(...atoms);
    else clauses.push(atoms);
    lastPositive = !piece.negated;
    joinNext = false;
  }
  if (clauses.length === 0) {
    const expected = excluded.length > 0
      ? "at least one word that is not excluded (-word)"
      : "at least one word, phrase or prefix to search for";
    throw new InvalidInputError("query", query, expected);
  }
  return { clauses, excluded };
}

/** Splits a query into words and quoted phrases, each maybe negated or a prefix. */
function split(query: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i])) i++;
    if (i >= query.length) break;
    let negated = false;
    if (query[i] === "-" && i + 1 < query.length && !/\s/.test(query[i + 1])) {
      negated = true;
      i++;
    }
    if (query[i] === '"') {
      const close = query.indexOf('"', i + 1);
      const end = close < 0 ? query.length : close;
      pieces.push({ text: query.slice(i + 1, end), quoted: true, negated, prefix: false });
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < query.length && !/\s/.test(query[end]) && query[end] !== '"') end++;
    const word = query.slice(i, end);
    const prefix = word.length > 1 && word.endsWith("*");
    pieces.push({ text: prefix ? word.slice(0, -1) : word, quoted: false, negated, prefix });
    i = end;
  }
  return pieces;
}

function atomsOf(piece: Piece, query: string): QueryAtom[] {
  if (piece.prefix) {
    const spans = tokenizeWithOffsets(piece.text);
    if (spans.length > 1) {
      throw new InvalidInputError("query", query, `a single word before "*", not ${JSON.stringify(piece.text)}`);
    }
    if (spans.length === 0) return [];
    const [{ term, start, end }] = spans;
    const folded = foldOnly(piece.text.slice(start, end), term);
    // The word's own stem too: `running*` finds "run", the term "running" was indexed as.
    return term.startsWith(folded)
      ? [{ kind: "prefix", prefix: folded }]
      : [{ kind: "prefix", prefix: folded }, { kind: "term", term }];
  }
  const terms = tokenize(piece.text);
  if (terms.length === 0) return [];
  if (terms.length === 1) return [{ kind: "term", term: terms[0] }];
  return [{ kind: "phrase", terms }];
}

/** The word lowercased and folded, without stemming (its term when the tokenizer does not stem it). */
function foldOnly(word: string, term: string): string {
  const lower = word.toLowerCase();
  // The tokenizer stems only words that fold to plain a–z.
  if (/^[a-z]+$/.test(lower)) return lower;
  const folded = termOfWord(`${word}0`);
  return /^[a-z]+0$/.test(folded) ? folded.slice(0, -1) : term;
}
