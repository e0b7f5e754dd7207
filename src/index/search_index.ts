/**
 * The search engine: BM25 over immutable segments kept by an
 * {@linkcode IndexStorage}, with an in-memory tail for what was just put.
 *
 * What is committed is always consistent: a flush writes the tail as a
 * segment and then, in ONE commit, lists it with the tombstones and the file
 * records that describe it. A file record is persisted only with the segment
 * holding its events, so an owner killed before a commit leaves records with
 * the old fingerprints, and the service's catch-up feeds those logs again.
 *
 * @module
 */
import type { SessionSummary } from "../model/search_result.ts";
import { eventHash } from "./event_hash.ts";
import { FileRecords, type SummaryEntry } from "./file_records.ts";
import type { FileRecord, IndexState, IndexStorage, SegmentHead, StoredSegment } from "./index_storage.ts";
import { pairKey } from "./index_storage.ts";
import { type MergePolicy, mergeSegments, pickMerge } from "./merge_segments.ts";
import { decodePostings, type Postings } from "./postings_codec.ts";
import { parseQuery } from "./query.ts";
import { runSearch, type SearchSources } from "./run_search.ts";
import {
  type IndexedLog,
  type IndexFilters,
  type OpenStatus,
  type SearchAnswer,
  type SearchIndex,
  SUMMARY_ROLE,
} from "./search_index_api.ts";
import { type NewDoc, Segment } from "./segment.ts";
import { fileMatches } from "./session_filters.ts";
import { TOKENIZER_VERSION } from "./tokenizer.ts";
import type { Fingerprint } from "./types.ts";

/** Options of {@linkcode openSearchIndex}. */
export interface SearchIndexOptions extends Partial<MergePolicy> {
  /** Decoded postings kept in memory for hot terms, in bytes (default 64 MiB). */
  postingsCacheBytes?: number;
}

/**
 * Opens the engine over `storage`: loads the committed state and the heads of
 * its segments, sweeps orphan segments, and clears everything (status
 * `rebuilt`) when the state was made by another tokenizer or is not understood.
 *
 * @example
 * ```ts
 * import { openSearchIndex } from "./search_index.ts";
 * import { MemoryStorage } from "./memory_storage.ts";
 * const index = await openSearchIndex(new MemoryStorage());
 * console.assert(index.status === "created");
 * ```
 */
export async function openSearchIndex(storage: IndexStorage, options: SearchIndexOptions = {}): Promise<SearchIndex> {
  const index = new SegmentSearchIndex(storage, options);
  await index.open();
  return index;
}

/** Where a document lives. */
interface DocRef {
  segment: Segment;
  doc: number;
}

/** A flushed tail waiting for its commit. */
interface Pending {
  segment: Segment;
  stored: StoredSegment;
  written: boolean;
}

class SegmentSearchIndex implements SearchIndex {
  status: OpenStatus = "ok";
  readonly #storage: IndexStorage;
  readonly #policy: MergePolicy;
  readonly #cache: PostingsCache;
  #version = 0;
  #committed: Segment[] = [];
  #pending: Pending[] = [];
  #tail = Segment.tail();
  readonly #records = new FileRecords();
  /** Records changed since the last commit (null: removed). */
  #dirty = new Map<string, FileRecord | null>();
  #fileDocs = new Map<string, DocRef[]>();
  /** Tombstones made since the last commit. */
  #killed = false;
  #busy: Promise<unknown> = Promise.resolve();
  #searches = new Set<Promise<unknown>>();

  constructor(storage: IndexStorage, options: SearchIndexOptions) {
    this.#storage = storage;
    this.#policy = {
      mergeFactor: options.mergeFactor ?? 8,
      maxSegments: options.maxSegments ?? 24,
      // A merge holds its result's texts in memory: ~130k events of a few hundred bytes keep the owner's peak low.
      maxMergedDocs: options.maxMergedDocs ?? 131_072,
    };
    this.#cache = new PostingsCache(options.postingsCacheBytes ?? 64 * 1024 * 1024);
  }

  async open(): Promise<void> {
    const state = await this.#storage.loadState();
    if (state === undefined) {
      await this.#sweep([]);
      this.status = "created";
      return;
    }
    const heads = isState(state) && state.tokenizer === TOKENIZER_VERSION
      ? await this.#storage.loadHeads(state.segments)
      : undefined;
    const segments = heads === undefined ? undefined : segmentsOf(state, heads);
    if (segments === undefined) {
      await this.#storage.clear();
      this.status = "rebuilt";
      return;
    }
    this.#committed = segments;
    this.#version = state.version;
    for (const record of await this.#storage.loadFiles()) {
      this.#records.set({ ...record, facts: record.facts ?? {} });
    }
    this.#rebuildFileDocs();
    await this.#sweep(state.segments);
  }

  async #sweep(live: string[]): Promise<void> {
    const keep = new Set(live);
    const orphans = (await this.#storage.segmentIds()).filter((id) => !keep.has(id));
    if (orphans.length > 0) await this.#storage.deleteSegments(orphans);
  }

  #rebuildFileDocs(): void {
    this.#fileDocs.clear();
    for (const segment of this.#segments()) {
      const columns = segment.columns;
      for (let doc = 0; doc < columns.count; doc++) {
        if (segment.dead[doc] === 1) continue;
        const file = segment.files[columns.file[doc]];
        let refs = this.#fileDocs.get(file);
        if (refs === undefined) this.#fileDocs.set(file, refs = []);
        refs.push({ segment, doc });
      }
    }
  }

  /** Every segment searched: committed, flushed but not committed, and the tail. */
  #segments(): Segment[] {
    return [...this.#committed, ...this.#pending.map((pending) => pending.segment), this.#tail];
  }

  get tailSize(): number {
    return this.#tail.docCount + this.#pending.reduce((sum, pending) => sum + pending.segment.docCount, 0);
  }

  get uncommitted(): boolean {
    return this.#tail.docCount > 0 || this.#pending.length > 0 || this.#dirty.size > 0 || this.#killed;
  }

  putLog(log: IndexedLog): void {
    const old = this.#records.get(log.file);
    const sameSession = old !== undefined && old.sessionId === log.sessionId &&
      old.sessionType === log.sessionType;
    const wanted = new Map<string, NewDoc>();
    let lastEventMs: number | null = null;
    for (const event of log.events) {
      const time = Date.parse(event.at);
      const counts = event.role !== SUMMARY_ROLE;
      if (counts && !Number.isNaN(time) && (lastEventMs === null || time > lastEventMs)) lastEventMs = time;
      const hash = eventHash(event);
      wanted.set(docKey(event.seq, event.line, hash), {
        text: [event.content, event.tool ?? "", event.args ?? ""].filter((part) => part !== "").join("\n"),
        row: {
          time,
          role: event.role,
          sessionType: log.sessionType,
          tool: event.tool ?? "",
          file: log.file,
          session: log.sessionId,
          seq: event.seq,
          line: event.line,
          hash,
        },
      });
    }
    if (log.title || log.tags.length > 0) {
      const text = [log.title ?? "", ...log.tags].filter((part) => part !== "").join("\n");
      const hash = eventHash({ role: "title", content: text, at: log.started });
      wanted.set(docKey(-1, 1, hash), {
        text,
        row: {
          time: Date.parse(log.started),
          role: "title",
          sessionType: log.sessionType,
          tool: "",
          file: log.file,
          session: log.sessionId,
          seq: -1,
          line: 1,
          hash,
        },
      });
    }
    const refs: DocRef[] = [];
    for (const ref of this.#fileDocs.get(log.file) ?? []) {
      const columns = ref.segment.columns;
      const key = docKey(columns.seq[ref.doc], columns.line[ref.doc], columns.hash[ref.doc]);
      if (sameSession && wanted.has(key)) {
        wanted.delete(key);
        refs.push(ref);
      } else this.#kill(ref);
    }
    for (const doc of wanted.values()) refs.push({ segment: this.#tail, doc: this.#tail.add(doc) });
    this.#fileDocs.set(log.file, refs);
    const record: FileRecord = {
      file: log.file,
      sessionId: log.sessionId,
      sessionType: log.sessionType,
      title: log.title,
      tags: [...log.tags],
      started: log.started,
      ended: log.ended,
      imported: log.imported ?? null,
      events: log.events.filter((event) => event.role !== SUMMARY_ROLE).length,
      lastEventMs,
      fingerprint: { ...log.fingerprint },
      facts: { ...log.facts },
    };
    this.#records.set(record);
    this.#dirty.set(log.file, record);
  }

  removeLog(file: string): void {
    for (const ref of this.#fileDocs.get(file) ?? []) this.#kill(ref);
    this.#fileDocs.delete(file);
    if (this.#records.delete(file)) this.#dirty.set(file, null);
  }

  #kill(ref: DocRef): void {
    if (ref.segment.kill(ref.doc)) this.#killed = true;
  }

  fingerprints(): ReadonlyMap<string, Fingerprint> {
    return this.#records.fingerprints;
  }

  search(query: string, filters: IndexFilters = {}): Promise<SearchAnswer> {
    let parsed;
    try {
      parsed = parseQuery(query);
    } catch (error) {
      return Promise.reject(error);
    }
    const running = runSearch(parsed, filters, this.#segments(), this.#sources());
    this.#searches.add(running);
    const forget = () => this.#searches.delete(running);
    running.then(forget, forget);
    return running;
  }

  #sources(): SearchSources {
    return {
      records: this.#records.map,
      postings: async (wanted) => {
        const found = new Map<Segment, Map<number, Postings>>();
        const put = (segment: Segment, term: number, postings: Postings) => {
          let map = found.get(segment);
          if (map === undefined) found.set(segment, map = new Map());
          map.set(term, postings);
        };
        const fetch: { segment: Segment; term: number }[] = [];
        for (const { segment, term } of wanted) {
          const memory = segment.memory;
          if (memory !== undefined) {
            put(segment, term, { docs: Uint32Array.from(memory.docs[term]), tfs: Uint32Array.from(memory.tfs[term]) });
            continue;
          }
          const cached = this.#cache.get(pairKey(segment.id, term));
          if (cached !== undefined) put(segment, term, cached);
          else fetch.push({ segment, term });
        }
        if (fetch.length === 0) return found;
        const bytes = await this.#storage.readPostings(
          fetch.map(({ segment, term }) => ({ segment: segment.id, term })),
        );
        for (const { segment, term } of fetch) {
          const key = pairKey(segment.id, term);
          const packed = bytes.get(key);
          if (packed === undefined) continue;
          const postings = decodePostings(packed);
          this.#cache.set(key, postings);
          put(segment, term, postings);
        }
        return found;
      },
      texts: async (wanted) => {
        const found = new Map<Segment, Map<number, string>>();
        const put = (segment: Segment, doc: number, text: string) => {
          let map = found.get(segment);
          if (map === undefined) found.set(segment, map = new Map());
          map.set(doc, text);
        };
        const fetch = wanted.filter(({ segment, doc }) => {
          if (segment.memory === undefined) return true;
          put(segment, doc, segment.memory.texts[doc]);
          return false;
        });
        if (fetch.length === 0) return found;
        const texts = await this.#storage.readTexts(fetch.map(({ segment, doc }) => ({ segment: segment.id, doc })));
        for (const { segment, doc } of fetch) {
          const text = texts.get(pairKey(segment.id, doc));
          if (text !== undefined) put(segment, doc, text);
        }
        return found;
      },
    };
  }

  listSessions(filters: IndexFilters = {}): SessionSummary[] {
    const summaries: SummaryEntry[] = [];
    for (const entry of this.#records.sessions()) {
      const { summary, lastMs, logs } = entry;
      if (filters.session !== undefined && summary.id !== filters.session) continue;
      if (filters.type !== undefined && summary.type !== filters.type) continue;
      if (filters.since !== undefined && !(lastMs >= filters.since)) continue;
      if (filters.until !== undefined && !(lastMs <= filters.until)) continue;
      if (!logs.some((log) => fileMatches(log, filters))) continue;
      summaries.push(entry);
    }
    summaries.sort((a, b) => b.lastMs - a.lastMs || (a.summary.id < b.summary.id ? -1 : 1));
    const limited = filters.limit !== undefined ? summaries.slice(0, filters.limit) : summaries;
    return limited.map(({ summary }) => summary);
  }

  flush(): Promise<void> {
    return this.#exclusive(() => this.#flush());
  }

  async #flush(): Promise<void> {
    if (this.#tail.docCount > 0) {
      const segment = this.#tail;
      this.#tail = Segment.tail();
      this.#pending.push({ segment, stored: segment.build(0), written: false });
    }
    if (this.#pending.length === 0 && this.#dirty.size === 0 && !this.#killed) return;
    const records = new Map(this.#dirty);
    this.#dirty.clear();
    try {
      for (const pending of this.#pending) {
        if (pending.written) continue;
        await this.#storage.writeSegment(pending.stored);
        pending.written = true;
      }
      const pending = this.#pending.map((p) => p.segment);
      await this.#commit([...this.#committed, ...pending], records);
      for (const p of this.#pending) p.segment.settle(p.stored);
      this.#committed.push(...pending);
      this.#pending = this.#pending.filter((p) => !pending.includes(p.segment));
    } catch (error) {
      for (const [file, record] of records) if (!this.#dirty.has(file)) this.#dirty.set(file, record);
      throw error;
    }
  }

  /** Commits this segment list with the current tombstones and these record changes. */
  async #commit(segments: Segment[], records: Map<string, FileRecord | null>): Promise<void> {
    const tombstones: Record<string, number[]> = {};
    for (const segment of segments) if (segment.deadCount > 0) tombstones[segment.id] = segment.deadDocs();
    const killed = this.#killed;
    this.#killed = false;
    try {
      await this.#storage.commit({
        baseVersion: this.#version,
        state: { tokenizer: TOKENIZER_VERSION, segments: segments.map((segment) => segment.id), tombstones },
        putFiles: [...records.values()].filter((record) => record !== null),
        removeFiles: [...records].filter(([, record]) => record === null).map(([file]) => file),
      });
    } catch (error) {
      this.#killed ||= killed;
      throw error;
    }
    this.#version++;
  }

  merge(): Promise<boolean> {
    return this.#exclusive(async () => {
      const inputs = pickMerge(this.#committed, this.#policy);
      if (inputs === undefined) return false;
      const merged = await mergeSegments(inputs, this.#storage);
      await this.#storage.writeSegment(merged.stored);
      const segment = Segment.fromHead(merged.stored);
      const carry = () => {
        inputs.forEach((input, i) => {
          for (let doc = 0; doc < input.docCount; doc++) {
            if (input.dead[doc] === 1 && merged.remap[i][doc] >= 0) segment.kill(merged.remap[i][doc]);
          }
        });
      };
      // Tombstones made while merging move onto the merged segment (before the commit, and again after it).
      carry();
      const at = this.#committed.indexOf(inputs[0]);
      const next = this.#committed.filter((s) => !inputs.includes(s));
      next.splice(Math.min(at, next.length), 0, segment);
      await this.#commit(next, new Map());
      carry();
      this.#committed = next;
      for (const refs of this.#fileDocs.values()) {
        for (const ref of refs) {
          const i = inputs.indexOf(ref.segment);
          if (i >= 0) {
            ref.segment = segment;
            ref.doc = merged.remap[i][ref.doc];
          }
        }
      }
      // Searches that started before the swap may still read the inputs.
      await Promise.allSettled([...this.#searches]);
      await this.#storage.deleteSegments(inputs.map((input) => input.id));
      return true;
    });
  }

  clear(): Promise<void> {
    return this.#exclusive(async () => {
      await this.#storage.clear();
      this.#version = 0;
      this.#committed = [];
      this.#pending = [];
      this.#tail = Segment.tail();
      this.#records.clear();
      this.#dirty.clear();
      this.#fileDocs.clear();
      this.#killed = false;
      this.#cache.clear();
    });
  }

  /** Runs flushes, merges and clears one at a time. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(work, work);
    this.#busy = run.catch(() => undefined);
    return run;
  }
}

function docKey(seq: number, line: number, hash: number): string {
  return `${seq}:${line}:${hash >>> 0}`;
}

/** The committed segments, or undefined when a head is missing or not understood (then the index is rebuilt). */
function segmentsOf(state: IndexState, heads: SegmentHead[]): Segment[] | undefined {
  const byId = new Map(heads.map((head) => [head.id, head]));
  if (!state.segments.every((id) => byId.has(id))) return undefined;
  try {
    return state.segments.map((id) => Segment.fromHead(byId.get(id)!, state.tombstones[id] ?? []));
  } catch {
    return undefined;
  }
}

function isState(state: IndexState): boolean {
  return typeof state.version === "number" && typeof state.tokenizer === "string" &&
    Array.isArray(state.segments) && typeof state.tombstones === "object" && state.tombstones !== null;
}

/** Decoded postings of hot terms, least recently used dropped first, bounded in bytes. */
class PostingsCache {
  readonly #limit: number;
  #bytes = 0;
  readonly #entries = new Map<string, Postings>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): Postings | undefined {
    const found = this.#entries.get(key);
    if (found !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, found);
    }
    return found;
  }

  set(key: string, postings: Postings): void {
    const size = postings.docs.byteLength + postings.tfs.byteLength + 64;
    if (size > this.#limit / 4) return;
    // Two searches that missed together set the same key: count it once.
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= old.docs.byteLength + old.tfs.byteLength + 64;
    }
    this.#entries.set(key, postings);
    this.#bytes += size;
    for (const [old, value] of this.#entries) {
      if (this.#bytes <= this.#limit) break;
      this.#entries.delete(old);
      this.#bytes -= value.docs.byteLength + value.tfs.byteLength + 64;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
