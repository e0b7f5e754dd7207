/**
 * What the core needs of an index: ask it, and tell it which logs changed.
 * Two implementations: `IndexLink` (the index owner, another process — the
 * product) and `LocalIndex` (the same service inside this process over memory
 * storage — fast tests of the core).
 *
 * @module
 */
import type { IndexAnswer, IndexProgress } from "./index_client.ts";
import type { ParamsOf, ResultOf } from "./protocol.ts";
import type { ServiceMethod } from "./index_service.ts";

/** The index as the core sees it. */
export interface IndexPort {
  /** Answers a request; every event acknowledged before the call is seen. */
  request<M extends ServiceMethod>(
    method: M,
    params: ParamsOf<M>,
    onProgress?: IndexProgress,
  ): Promise<IndexAnswer<ResultOf<M>>>;
  /** These logs (store-relative paths) changed; resolves once the index has taken the notice. Never fails. */
  notify(logs: string[]): Promise<void>;
}
