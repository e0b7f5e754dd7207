/**
 * The index service: answers the requests of `protocol.ts` from a search
 * engine it keeps level with the markdown. It knows nothing of sockets or
 * processes: the index owner (`index_owner.ts`) runs it behind a unix socket,
 * and `local_index.ts` runs it inside a test's own process over memory storage.
 *
 * Keeping level costs what changed: appends name their log (`changed`), the
 * watcher names what else changed (hand edits, imports, cleanup), and a full
 * sweep runs at start — and before every query only when watching is
 * unavailable. New events go to the engine's in-memory tail, searchable at
 * once, and are written out as a segment in batches.
 *
 * Not safe for overlapping calls: callers run one job at a time.
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { SearchIndex } from "../index/search_index_api.ts";
import type { ParseWarning } from "../model/log.ts";
import type { SessionStore } from "../store/session_store.ts";
import { type FeedProgress, type FeedReport, LogFeeder } from "./log_feeder.ts";
import { LogWatcher } from "./log_watcher.ts";
import { indexDir } from "./owner_paths.ts";
import { collectGarbage } from "../runtime/process.ts";
import type { IndexMethod, ParamsOf, ResultOf } from "./protocol.ts";

/** The tail is written out as a segment once it holds this many documents… */
const FLUSH_DOCS = 8_192;
/** …or after this long without new writes. */
const FLUSH_QUIET_MS = 3_000;
/** During a sweep or a reindex, segments of this many documents (larger ones cost memory while they are built). */
const REINDEX_SEGMENT_DOCS = 32_768;
/** During a sweep or a reindex, collect garbage after this many logs read. */
const GC_EVERY_FILES = 1_024;

/** A request's outcome: its result and the warnings not yet told. */
export interface ServiceAnswer<M extends IndexMethod> {
  result: ResultOf<M>;
  warnings: ParseWarning[];
}

/** Options of {@linkcode IndexService}. */
export interface IndexServiceOptions {
  /** Watch the sessions folder (default true); without it, every query sweeps first. */
  watch?: boolean;
  /** Runs a job after the current ones (the owner's queue); used for flushing when writes go quiet. */
  schedule: (job: () => Promise<unknown>) => void;
  /** Said once, with the first answer (what healing did at open). */
  notice?: string;
  /** Where the owner logs what it did (never event text). */
  log?: (line: string) => void;
  /** Write the tail out once it holds this many documents (default {@linkcode FLUSH_DOCS}). */
  flushDocs?: number;
}

/** Requests the service answers (the owner handles `stop` itself). */
export type ServiceMethod = Exclude<IndexMethod, "stop">;

/** Thrown inside a sweep that a reindex made pointless. */
class SweepSuperseded extends Error {}

/** Answers index requests for one store from one engine. */
export class IndexService {
  readonly #root: string;
  readonly #index: SearchIndex;
  readonly #feeder: LogFeeder;
  readonly #watcher: LogWatcher | undefined;
  readonly #schedule: (job: () => Promise<unknown>) => void;
  readonly #log: (line: string) => void;
  readonly #flushDocs: number;
  /** Logs named by appends or the watcher, not yet read. */
  #dirty = new Set<string>();
  /** A sweep is owed (at start, and when the watcher may have missed something). */
  #sweepOwed = true;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #notice: string | undefined;
  /** A reindex was asked for: a sweep under way gives way to it. */
  #superseded = false;
  #sweptFiles = 0;
  /** Warnings found while catching up (also in the background), told once, with the next answer. */
  #undelivered: ParseWarning[] = [];

  constructor(store: SessionStore, index: SearchIndex, options: IndexServiceOptions) {
    this.#root = store.root;
    this.#index = index;
    this.#feeder = new LogFeeder(store, index);
    this.#schedule = options.schedule;
    this.#notice = options.notice;
    this.#log = options.log ?? (() => {});
    this.#flushDocs = options.flushDocs ?? FLUSH_DOCS;
    if (options.watch ?? true) {
      this.#watcher = new LogWatcher(store.sessionsDir, (path) => this.#changed(path));
      if (!this.#watcher.healthy) this.#log("cannot watch the sessions folder; sweeping before every query instead");
    }
  }

  /** The engine's status at open. */
  get status(): SearchIndex["status"] {
    return this.#index.status;
  }

  /** Logs (store-relative) that changed: read before the next answer. Returns how many are waiting. */
  changed(logs: readonly string[]): number {
    for (const file of logs) this.#dirty.add(file);
    return this.#dirty.size;
  }

  /** Answers one request. `progress` reports long work (catching up, reindexing). */
  async handle<M extends ServiceMethod>(
    method: M,
    params: ParamsOf<M>,
    progress?: FeedProgress,
  ): Promise<ServiceAnswer<M>> {
    const answer = async (): Promise<unknown> => {
      switch (method as ServiceMethod) {
        case "ping":
          return { pid: 0, status: this.#index.status } satisfies ResultOf<"ping">;
        case "notify":
          return { queued: this.changed((params as ParamsOf<"notify">).logs) } satisfies ResultOf<"notify">;
        case "search": {
          const { query, filters } = params as ParamsOf<"search">;
          await this.catchUp(progress);
          return await this.#index.search(query, filters);
        }
        case "list":
          await this.catchUp(progress);
          return this.#index.listSessions((params as ParamsOf<"list">).filters);
        case "reindex":
          return await this.#reindex(progress);
      }
    };
    const result = (await answer()) as ResultOf<M>;
    return { result, warnings: this.#drainWarnings() };
  }

  /** Reads what changed since the last answer: the named logs, or everything when a sweep is owed. */
  async catchUp(progress?: FeedProgress): Promise<FeedReport> {
    let report: FeedReport;
    if (this.#sweepOwed || !(this.#watcher?.healthy ?? false)) {
      this.#sweepOwed = false;
      this.#dirty.clear();
      try {
        report = await this.#feeder.sweep(progress, () => this.#duringSweep());
      } catch (error) {
        if (!(error instanceof SweepSuperseded)) throw error;
        this.#sweepOwed = true; // the reindex that superseded it reads everything anyway
        return { scanned: 0, files: 0, events: 0, removed: 0, warnings: [] };
      }
    } else if (this.#dirty.size > 0) {
      const files = [...this.#dirty];
      this.#dirty.clear();
      report = await this.#feeder.feed(files);
    } else {
      return { scanned: 0, files: 0, events: 0, removed: 0, warnings: [] };
    }
    this.#undelivered.push(...report.warnings);
    await this.#afterWrites();
    return report;
  }

  /**
   * A reindex is on its way: a sweep in progress stops at its next file instead
   * of reading every log once for nothing (an owner that starts for a reindex
   * would otherwise sweep the whole store first, then rebuild it).
   */
  supersedeSweep(): void {
    this.#superseded = true;
  }

  /**
   * Runs after each log a sweep or a reindex reads: writes the tail out in
   * segments of a bounded size (a first sweep of a large store is a whole
   * build) and collects garbage now and then.
   */
  async #duringSweep(): Promise<void> {
    if (this.#superseded) throw new SweepSuperseded();
    if (this.#index.tailSize >= REINDEX_SEGMENT_DOCS) await this.#index.flush();
    // Reading and parsing thousands of logs makes garbage faster than the runtime's heuristics collect it.
    if (++this.#sweptFiles % GC_EVERY_FILES === 0) collectGarbage();
  }

  /** Writes the tail out and runs the merges that are due (before an owner exits). */
  async persist(): Promise<void> {
    clearTimeout(this.#flushTimer);
    if (this.#index.uncommitted) await this.#index.flush();
    while (await this.#index.merge()) { /* one merge at a time until none is due */ }
  }

  /** Stops watching and writes out what is pending. */
  async close(): Promise<void> {
    this.#watcher?.close();
    await this.persist();
  }

  /**
   * The watcher saw a change: a log, or a whole session folder (created,
   * removed, archived). A folder's logs are those the index knows under it and
   * those in it now: listing one folder, not sweeping the store.
   */
  #changed(path: string): void {
    if (path.endsWith(".md")) {
      this.#dirty.add(path);
      return;
    }
    for (const file of this.#index.fingerprints().keys()) if (file.startsWith(`${path}/`)) this.#dirty.add(file);
    try {
      for (const name of readdirSync(join(this.#root, path))) {
        if (name.endsWith(".md")) this.#dirty.add(`${path}/${name}`);
      }
    } catch {
      // gone, or not a folder: what the index knew of it is already marked
    }
  }

  /** The warnings not yet told (the healing notice first), with whole paths; each goes out once. */
  #drainWarnings(): ParseWarning[] {
    // The feeder names logs by store-relative path; people need the whole path.
    const told = this.#undelivered.map((w) => ({ ...w, file: join(this.#root, w.file) }));
    this.#undelivered = [];
    if (this.#notice !== undefined) {
      told.unshift({ file: indexDir(this.#root), line: 0, message: this.#notice });
      this.#notice = undefined;
    }
    return told;
  }

  /** Writes the tail out when it is large; otherwise once writes have been quiet for a moment. */
  async #afterWrites(): Promise<void> {
    clearTimeout(this.#flushTimer);
    if (this.#index.tailSize >= this.#flushDocs) {
      await this.#flushAndMerge();
    } else if (this.#index.uncommitted) {
      this.#flushTimer = setTimeout(() => this.#schedule(() => this.#flushAndMerge()), FLUSH_QUIET_MS);
    }
  }

  /** Flushes the tail, then runs one due merge per job, so queries get a turn between merges. */
  async #flushAndMerge(): Promise<void> {
    const tail = this.#index.tailSize;
    if (this.#index.uncommitted) {
      await this.#index.flush();
      this.#log(`flushed a segment of ${tail} documents`);
    }
    if (await this.#index.merge()) {
      this.#log("merged segments");
      this.#schedule(() => this.#flushAndMerge());
    }
  }

  async #reindex(progress?: FeedProgress): Promise<ResultOf<"reindex">> {
    const started = performance.now();
    clearTimeout(this.#flushTimer);
    await this.#index.clear();
    this.#dirty.clear();
    this.#sweepOwed = false;
    this.#superseded = false;
    const report = await this.#feeder.sweep(progress, () => this.#duringSweep());
    this.#undelivered.push(...report.warnings);
    await this.persist();
    return { files: report.files, events: report.events, seconds: (performance.now() - started) / 1000 };
  }
}
