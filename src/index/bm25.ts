/**
 * BM25 exactly as SQLite FTS5's `bm25()` computes it (there negated), so its
 * scores can serve as the oracle of ours: k1 = 1.2, b = 0.75, and
 * idf = ln((N − n + 0.5) / (n + 0.5)), raised to 1e-6 when it is not positive
 * (a term in half the documents or more adds almost nothing).
 *
 * @module
 */

/** BM25's term-frequency saturation. */
export const K1 = 1.2;
/** BM25's length normalisation. */
export const B = 0.75;

/**
 * The inverse document frequency of a term held by `n` of `N` documents.
 *
 * @example
 * ```ts
 * import { idf } from "./bm25.ts";
 * console.assert(idf(100, 1) > idf(100, 10));
 * console.assert(idf(100, 80) === 1e-6);
 * ```
 */
export function idf(N: number, n: number): number {
  const value = Math.log((N - n + 0.5) / (n + 0.5));
  return value > 0 ? value : 1e-6;
}

/**
 * One term's share of a document's score: its idf, how often it occurs (`tf`),
 * the document's length in terms and the average length.
 *
 * @example
 * ```ts
 * import { termScore } from "./bm25.ts";
 * console.assert(termScore(2, 2, 10, 10) > termScore(2, 1, 10, 10));
 * ```
 */
export function termScore(idfValue: number, tf: number, length: number, averageLength: number): number {
  return idfValue * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * length / averageLength));
}
