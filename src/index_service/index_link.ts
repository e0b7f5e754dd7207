/**
 * A process's link to its store's index owner: starts it for queries, and
 * tells a running one which log an append wrote before the append returns
 * (so the next search from any process sees it without stat-ing every log).
 * Without an owner there is no one to tell: the next one sweeps when it starts.
 *
 * @module
 */
import { type IndexAnswer, IndexClient, type IndexClientOptions, type IndexProgress } from "./index_client.ts";
import type { IndexMethod, ParamsOf, ResultOf } from "./protocol.ts";
import type { IndexPort } from "./index_port.ts";

/** How long an append waits for a running owner to take its notice. */
const NOTIFY_BOUND_MS = 2_000;

/** Lazily connected link to one store's index owner. */
export class IndexLink implements IndexPort {
  readonly #options: IndexClientOptions;
  #client: Promise<IndexClient> | undefined;

  constructor(options: IndexClientOptions) {
    this.#options = options;
  }

  /**
   * Asks the owner (starting it if needed). If the owner goes away mid-request
   * (it stopped for idleness as we connected, or was killed), asks again, at
   * most twice more after a short pause: every request is safe to repeat.
   */
  async request<M extends IndexMethod>(
    method: M,
    params: ParamsOf<M>,
    onProgress?: IndexProgress,
  ): Promise<IndexAnswer<ResultOf<M>>> {
    for (let attempt = 1;; attempt++) {
      this.#client ??= IndexClient.connect(this.#options);
      try {
        return await (await this.#client).request(method, params, onProgress);
      } catch (error) {
        this.#client = undefined; // the next request reconnects or starts a new owner
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== "index_owner_gone" && code !== "owner_restarting")) throw error;
        // A killed owner's socket can take a moment to go; a restarting one, to stop.
        await new Promise((resolve) => setTimeout(resolve, 150 * attempt));
      }
    }
  }

  /**
   * Tells a running owner that these logs (store-relative paths) changed, and
   * waits (bounded) for it to take the notice. Never fails: an owner that is
   * not there or does not answer sweeps when it next starts or watches.
   */
  async notify(logs: string[]): Promise<void> {
    const client = this.#client
      ? await this.#client.catch(() => undefined)
      : await IndexClient.connectIfRunning({ ...this.#options, silenceTimeoutMs: NOTIFY_BOUND_MS });
    if (!client) return;
    this.#client ??= Promise.resolve(client);
    await client.request("notify", { logs }).catch(() => {
      this.#client = undefined;
    });
  }
}
