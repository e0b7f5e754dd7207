/**
 * The index service inside this process, over memory storage: the in-memory
 * twin of the index owner, for fast tests of the core. It answers exactly as
 * the owner does (same service, same engine), without a process, a socket or
 * a database; it sweeps the store before every query instead of watching.
 *
 * @example
 * ```ts ignore
 * import { openCrucible } from "../core/open_crucible.ts";
 * const cru = openCrucible({ dir: "/tmp/example/.crucible", index: "memory" });
 * ```
 *
 * @module
 */
import { SessionStore } from "../store/session_store.ts";
import type { IndexAnswer, IndexProgress } from "./index_client.ts";
import type { IndexPort } from "./index_port.ts";
import { IndexService, type ServiceMethod } from "./index_service.ts";
import type { ParamsOf, ResultOf } from "./protocol.ts";

/** An index service in this process. */
export class LocalIndex implements IndexPort {
  readonly #root: string;
  #service: Promise<IndexService> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(root: string) {
    this.#root = root;
  }

  request<M extends ServiceMethod>(
    method: M,
    params: ParamsOf<M>,
    onProgress?: IndexProgress,
  ): Promise<IndexAnswer<ResultOf<M>>> {
    return this.#run(async (service) =>
      await service.handle(method, params, (done, total) => onProgress?.({ done, total, what: method }))
    );
  }

  async notify(logs: string[]): Promise<void> {
    await this.#run((service) => Promise.resolve(service.changed(logs)));
  }

  /** Runs one job after the others: the service takes one at a time, as in the owner. */
  #run<T>(job: (service: IndexService) => Promise<T>): Promise<T> {
    this.#service ??= openInMemory().then((index) =>
      new IndexService(new SessionStore({ root: this.#root }), index, {
        watch: false,
        schedule: (later) => void this.#run(() => later()),
      })
    );
    const result = this.#queue.then(async () => await job(await this.#service!));
    this.#queue = result.catch(() => {});
    return result;
  }
}

/** The engine over memory storage, loaded on first use: a process that never asks its index never loads it. */
async function openInMemory() {
  const [{ MemoryStorage }, { openSearchIndex }] = await Promise.all([
    import("../index/memory_storage.ts"),
    import("../index/search_index.ts"),
  ]);
  return await openSearchIndex(new MemoryStorage());
}
