/**
 * Keeps the index level with the markdown: compares each log's fingerprint
 * (size, mtime, hash of the indexed bytes) with the file on disk, and feeds the
 * index what it missed. A log that only grew gets its new events appended; any
 * other change replaces the log's events; a log gone from disk is forgotten.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Fingerprint, IndexedLog, SessionIndex } from "../index/mod.ts";
import { parseLog } from "../format/parse_log.ts";
import type { ParseWarning } from "../model/log.ts";
import { formatTimestamp, timestampMs } from "../model/timestamp.ts";
import type { LogSnapshot, SessionStore } from "../store/session_store.ts";

/** What a catch-up did. */
export interface FeedReport {
  /** Log files read and fed to the index. */
  files: number;
  /** Events written to the index. */
  events: number;
  /** Log files forgotten because they are gone from disk. */
  removed: number;
  /** What could not be understood or read, by file and line. */
  warnings: ParseWarning[];
}

/** Progress of a long feed: files done out of files to do. */
export type FeedProgress = (done: number, total: number) => void;

/** Feeds an index from a store. Not safe for concurrent calls: the owner serialises them. */
export class IndexFeeder {
  readonly #store: SessionStore;
  readonly #index: SessionIndex;
  /** What the index holds per file, kept in memory so a scan needs only stat(). */
  #known: Map<string, Fingerprint>;

  private constructor(store: SessionStore, index: SessionIndex, known: Map<string, Fingerprint>) {
    this.#store = store;
    this.#index = index;
    this.#known = known;
  }

  /** A feeder for `index`, starting from the fingerprints it holds. */
  static async create(store: SessionStore, index: SessionIndex): Promise<IndexFeeder> {
    return new IndexFeeder(store, index, await index.fingerprints());
  }

  /** Brings the index level with every log on disk. */
  async catchUp(progress?: FeedProgress): Promise<FeedReport> {
    const onDisk = this.#store.allLogs();
    const report: FeedReport = { files: 0, events: 0, removed: 0, warnings: [] };
    const present = new Set(onDisk.map((log) => log.file));
    const gone = [...this.#known.keys()].filter((file) => !present.has(file));
    if (gone.length > 0) {
      await this.#index.removeLogs(gone);
      for (const file of gone) this.#known.delete(file);
      report.removed = gone.length;
    }
    const stale = onDisk.filter((log) => {
      const known = this.#known.get(log.file);
      return !known || known.size !== log.size || known.mtimeMs !== log.mtimeMs;
    });
    for (const [done, log] of stale.entries()) {
      await this.#feedFile(log.id, log.file, report);
      progress?.(done + 1, stale.length);
    }
    return report;
  }

  /** Re-reads these logs (e.g. just appended to) without scanning the store. */
  async refresh(logs: { id: string; file: string }[]): Promise<FeedReport> {
    const report: FeedReport = { files: 0, events: 0, removed: 0, warnings: [] };
    for (const log of logs) await this.#feedFile(log.id, log.file, report);
    return report;
  }

  /** Empties the index and feeds it every log again. */
  async rebuild(progress?: FeedProgress): Promise<FeedReport> {
    await this.#index.clear();
    this.#known = new Map();
    return await this.catchUp(progress);
  }

  async #feedFile(id: string, file: string, report: FeedReport): Promise<void> {
    let snapshot: LogSnapshot;
    try {
      snapshot = await this.#store.readLogFile(id, file);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ENOENT" || code === "session_not_found") return; // removed meanwhile: the next scan forgets it
      report.warnings.push({ file, line: 0, message: `not indexed: ${(error as Error).message}` });
      return;
    }
    report.warnings.push(...snapshot.parsed.warnings);
    const fingerprint: Fingerprint = {
      size: snapshot.bytes.length,
      mtimeMs: snapshot.mtimeMs,
      hash: sha1(snapshot.bytes),
    };
    const log = indexedLog(id, snapshot, fingerprint);
    const previous = this.#known.get(file);
    const appended = previous !== undefined && await this.#appendIfOnlyGrew(snapshot, log, previous);
    if (appended === false) {
      await this.#index.replaceLog(log);
      report.events += log.events.length;
    } else {
      report.events += appended;
    }
    this.#known.set(file, fingerprint);
    report.files++;
  }

  /** Appends the new events when the file only grew; returns how many, or false to replace instead. */
  async #appendIfOnlyGrew(snapshot: LogSnapshot, log: IndexedLog, previous: Fingerprint): Promise<number | false> {
    if (snapshot.bytes.length <= previous.size) return false;
    const prefix = snapshot.bytes.subarray(0, previous.size);
    if (sha1(prefix) !== previous.hash) return false;
    const before = parseLog(new TextDecoder().decode(prefix), { file: log.file }).log.events.length;
    const added = log.events.slice(before);
    const applied = await this.#index.appendEvents({ ...log, events: added }, { previous });
    return applied ? added.length : false;
  }
}

function indexedLog(id: string, snapshot: LogSnapshot, fingerprint: Fingerprint): IndexedLog {
  const { meta, events } = snapshot.parsed.log;
  return {
    file: snapshot.file,
    sessionId: id,
    sessionType: meta.type,
    title: meta.title ?? null,
    started: isoTime(meta.started, new Date(snapshot.mtimeMs).toISOString()),
    ended: meta.ended === undefined ? null : isoTime(meta.ended, null),
    fingerprint,
    events: events.map((event, seq) => ({
      seq,
      role: event.role,
      content: event.content,
      at: isoTime(event.at, isoTime(meta.started, new Date(snapshot.mtimeMs).toISOString())),
      ...(event.tool === undefined ? {} : { tool: event.tool }),
    })),
  };
}

/** A hand-written time (`2024-01-15 10:30`) as ISO-8601 UTC; `fallback` when unreadable. */
function isoTime<T extends string | null>(value: string, fallback: T): string | T {
  const ms = timestampMs(value);
  return Number.isNaN(ms) ? fallback : formatTimestamp(new Date(ms));
}

function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}
