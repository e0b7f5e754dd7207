/**
 * Whether a text matches a parsed query, judged on the text itself: the
 * check behind phrases, whose candidates the postings only narrow down.
 *
 * @module
 */
import type { ParsedQuery, QueryAtom } from "./query.ts";
import { tokenize } from "./tokenizer.ts";

/**
 * True when every clause has an atom in `text` and no excluded atom is.
 *
 * @example
 * ```ts
 * import { matchesText } from "./text_match.ts";
 * import { parseQuery } from "./query.ts";
 * console.assert(matchesText(parseQuery('"type error"'), "a Type Error here"));
 * console.assert(!matchesText(parseQuery('"type error"'), "an error of type"));
 * ```
 */
export function matchesText(query: ParsedQuery, text: string): boolean {
  const terms = tokenize(text);
  let present: Set<string> | undefined;
  const holds = (atom: QueryAtom): boolean => {
    if (atom.kind === "phrase") return hasPhrase(terms, atom.terms);
    present ??= new Set(terms);
    if (atom.kind === "term") return present.has(atom.term);
    for (const term of present) if (term.startsWith(atom.prefix)) return true;
    return false;
  };
  return query.clauses.every((clause) => clause.some(holds)) && !query.excluded.some(holds);
}

/** True when `phrase` occurs in `terms` as a run. */
export function hasPhrase(terms: readonly string[], phrase: readonly string[]): boolean {
  const last = terms.length - phrase.length;
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < phrase.length; j++) if (terms[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}
