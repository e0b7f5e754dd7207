/**
 * A bounded heap that keeps the k best of a stream: the root is the worst
 * kept, so a newcomer is compared with it once.
 *
 * @module
 */

/**
 * Keeps the `k` greatest items by `better` (a strict total order).
 *
 * @example
 * ```ts
 * import { TopK } from "./top_k.ts";
 * const top = new TopK<number>(2, (a, b) => a > b);
 * for (const n of [5, 1, 9, 3]) top.offer(n);
 * console.assert(top.sorted().join() === "9,5");
 * ```
 */
export class TopK<T> {
  readonly #k: number;
  readonly #better: (a: T, b: T) => boolean;
  readonly #items: T[] = [];

  constructor(k: number, better: (a: T, b: T) => boolean) {
    this.#k = k;
    this.#better = better;
  }

  get size(): number {
    return this.#items.length;
  }

  get full(): boolean {
    return this.#items.length >= this.#k;
  }

  /** The worst item kept (undefined when empty). */
  get worst(): T | undefined {
    return this.#items[0];
  }

  /** Offers an item; true when it was kept. */
  offer(item: T): boolean {
    const items = this.#items;
    if (this.#k <= 0) return false;
    if (items.length < this.#k) {
      items.push(item);
      this.#up(items.length - 1);
      return true;
    }
    if (!this.#better(item, items[0])) return false;
    items[0] = item;
    this.#down(0);
    return true;
  }

  /** The kept items, best first. */
  sorted(): T[] {
    return [...this.#items].sort((a, b) => this.#better(a, b) ? -1 : this.#better(b, a) ? 1 : 0);
  }

  #up(i: number): void {
    const items = this.#items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#better(items[parent], items[i])) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  #down(i: number): void {
    const items = this.#items;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < items.length && this.#better(items[worst], items[left])) worst = left;
      if (right < items.length && this.#better(items[worst], items[right])) worst = right;
      if (worst === i) return;
      [items[worst], items[i]] = [items[i], items[worst]];
      i = worst;
    }
  }
}
