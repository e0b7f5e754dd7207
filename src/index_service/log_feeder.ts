/**
 * Feeds the search engine from the markdown: reads a log through the store
 * (under its session's shared lock, whole events only), turns it into an
 * {@linkcode IndexedLog}, and hands it over. The engine works out which events
 * are new, changed or gone. Runs in the index owner.
 *
 * Which logs to read is the owner's business: those an append or the watcher
 * named, or — in a sweep — those whose size or time differ from what the index
 * holds.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import {
  type IndexedEvent,
  type IndexedLog,
  type LogFacts,
  type SearchIndex,
  SUMMARY_ROLE,
} from "../index/search_index_api.ts";
import type { ParseWarning } from "../model/log.ts";
import { logSummaryInput } from "../model/session_summary.ts";
import { normalizeTimestamp } from "../model/timestamp.ts";
import type { LogSnapshot, SessionStore } from "../store/session_store.ts";

/** What a feed did. */
export interface FeedReport {
  /** Log files looked at (a sweep stats them all). */
  scanned: number;
  /** Log files read and handed to the engine. */
  files: number;
  /** Events those files hold. */
  events: number;
  /** Log files forgotten because they are gone from disk. */
  removed: number;
  /** What could not be understood or read, by file and line. */
  warnings: ParseWarning[];
}

/** Progress of a long feed: files done out of files to do. */
export type FeedProgress = (done: number, total: number) => void;

/** The `seq` of a continuation's compaction summary, which belongs to no turn: after every event. */
export const SUMMARY_SEQ = 2 ** 31 - 1;

/** Logs read side by side in one batch (bounds the bytes held at once as well). */
const READ_BATCH = 16;

/** A log as read for the engine: its snapshot, or why it could not be read. */
interface LogRead {
  id: string;
  rel: string;
  snapshot?: LogSnapshot;
  error?: unknown;
}

/** Feeds one engine from one store. Not safe for overlapping calls: the owner serialises them. */
export class LogFeeder {
  readonly #store: SessionStore;
  readonly #index: SearchIndex;

  constructor(store: SessionStore, index: SearchIndex) {
    this.#store = store;
    this.#index = index;
  }

  /**
   * Stats every log and feeds those that differ from what the index holds;
   * forgets logs that are gone. `afterFile` runs after each file fed (a
   * reindex writes segments out as it goes).
   */
  async sweep(progress?: FeedProgress, afterFile?: () => Promise<void>): Promise<FeedReport> {
    const report = emptyReport();
    const known = this.#index.fingerprints();
    const onDisk = this.#store.allLogs().map((log) => ({ ...log, rel: this.#relative(log.file) }));
    report.scanned = onDisk.length;
    const present = new Set(onDisk.map((log) => log.rel));
    for (const file of known.keys()) {
      if (!present.has(file)) {
        this.#index.removeLog(file);
        report.removed++;
      }
    }
    const stale = onDisk.filter((log) => {
      const fingerprint = known.get(log.rel);
      return !fingerprint || fingerprint.size !== log.size || fingerprint.mtimeMs !== log.mtimeMs;
    });
    let done = 0;
    for (let from = 0; from < stale.length; from += READ_BATCH) {
      const batch = stale.slice(from, from + READ_BATCH);
      const reads = await this.#readAll(batch.map((log) => ({ id: log.id, rel: log.rel })));
      for (const read of reads) {
        this.#apply(read, report);
        await afterFile?.();
        progress?.(++done, stale.length);
      }
      await yieldToOthers();
    }
    return report;
  }

  /** Feeds these logs (store-relative paths), whatever state they are in: changed, new, or gone. */
  async feed(files: Iterable<string>): Promise<FeedReport> {
    const report = emptyReport();
    const known = this.#index.fingerprints();
    const toRead: { id: string; rel: string }[] = [];
    for (const rel of files) {
      report.scanned++;
      const id = rel.split("/")[1];
      const absolute = join(this.#store.root, rel);
      if (!existsSync(absolute)) {
        if (known.has(rel)) {
          this.#index.removeLog(rel);
          report.removed++;
        }
        continue;
      }
      const fingerprint = known.get(rel);
      if (fingerprint) {
        const stat = statSync(absolute, { throwIfNoEntry: false });
        if (stat && stat.size === fingerprint.size && stat.mtimeMs === fingerprint.mtimeMs) continue;
      }
      toRead.push({ id, rel });
    }
    for (let from = 0; from < toRead.length; from += READ_BATCH) {
      for (const read of await this.#readAll(toRead.slice(from, from + READ_BATCH))) this.#apply(read, report);
    }
    return report;
  }

  /**
   * Reads these logs at once: each read waits for its session's lock, and
   * busy writers hold those; waiting for them side by side, not one after the
   * other, keeps a catch-up as short as the slowest writer.
   */
  #readAll(logs: { id: string; rel: string }[]): Promise<LogRead[]> {
    return Promise.all(logs.map(async ({ id, rel }): Promise<LogRead> => {
      try {
        return { id, rel, snapshot: await this.#store.readLogFile(id, join(this.#store.root, rel)) };
      } catch (error) {
        return { id, rel, error };
      }
    }));
  }

  /** The store-relative path of a log. */
  #relative(file: string): string {
    return relative(this.#store.root, file).split(sep).join("/");
  }

  /** Hands a log that was read to the engine (or forgets it, if it is gone). */
  #apply(read: LogRead, report: FeedReport): void {
    const { id, rel, snapshot, error } = read;
    if (snapshot === undefined) {
      const code = (error as { code?: string }).code;
      if (code === "ENOENT" || code === "session_not_found") {
        if (this.#index.fingerprints().has(rel)) {
          this.#index.removeLog(rel);
          report.removed++;
        }
        return;
      }
      report.warnings.push({ file: rel, line: 0, message: `not indexed: ${(error as Error).message}` });
      return;
    }
    report.warnings.push(...snapshot.parsed.warnings.map((w) => ({ ...w, file: rel })));
    const log = indexedLog(id, rel, snapshot);
    this.#index.putLog(log);
    report.files++;
    report.events += log.events.length;
  }
}

/** A log as the engine takes it. */
export function indexedLog(id: string, rel: string, snapshot: LogSnapshot): IndexedLog {
  const { log, eventLines } = snapshot.parsed;
  const { meta } = log;
  // Title and times by the rule the store's `read()` uses too: `show` and `list` agree.
  const { title, tags, started, ended, imported } = logSummaryInput(rel, id, log, snapshot.mtimeMs);
  const events: IndexedEvent[] = log.events.map((event, seq) => ({
    seq,
    line: eventLines[seq] ?? 1,
    role: event.role,
    content: event.content,
    at: normalizeTimestamp(event.at, started),
    ...(event.tool === undefined ? {} : { tool: event.tool }),
    ...(event.args === undefined || Object.keys(event.args).length === 0 ? {} : { args: JSON.stringify(event.args) }),
  }));
  if (log.context !== undefined) {
    events.push({
      seq: SUMMARY_SEQ,
      line: contextLine(snapshot.bytes),
      role: SUMMARY_ROLE,
      content: log.context,
      at: started,
    });
  }
  return {
    file: rel,
    sessionId: id,
    sessionType: meta.type,
    title,
    tags,
    started,
    ended,
    imported,
    facts: logFacts(meta.extra),
    fingerprint: { size: snapshot.bytes.length, mtimeMs: snapshot.mtimeMs, hash: sha1(snapshot.bytes) },
    events,
  };
}

/** Session-level facts from frontmatter keys (`model`, `cwd`, `host`, `git: {branch, remote}`, `source`). */
export function logFacts(extra: Record<string, unknown>): LogFacts {
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const git = (typeof extra.git === "object" && extra.git !== null ? extra.git : {}) as Record<string, unknown>;
  const cwd = text(extra.cwd);
  const remote = text(git.remote);
  const project = remote !== undefined ? projectOfRemote(remote) : cwd !== undefined ? basename(cwd) : undefined;
  const facts: LogFacts = {
    model: text(extra.model),
    cwd,
    host: text(extra.host),
    branch: text(git.branch),
    project,
    source: text(extra.source),
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as LogFacts;
}

/** `git@github.com:acme/app.git` and `https://host/acme/app` → `acme/app`. */
function projectOfRemote(remote: string): string {
  const path = remote.replace(/\.git$/, "").replace(/^[a-z+]+:\/\/[^/]+\//, "").replace(/^[^@/]+@[^:]+:/, "");
  return path.split("/").slice(-2).join("/");
}

/** The line of the `*Compacted from previous session. Context: …*` line. */
function contextLine(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
  const at = text.indexOf("\n*Compacted from previous session.");
  return at < 0 ? 1 : text.slice(0, at + 1).split("\n").length;
}

/** A hand-written time (`2024-01-15 10:30`) as ISO-8601 UTC; `fallback` when unreadable. */
function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

function emptyReport(): FeedReport {
  return { scanned: 0, files: 0, events: 0, removed: 0, warnings: [] };
}

/** Lets queued requests run between batches of a long feed. */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
