/**
 * The facade's link to the index owner: starts it for queries, tells a running
 * one about appends (batched, never slowing an append down), and flushes those
 * notices before a short-lived process exits.
 *
 * @module
 */
import { type IndexAnswer, IndexClient, type IndexClientOptions, type IndexProgress } from "./index_client.ts";

const NOTIFY_DELAY_MS = 25;

/** Lazily connected link to one store's index owner. */
export class IndexLink {
  readonly #options: IndexClientOptions;
  #client: Promise<IndexClient> | undefined;
  #pending = new Map<string, { id: string; file: string }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(options: IndexClientOptions) {
    this.#options = options;
  }

  /**
   * Asks the owner (starting it if needed). If the owner goes away mid-request
   * (it stopped for idleness as we connected, or was killed), asks again, at
   * most twice more after a short pause: every request is safe to repeat.
   */
  async request<T>(
    method: string,
    params: Record<string, unknown>,
    onProgress?: IndexProgress,
  ): Promise<IndexAnswer<T>> {
    for (let attempt = 1;; attempt++) {
      this.#client ??= IndexClient.connect(this.#options);
      try {
        return await (await this.#client).request<T>(method, params, onProgress);
      } catch (error) {
        this.#client = undefined; // the next request reconnects or starts a new owner
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== "index_owner_gone" && code !== "owner_restarting")) throw error;
        // A killed owner's socket can take a moment to go; a restarting one, to stop.
        await new Promise((resolve) => setTimeout(resolve, 150 * attempt));
      }
    }
  }

  /** Notes that `file` grew; a running owner indexes it soon. Without an owner, the next query catches up. */
  notify(id: string, file: string): void {
    this.#pending.set(file, { id, file });
    this.#timer ??= setTimeout(() => this.#send(), NOTIFY_DELAY_MS);
    // A notice must not keep a program alive that has nothing else to do.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Sends pending notices now and waits, at most `ms`, for the owner to take them. */
  async flush(ms: number): Promise<void> {
    if (this.#timer) this.#send();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#inFlight, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const logs = [...this.#pending.values()];
    this.#pending.clear();
    if (logs.length === 0) return;
    this.#inFlight = this.#inFlight.then(async () => {
      const client = this.#client
        ? await this.#client.catch(() => undefined)
        : await IndexClient.connectIfRunning(this.#options);
      if (!client) return;
      this.#client ??= Promise.resolve(client);
      await client.request("notify", { logs }).catch(() => {
        this.#client = undefined; // best effort: the next query's catch-up covers what this missed
      });
    });
  }
}
