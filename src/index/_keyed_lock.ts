/**
 * An in-process lock per key: calls holding a common key run one after the
 * other, others run at once.
 *
 * The index needs it because SurrealDB's optimistic transactions do not stop
 * lost updates: two transactions that read a session's counts and write them
 * back can both commit, and one update is gone.
 *
 * @module
 */

/**
 * Runs functions under a set of keys.
 *
 * @example
 * ```ts
 * import { KeyedLock } from "./_keyed_lock.ts";
 * const lock = new KeyedLock();
 * const order: string[] = [];
 * await Promise.all([
 *   lock.run(["a"], async () => { await new Promise((r) => setTimeout(r, 10)); order.push("first"); }),
 *   lock.run(["a", "b"], async () => { order.push("second"); }),
 * ]);
 * console.assert(order.join() === "first,second");
 * ```
 */
export class KeyedLock {
  #tails = new Map<string, Promise<void>>();

  /** Runs `fn` once no earlier call holding one of `keys` is running. */
  async run<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    let release: () => void = () => {};
    const done = new Promise<void>((resolve) => (release = resolve));
    // All keys are taken synchronously, so two calls can never wait on each other.
    const waits: Promise<void>[] = [];
    const tails: Array<[string, Promise<void>]> = [];
    for (const key of new Set(keys)) {
      const previous = this.#tails.get(key) ?? Promise.resolve();
      const tail = previous.then(() => done);
      this.#tails.set(key, tail);
      tails.push([key, tail]);
      waits.push(previous);
    }
    await Promise.all(waits);
    try {
      return await fn();
    } finally {
      release();
      for (const [key, tail] of tails) if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
