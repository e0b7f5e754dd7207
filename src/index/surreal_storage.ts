/**
 * {@linkcode IndexStorage} in SurrealDB: the product's storage, embedded
 * (`rocksdb://`) or on a server.
 *
 * Records:
 * - `state:current` — the committed {@linkcode IndexState} (segment list, tombstones, version).
 * - `files:[<version>, <bucket>]` — the file records, in 64 buckets by a hash of the path, so a commit writes only
 *   the buckets it touches and opening reads 64 records, not one per log. Copy on write: a commit writes the
 *   buckets it changes as new records, then swaps `state:current` (which names each bucket's live version) in
 *   one conditional statement, then deletes the old ones. One statement is atomic; the SDK's multi-statement
 *   transactions fail here ("Specify a database to use"), so the design needs none.
 * - `seg:<id>` — a segment's small facts and how many chunks each of its streams has. Written before its chunks,
 *   so a segment cut short by a crash is still found, and swept, as an orphan.
 * - `chunk:[<segment>, <stream>, <n>]` — a segment's packed streams in blocks of {@linkcode CHUNK_BYTES}:
 *   terms, document frequencies, postings offsets, postings, columns, text offsets, texts. Measured here:
 *   20,000 small records take minutes to insert (the cost grows faster than the count), 30 MB in 256 KB
 *   blocks about 0.3 s; reading a block takes 2–3 ms.
 *
 * Postings and texts are read by byte range: the head's offsets say which blocks hold a term's postings or a
 * document's text, and one `RETURN $ids.*` fetches all blocks a query needs in one round trip.
 *
 * @module
 */
import { RecordId, type Surreal } from "surrealdb";
import { CruError, WaitTimeoutError } from "../model/errors.ts";
import type { FileRecord, IndexCommit, IndexState, IndexStorage, SegmentHead, StoredSegment } from "./index_storage.ts";
import { pairKey } from "./index_storage.ts";

/** Bytes per chunk record. */
export const CHUNK_BYTES = 256 * 1024;

/** Buckets the file records are spread over. */
const FILE_BUCKETS = 64;

/** `IF NOT EXISTS`: several owners may share a server. */
const DEFINE_TABLES = ["state", "files", "seg", "chunk"]
  .map((table) => `DEFINE TABLE IF NOT EXISTS ${table} SCHEMALESS;`).join(" ");

/**
 * The tables of the index before this storage (SurrealDB FULLTEXT over one row per event): an index that has no
 * state yet may hold them from an older cru, hundreds of MB that nothing reads any more.
 */
const DROP_OLD_TABLES = ["event", "log", "session", "meta"].map((table) => `REMOVE TABLE IF EXISTS ${table};`).join(
  " ",
);

/** The streams a segment is stored as. */
const STREAMS = ["terms", "docFreqs", "postingOffsets", "postings", "columns", "textOffsets", "texts"] as const;
type Stream = typeof STREAMS[number];

/** The `seg:<id>` record. */
interface SegmentRecord {
  docCount: number;
  level: number;
  files: string[];
  sessions: string[];
  /** Bytes of each stream; chunks = ceil(bytes / CHUNK_BYTES). */
  bytes: Record<Stream, number>;
}

/** `state:current`: the committed state and which version of each file bucket is live. */
interface StateRecord extends IndexState {
  buckets: Record<number, string>;
}

/** Offsets the storage keeps per segment to read postings and texts by range. */
interface SegmentOffsets {
  postings: Float64Array;
  texts: Float64Array;
}

/** Raised when another owner committed first (a shared server); the caller reloads and retries. */
export class IndexConflictError extends CruError {
  constructor(message: string) {
    super("index_conflict", message);
    this.name = "IndexConflictError";
  }
}

/** Options of {@linkcode SurrealStorage}. */
export interface SurrealStorageOptions {
  /** Bound on each call, ms (default 120 000). */
  timeoutMs?: number;
}

/** The index's storage in SurrealDB. */
export class SurrealStorage implements IndexStorage {
  readonly #db: Surreal;
  readonly #timeoutMs: number;
  readonly #offsets = new Map<string, SegmentOffsets>();
  readonly #records = new Map<string, SegmentRecord>();

  private constructor(db: Surreal, options: SurrealStorageOptions) {
    this.#db = db;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** The storage in `db`, its tables defined if they are not yet. */
  static async open(db: Surreal, options: SurrealStorageOptions = {}): Promise<SurrealStorage> {
    const storage = new SurrealStorage(db, options);
    await storage.#query(DEFINE_TABLES);
    if ((await storage.#stateRecord()) === undefined) await storage.#query(DROP_OLD_TABLES);
    return storage;
  }

  async loadState(): Promise<IndexState | undefined> {
    const state = await this.#stateRecord();
    if (state === undefined) return undefined;
    const { version, tokenizer, segments, tombstones } = state;
    return { version, tokenizer, segments, tombstones: tombstones ?? {} };
  }

  async loadFiles(): Promise<FileRecord[]> {
    const state = await this.#stateRecord();
    const ids = Object.entries(state?.buckets ?? {}).map(([n, v]) => filesId(v, Number(n)));
    if (ids.length === 0) return [];
    const [buckets] = await this.#query<[({ files?: Record<string, FileRecord> } | undefined)[]]>(
      "RETURN $ids.*;",
      { ids },
    );
    return buckets.flatMap((bucket, i) => {
      if (!bucket) throw new CruError("index_damaged", `the index is missing ${String(ids[i])}`);
      return Object.values(bucket.files ?? {});
    });
  }

  async loadHeads(ids: string[]): Promise<SegmentHead[]> {
    if (ids.length === 0) return [];
    const records = await this.#segmentRecords(ids);
    const wanted: Stream[] = ["terms", "docFreqs", "postingOffsets", "columns", "textOffsets"];
    const streams = await this.#readStreams(ids.map((id, i) => ({ id, record: records[i] })), wanted);
    return ids.map((id, i) => {
      const record = records[i];
      const bytes = (stream: Stream) => streams.get(`${id}/${stream}`) ?? new Uint8Array(0);
      this.#offsets.set(id, {
        postings: float64s(bytes("postingOffsets")),
        texts: float64s(bytes("textOffsets")),
      });
      const termText = new TextDecoder().decode(bytes("terms"));
      return {
        id,
        docCount: record.docCount,
        level: record.level,
        terms: termText === "" ? [] : termText.split("\n"),
        docFreqs: uint32s(bytes("docFreqs")),
        columns: bytes("columns"),
        files: record.files,
        sessions: record.sessions,
      };
    });
  }

  async writeSegment(segment: StoredSegment): Promise<void> {
    const encoder = new TextEncoder();
    const postingOffsets = offsetsOf(segment.postings.map((p) => p.byteLength));
    const textBytes = segment.texts.map((text) => encoder.encode(text));
    const textOffsets = offsetsOf(textBytes.map((t) => t.byteLength));
    const streams: Record<Stream, Uint8Array> = {
      terms: encoder.encode(segment.terms.join("\n")),
      docFreqs: bytesOf(segment.docFreqs),
      postingOffsets: bytesOf(postingOffsets),
      postings: concat(segment.postings),
      columns: segment.columns,
      textOffsets: bytesOf(textOffsets),
      texts: concat(textBytes),
    };
    const record: SegmentRecord = {
      docCount: segment.docCount,
      level: segment.level,
      files: segment.files,
      sessions: segment.sessions,
      bytes: Object.fromEntries(STREAMS.map((s) => [s, streams[s].byteLength])) as Record<Stream, number>,
    };
    // The record first: a crash between here and the commit leaves an orphan that open() finds and sweeps.
    await this.#query("UPSERT $id CONTENT $record RETURN NONE;", { id: segId(segment.id), record });
    let batch: { id: RecordId; b: Uint8Array }[] = [];
    let batchBytes = 0;
    for (const stream of STREAMS) {
      const bytes = streams[stream];
      for (let n = 0; n * CHUNK_BYTES < bytes.byteLength; n++) {
        const b = bytes.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES);
        batch.push({ id: chunkId(segment.id, stream, n), b: b.slice() });
        batchBytes += b.byteLength;
        if (batchBytes >= 4 * 1024 * 1024) {
          await this.#query("INSERT INTO chunk $rows RETURN NONE;", { rows: batch });
          batch = [];
          batchBytes = 0;
        }
      }
    }
    if (batch.length > 0) await this.#query("INSERT INTO chunk $rows RETURN NONE;", { rows: batch });
    this.#records.set(segment.id, record);
    this.#offsets.set(segment.id, { postings: postingOffsets, texts: textOffsets });
  }

  async commit(change: IndexCommit): Promise<void> {
    const current = await this.#stateRecord();
    if ((current?.version ?? 0) !== change.baseVersion) throw conflict(current?.version ?? 0, change.baseVersion);
    const version = change.baseVersion + 1;
    const buckets = { ...(current?.buckets ?? {}) };
    const touched = new Map<number, { put: FileRecord[]; remove: string[] }>();
    const bucketOf = (file: string) => {
      const n = fileBucket(file);
      let entry = touched.get(n);
      if (!entry) touched.set(n, entry = { put: [], remove: [] });
      return entry;
    };
    for (const file of change.putFiles) bucketOf(file.file).put.push(file);
    for (const file of change.removeFiles) bucketOf(file).remove.push(file);
    // Copy on write: changed buckets become new records; only the swap of `state:current` makes them live.
    const replaced: RecordId[] = [];
    const rows: { id: RecordId; files: Record<string, FileRecord> }[] = [];
    const [olds] = await this.#query<[({ files?: Record<string, FileRecord> } | undefined)[]]>("RETURN $ids.*;", {
      ids: [...touched.keys()].map((n) => filesId(buckets[n] ?? "none", n)),
    });
    [...touched.entries()].forEach(([n, { put, remove }], i) => {
      const files = { ...(olds[i]?.files ?? {}) };
      for (const file of remove) delete files[file];
      for (const file of put) files[file.file] = file;
      if (buckets[n] !== undefined) replaced.push(filesId(buckets[n], n));
      buckets[n] = `${version}`;
      rows.push({ id: filesId(buckets[n], n), files });
    });
    if (rows.length > 0) {
      await this.#query("DELETE $ids RETURN NONE;", { ids: rows.map((row) => row.id) }); // left by a failed commit
      await this.#query("INSERT INTO files $rows RETURN NONE;", { rows });
    }
    const state: StateRecord = { version, ...change.state, buckets };
    const [swapped] = current === undefined
      ? await this.#query<[number[]]>("CREATE state:current CONTENT $state RETURN VALUE version;", { state })
        .catch((error: Error) => {
          if (/already exists/.test(error.message)) return [[] as number[]] as [number[]];
          throw error;
        })
      : await this.#query<[number[]]>(
        "UPDATE state:current CONTENT $state WHERE version = $base RETURN VALUE version;",
        { state, base: change.baseVersion },
      );
    if (swapped.length !== 1) throw conflict(undefined, change.baseVersion);
    if (replaced.length > 0) await this.#query("DELETE $ids RETURN NONE;", { ids: replaced });
  }

  /** Deletes file buckets that no committed state refers to (left by a commit that lost a race or a crash). */
  async sweepFiles(): Promise<void> {
    const current = await this.#stateRecord();
    const live = new Set(Object.entries(current?.buckets ?? {}).map(([n, v]) => `${v}/${n}`));
    const [ids] = await this.#query<[RecordId[]]>("SELECT VALUE id FROM files;");
    const dead = ids.filter((id) => {
      const [v, n] = id.id as [string, number];
      return !live.has(`${v}/${n}`);
    });
    for (let i = 0; i < dead.length; i += 500) {
      await this.#query("DELETE $ids RETURN NONE;", { ids: dead.slice(i, i + 500) });
    }
  }

  async #stateRecord(): Promise<StateRecord | undefined> {
    const [state] = await this.#query<[StateRecord | undefined]>("RETURN state:current.*;");
    return state && typeof state === "object" ? state : undefined;
  }

  async readPostings(wanted: { segment: string; term: number }[]): Promise<Map<string, Uint8Array>> {
    return await this.#readRanges(wanted.map(({ segment, term }) => ({ segment, n: term })), "postings");
  }

  async readTexts(wanted: { segment: string; doc: number }[]): Promise<Map<string, string>> {
    const bytes = await this.#readRanges(wanted.map(({ segment, doc }) => ({ segment, n: doc })), "texts");
    const decoder = new TextDecoder();
    return new Map([...bytes].map(([key, value]) => [key, decoder.decode(value)]));
  }

  async segmentIds(): Promise<string[]> {
    const [ids] = await this.#query<[RecordId[]]>("SELECT VALUE id FROM seg;");
    return ids.map((id) => String(id.id));
  }

  async deleteSegments(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const records = await this.#segmentRecords(ids, { allowMissing: true });
    const chunks: RecordId[] = [];
    ids.forEach((id, i) => {
      const record = records[i];
      if (!record) return;
      for (const stream of STREAMS) {
        for (let n = 0; n * CHUNK_BYTES < record.bytes[stream]; n++) chunks.push(chunkId(id, stream, n));
      }
    });
    for (let i = 0; i < chunks.length; i += 500) {
      await this.#query("DELETE $ids RETURN NONE;", { ids: chunks.slice(i, i + 500) });
    }
    await this.#query("DELETE $ids RETURN NONE;", { ids: ids.map(segId) });
    for (const id of ids) {
      this.#offsets.delete(id);
      this.#records.delete(id);
    }
  }

  async clear(): Promise<void> {
    await this.#query(
      `REMOVE TABLE IF EXISTS chunk; REMOVE TABLE IF EXISTS seg; REMOVE TABLE IF EXISTS files;
      REMOVE TABLE IF EXISTS state; ${DEFINE_TABLES}`,
    );
    this.#offsets.clear();
    this.#records.clear();
  }

  /** The `seg:` records of these ids, from memory when known. */
  async #segmentRecords(ids: string[], options: { allowMissing?: boolean } = {}): Promise<SegmentRecord[]> {
    const unknown = ids.filter((id) => !this.#records.has(id));
    if (unknown.length > 0) {
      const [rows] = await this.#query<[(SegmentRecord | undefined)[]]>("RETURN $ids.*;", {
        ids: unknown.map(segId),
      });
      unknown.forEach((id, i) => {
        if (rows[i]) this.#records.set(id, rows[i]!);
      });
    }
    return ids.map((id) => {
      const record = this.#records.get(id);
      if (!record && !options.allowMissing) {
        throw new CruError("index_damaged", `the index lists segment ${id}, which is not stored`);
      }
      return record!;
    });
  }

  /** Whole streams of segments, by `<segment>/<stream>`. */
  async #readStreams(
    segments: { id: string; record: SegmentRecord }[],
    streams: Stream[],
  ): Promise<Map<string, Uint8Array>> {
    const ids: RecordId[] = [];
    const places: { key: string; n: number }[] = [];
    for (const { id, record } of segments) {
      for (const stream of streams) {
        for (let n = 0; n * CHUNK_BYTES < record.bytes[stream]; n++) {
          ids.push(chunkId(id, stream, n));
          places.push({ key: `${id}/${stream}`, n });
        }
      }
    }
    const blocks = await this.#chunks(ids);
    const parts = new Map<string, Uint8Array[]>();
    places.forEach(({ key, n }, i) => {
      const list = parts.get(key) ?? [];
      list[n] = blocks[i];
      parts.set(key, list);
    });
    return new Map([...parts].map(([key, list]) => [key, concat(list)]));
  }

  /** Byte ranges of a stream (the n-th posting list or text of a segment), fetching each block once. */
  async #readRanges(wanted: { segment: string; n: number }[], stream: "postings" | "texts") {
    const ranges: { key: string; segment: string; start: number; end: number }[] = [];
    const blockIds = new Map<string, RecordId>();
    for (const { segment, n } of wanted) {
      const offsets = await this.#offsetsOf(segment);
      const table = stream === "postings" ? offsets.postings : offsets.texts;
      if (n < 0 || n + 1 >= table.length) continue;
      const start = table[n];
      const end = table[n + 1];
      ranges.push({ key: pairKey(segment, n), segment, start, end });
      for (let b = Math.floor(start / CHUNK_BYTES); b * CHUNK_BYTES < end; b++) {
        blockIds.set(`${segment}/${b}`, chunkId(segment, stream, b));
      }
    }
    const keys = [...blockIds.keys()];
    const blocks = await this.#chunks([...blockIds.values()]);
    const byKey = new Map(keys.map((key, i) => [key, blocks[i]]));
    const result = new Map<string, Uint8Array>();
    for (const { key, segment, start, end } of ranges) {
      const out = new Uint8Array(end - start);
      for (let b = Math.floor(start / CHUNK_BYTES); b * CHUNK_BYTES < end; b++) {
        const block = byKey.get(`${segment}/${b}`)!;
        const from = Math.max(start, b * CHUNK_BYTES);
        const to = Math.min(end, (b + 1) * CHUNK_BYTES);
        out.set(block.subarray(from - b * CHUNK_BYTES, to - b * CHUNK_BYTES), from - start);
      }
      result.set(key, out);
    }
    return result;
  }

  async #offsetsOf(segment: string): Promise<SegmentOffsets> {
    const known = this.#offsets.get(segment);
    if (known) return known;
    await this.loadHeads([segment]);
    return this.#offsets.get(segment)!;
  }

  /** Chunk blocks by id, in one round trip; a missing one is damage. */
  async #chunks(ids: RecordId[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return [];
    const [blocks] = await this.#query<[(ArrayBuffer | Uint8Array | undefined)[]]>("RETURN $ids.*.b;", { ids });
    return blocks.map((block, i) => {
      if (block === undefined || block === null) {
        throw new CruError("index_damaged", `the index is missing ${String(ids[i])}`);
      }
      return block instanceof Uint8Array ? block : new Uint8Array(block);
    });
  }

  async #query<T extends unknown[] = unknown[]>(sql: string, vars?: Record<string, unknown>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new WaitTimeoutError("the index database to answer a query", this.#timeoutMs)),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([this.#db.query(sql, vars) as unknown as Promise<T>, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function conflict(found: number | undefined, expected: number): IndexConflictError {
  const what = found === undefined ? "" : ` (version ${found}, expected ${expected})`;
  return new IndexConflictError(`another process committed to the index first${what}`);
}

function filesId(version: string, n: number): RecordId {
  return new RecordId("files", [version, n]);
}

function segId(id: string): RecordId {
  return new RecordId("seg", id);
}

function chunkId(segment: string, stream: Stream, n: number): RecordId {
  return new RecordId("chunk", [segment, stream, n]);
}

/** The bucket of a file path (FNV-1a). */
function fileBucket(file: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) {
    hash ^= file.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % FILE_BUCKETS;
}

/** Start offsets of consecutive parts of these lengths, with the total at the end. */
function offsetsOf(lengths: number[]): Float64Array {
  const offsets = new Float64Array(lengths.length + 1);
  for (let i = 0; i < lengths.length; i++) offsets[i + 1] = offsets[i] + lengths[i];
  return offsets;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function bytesOf(array: Uint32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function uint32s(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.slice().buffer);
}

function float64s(bytes: Uint8Array): Float64Array {
  return new Float64Array(bytes.slice().buffer);
}
