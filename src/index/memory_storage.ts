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

  /**
   * Makes the `skip`+1-th next call of this kind throw {@linkcode SimulatedCrash}
   * without doing anything, as if the process died just before it.
   */
  failNext(call: StorageCall, skip = 0): void {
    this.#failing.set(call, skip);
  }

  #enter(call: string): void {
    this.calls.set(call, (this.calls.get(call) ?? 0) + 1);
    const skip = this.#failing.get(call as StorageCall);
    if (skip === undefined) return;
    if (skip > 0) {
      this.#failing.set(call as StorageCall, skip - 1);
      return;
    }
    this.#failing.delete(call as StorageCall);
    throw new SimulatedCrash(call as StorageCall);
  }

  loadState(): Promise<IndexState | undefined> {
    this.#enter("loadState");
    return Promise.resolve(this.#state === undefined ? undefined : structuredClone(this.#state));
  }

  loadFiles(): Promise<FileRecord[]> {
    this.#enter("loadFiles");
    return Promise.resolve([...this.#files.values()].map((record) => structuredClone(record)));
  }

  loadHeads(ids: string[]): Promise<SegmentHead[]> {
    this.#enter("loadHeads");
    const heads: SegmentHead[] = [];
    for (const id of ids) {
      const segment = this.#segments.get(id);
      if (segment === undefined) continue;
      const { postings: _postings, texts: _texts, ...head } = segment;
      heads.push(structuredClone(head));
    }
    return Promise.resolve(heads);
  }

  writeSegment(segment: StoredSegment): Promise<void> {
    this.#enter("writeSegment");
    this.#segments.set(segment.id, structuredClone(segment));
    return Promise.resolve();
  }

  commit(change: IndexCommit): Promise<void> {
    this.#enter("commit");
    const version = this.#state?.version ?? 0;
    if (change.baseVersion !== version) {
      return Promise.reject(new Error(`commit based on version ${change.baseVersion}, but the state is ${version}`));
    }
    this.#state = { ...structuredClone(change.state), version: version + 1 };
    for (const file of change.removeFiles) this.#files.delete(file);
    for (const record of change.putFiles) this.#files.set(record.file, structuredClone(record));
    return Promise.resolve();
  }

  readPostings(wanted: { segment: string; term: number }[]): Promise<Map<string, Uint8Array>> {
    this.#enter("readPostings");
    const found = new Map<string, Uint8Array>();
    for (const { segment, term } of wanted) {
      const postings = this.#segments.get(segment)?.postings[term];
      if (postings !== undefined) found.set(pairKey(segment, term), postings.slice());
    }
    return Promise.resolve(found);
  }

  readTexts(wanted: { segment: string; doc: number }[]): Promise<Map<string, string>> {
    this.#enter("readTexts");
    const found = new Map<string, string>();
    for (const { segment, doc } of wanted) {
      const text = this.#segments.get(segment)?.texts[doc];
      if (text !== undefined) found.set(pairKey(segment, doc), text);
    }
    return Promise.resolve(found);
  }

  segmentIds(): Promise<string[]> {
    this.#enter("segmentIds");
    return Promise.resolve([...this.#segments.keys()]);
  }

  deleteSegments(ids: string[]): Promise<void> {
    this.#enter("deleteSegments");
    for (const id of ids) this.#segments.delete(id);
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.#enter("clear");
    this.#state = undefined;
    this.#files.clear();
    this.#segments.clear();
    return Promise.resolve();
  }
}
