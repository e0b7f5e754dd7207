/**
 * The engine's file records in memory, with what is derived from them kept
 * ready: each file's fingerprint (the owner compares them with the disk on
 * every notice) and each session's summary (listing 20,000 sessions must not
 * summarise 80,000 logs every time). A change to a file forgets only its
 * session's summary.
 *
 * @module
 */
import { summarizeSession } from "../model/session_summary.ts";
import type { SessionSummary } from "../model/search_result.ts";
import type { FileRecord } from "./index_storage.ts";
import type { Fingerprint } from "./types.ts";

/** A session's summary and its last activity in ms, for sorting. */
export interface SummaryEntry {
  summary: SessionSummary;
  lastMs: number;
  /** The session's logs, for the session-level filters. */
  logs: readonly FileRecord[];
}

/** File records by path, with fingerprints and session summaries derived on demand and cached. */
export class FileRecords {
  readonly #records = new Map<string, FileRecord>();
  readonly #fingerprints = new Map<string, Fingerprint>();
  readonly #bySession = new Map<string, Set<string>>();
  readonly #summaries = new Map<string, SummaryEntry>();

  get(file: string): FileRecord | undefined {
    return this.#records.get(file);
  }

  values(): IterableIterator<FileRecord> {
    return this.#records.values();
  }

  /** The live map of fingerprints by file (read-only for callers). */
  get fingerprints(): ReadonlyMap<string, Fingerprint> {
    return this.#fingerprints;
  }

  /** The records as a map, for code that reads them by path. */
  get map(): ReadonlyMap<string, FileRecord> {
    return this.#records;
  }

  set(record: FileRecord): void {
    this.delete(record.file);
    this.#records.set(record.file, record);
    this.#fingerprints.set(record.file, record.fingerprint);
    let files = this.#bySession.get(record.sessionId);
    if (!files) this.#bySession.set(record.sessionId, files = new Set());
    files.add(record.file);
    this.#summaries.delete(record.sessionId);
  }

  /** Forgets a file; true when it was known. */
  delete(file: string): boolean {
    const old = this.#records.get(file);
    if (!old) return false;
    this.#records.delete(file);
    this.#fingerprints.delete(file);
    const files = this.#bySession.get(old.sessionId)!;
    files.delete(file);
    if (files.size === 0) this.#bySession.delete(old.sessionId);
    this.#summaries.delete(old.sessionId);
    return true;
  }

  clear(): void {
    this.#records.clear();
    this.#fingerprints.clear();
    this.#bySession.clear();
    this.#summaries.clear();
  }

  /** Every session's summary, computed once per change of its logs. */
  *sessions(): Iterable<SummaryEntry> {
    for (const [id, files] of this.#bySession) {
      let entry = this.#summaries.get(id);
      if (!entry) {
        const logs = [...files].map((file) => this.#records.get(file)!);
        const summary = summarizeSession(logs.map((log) => ({ ...log, mtimeMs: log.fingerprint.mtimeMs })));
        entry = { summary, lastMs: Date.parse(summary.last_activity), logs };
        this.#summaries.set(id, entry);
      }
      yield entry;
    }
  }
}
