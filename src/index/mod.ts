/**
 * The SurrealDB index of cru's sessions: derived from the markdown, safe to
 * delete, rebuilt by feeding it every log again. It never reads markdown
 * itself; the core feeds it {@linkcode IndexedLog}s and compares
 * {@linkcode Fingerprint}s to find what it missed.
 *
 * Embedded by default (`rocksdb://`, one process at a time: a second one gets
 * `IndexBusyError` within ~50 ms), or a SurrealDB server (`ws://`, `http://`).
 * No call waits forever: opening is bounded by `timeoutMs`, every other call
 * by `operationTimeoutMs`, closing by its argument.
 *
 * A process that opened an embedded index cannot exit by itself (the engine
 * keeps it alive once a full-text index exists): end it with an explicit exit.
 *
 * @example
 * ```ts ignore
 * import { embeddedIndexUrl, openIndex } from "./mod.ts";
 * const index = await openIndex({ url: embeddedIndexUrl("/home/me/.crucible/index") });
 * const known = await index.fingerprints(); // compare with the files on disk, feed what differs
 * const hits = await index.search("deploy failed", { type: "agent", limit: 10 });
 * await index.close();
 * ```
 *
 * @module
 */
export type { Fingerprint, IndexedEvent, IndexedLog, SearchFilters, SearchHit, SessionSummary } from "./types.ts";
export { SNIPPET_MARKS } from "./types.ts";
export { DEFAULT_OPEN_TIMEOUT_MS, embeddedIndexUrl, type OpenIndexOptions } from "./connect.ts";
export { SCHEMA_VERSION, type SchemaStatus } from "./schema.ts";
export {
  type AppendOptions,
  DEFAULT_SEARCH_LIMIT,
  openIndex,
  type SessionIndex,
  type SessionIndexOptions,
} from "./session_index.ts";
