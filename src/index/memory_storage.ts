/**
 * {@linkcode IndexStorage} in memory: the engine's storage for fast tests and
 * benchmarks, with a way to fail a chosen call as a crash would.
 *
 * @module
 */
import type { FileRecord, IndexCommit, IndexState, IndexStorage, SegmentHead, StoredSegment } from "./index_storage.ts";
import { pairKey } from "./index_storage.ts";

/** The storage calls that {@linkcode MemoryStorage.failNext} can fail. */
export type StorageCall = "writeSegment" | "commit" | "deleteSegments";

/** The error a simulated crash throws. */
export class SimulatedCrash extends Error {
  constructor(call: StorageCall) {
    super(`simulated crash in ${call}`);
    this.name = "SimulatedCrash";
  }
}

/**
 * Keeps segments, state and file records in maps. Stored values are copied in
 * and out, so the engine cannot change them behind the storage's back.
 *
 * @example
 * ```ts
 * import { MemoryStorage } from "./memory_storage.ts";
 * const storage = new MemoryStorage();
 * console.assert((await storage.loadState()) === undefined);
 * ```
 */
export class MemoryStorage implements IndexStorage {
  #state: IndexState | undefined;
  #files = new Map<string, FileRecord>();
  #segments = new Map<string, StoredSegment>();
  #failing = new Map<StorageCall, number>();
  /** How many times each call ran (for tests that count round trips). */
  readonly calls = new Map<string, number>();
  /** Every call waits this long first, as a round trip to a server would (default 0). */
  latencyMs = 0;

  /**
   * Makes the `skip`+1-th next call of this kind throw {@linkcode SimulatedCrash}
   * without doing anything, as if the process died just before it.
   */
  failNext(call: StorageCall, skip = 0): void {
    this.#failing.set(call, skip);
  }

  /** Forgets every failure armed by {@linkcode MemoryStorage.failNext} that has not happened. */
  cancelFailures(): void {
    this.#failing.clear();
  }

  /** Counts the call, and rejects when it is the one to fail; awaited first by every call. */
  async #enter(call: string): Promise<void> {
    this.calls.set(call, (this.calls.get(call) ?? 0) + 1);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const skip = this.#failing.get(call as StorageCall);
    if (skip === undefined) return;
    if (skip > 0) {
      this.#failing.set(call as StorageCall, skip - 1);
      return;
    }
    this.#failing.delete(call as StorageCall);
    throw new SimulatedCrash(call as StorageCall);
  }

  async loadState(): Promise<IndexState | undefined> {
    await this.#enter("loadState");
    return this.#state === undefined ? undefined : structuredClone(this.#state);
  }

  async loadFiles(): Promise<FileRecord[]> {
    await this.#enter("loadFiles");
    return [...this.#files.values()].map((record) => structuredClone(record));
  }

  async loadHeads(ids: string[]): Promise<SegmentHead[]> {
    await this.#enter("loadHeads");
    const heads: SegmentHead[] = [];
    for (const id of ids) {
      const segment = this.#segments.get(id);
      if (segment === undefined) continue;
      const { postings: _postings, texts: _texts, ...head } = segment;
      heads.push(structuredClone(head));
    }
    return heads;
  }

  async writeSegment(segment: StoredSegment): Promise<void> {
    await this.#enter("writeSegment");
    this.#segments.set(segment.id, structuredClone(segment));
    return;
  }

  async commit(change: IndexCommit): Promise<void> {
    await this.#enter("commit");
    const version = this.#state?.version ?? 0;
    if (change.baseVersion !== version) {
      throw new Error(`commit based on version ${change.baseVersion}, but the state is ${version}`);
    }
    this.#state = { ...structuredClone(change.state), version: version + 1 };
    for (const file of change.removeFiles) this.#files.delete(file);
    for (const record of change.putFiles) this.#files.set(record.file, structuredClone(record));
    return;
  }

  async readPostings(wanted: { segment: string; term: number }[]): Promise<Map<string, Uint8Array>> {
    await this.#enter("readPostings");
    const found = new Map<string, Uint8Array>();
    for (const { segment, term } of wanted) {
      const postings = this.#segments.get(segment)?.postings[term];
      if (postings !== undefined) found.set(pairKey(segment, term), postings.slice());
    }
    return found;
  }

  async readTexts(wanted: { segment: string; doc: number }[]): Promise<Map<string, string>> {
    await this.#enter("readTexts");
    const found = new Map<string, string>();
    for (const { segment, doc } of wanted) {
      const text = this.#segments.get(segment)?.texts[doc];
      if (text !== undefined) found.set(pairKey(segment, doc), text);
    }
    return found;
  }

  async segmentIds(): Promise<string[]> {
    await this.#enter("segmentIds");
    return [...this.#segments.keys()];
  }

  async deleteSegments(ids: string[]): Promise<void> {
    await this.#enter("deleteSegments");
    for (const id of ids) this.#segments.delete(id);
    return;
  }

  async clear(): Promise<void> {
    await this.#enter("clear");
    this.#state = undefined;
    this.#files.clear();
    this.#segments.clear();
    return;
  }
}
