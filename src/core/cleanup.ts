/**
 * Cleanup: removes or archives sessions whose last activity is older than an
 * age. Each session is judged from its logs, offered to the hooks, then moved
 * under its exclusive lock, where it is judged again: a session written to
 * meanwhile is kept. A run killed at any moment leaves every session either
 * fully in place or fully archived, and the next run finishes the job (see
 * store/session_archive.ts).
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { CruError, InvalidInputError } from "../model/errors.ts";
import { timestampMs } from "../model/timestamp.ts";
import {
  folderBytes,
  type MoveResult,
  type RenameFolder,
  SessionArchive,
  sessionFingerprint,
} from "../store/session_archive.ts";
import type { SessionStore } from "../store/session_store.ts";
import type { CleanupSubject } from "../hooks/hook_map.ts";

/** How often a session that changes under cleanup is judged again before it is reported. */
const ATTEMPTS = 3;

/** Options of {@linkcode cleanupSessions}. */
export interface CleanupOptions {
  /** Sessions whose last activity is older than this many ms are old. */
  olderThanMs: number;
  /** Move old sessions under this folder (as `<archiveDir>/<id>/`) instead of deleting them. */
  archiveDir?: string;
  /** Report what would happen and change nothing (hooks are not called either). */
  dryRun?: boolean;
  /** The clock (tests pass their own). */
  now?: Date;
  /** How long to wait for a session's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** The folder rename (tests pass one that fails with `EXDEV` to take the copy path). */
  rename?: RenameFolder;
}

/** A session cleanup is about to remove or archive: what the cleanup hooks see, before the action is chosen. */
export type CleanupCandidate = Omit<CleanupSubject, "action" | "archivedTo">;

/** Callbacks through which plugins take part (the `session:before-cleanup` hook and its after-part). */
export interface CleanupHooks {
  /** Return false to keep the session (a veto, reported). */
  beforeRemove?(session: CleanupCandidate, action: "remove" | "archive"): Promise<boolean>;
  /** Told after each session was removed or archived. */
  afterRemove?(session: CleanupCandidate, action: "remove" | "archive", archivedTo?: string): Promise<void>;
}

/** What a cleanup did (or would do, with `dry_run`). */
export interface CleanupReport {
  /** Old sessions found: removed + archived + vetoed + failed (with `dry_run`: would_remove + would_archive + failed). */
  matched: number;
  /** Sessions removed (always 0 in a dry run, which removes nothing). */
  removed: number;
  /** Sessions archived (always 0 in a dry run). */
  archived: number;
  /** Bytes removed or archived. */
  bytes: number;
  dry_run: boolean;
  /** Ids removed or archived, in the order done. */
  sessions: string[];
  /** With `dry_run`: sessions a real run would remove (0 otherwise). */
  would_remove: number;
  /** With `dry_run`: sessions a real run would archive (0 otherwise). */
  would_archive: number;
  /** With `dry_run`: the bytes a real run would remove or archive. */
  would_bytes: number;
  /** With `dry_run`: the ids a real run would remove or archive. */
  would_sessions: string[];
  /** Kept because a hook said so. */
  vetoed: string[];
  /** Could not be removed or archived (they are still in place, whole). */
  failed: { id: string; message: string }[];
  /** Archived by an earlier, interrupted run and finished by this one (also in `sessions`). */
  recovered: string[];
  /** Where sessions were archived, or null when they were deleted. */
  archive_dir: string | null;
  /** Things that did not stop the cleanup (leftovers not yet deletable, an after-hook that threw). */
  warnings: string[];
}

/** Some sessions could not be cleaned up; `report` says what was done and what failed. */
export class CleanupIncompleteError extends CruError {
  readonly report: CleanupReport;
  constructor(report: CleanupReport) {
    const archive = report.archive_dir !== null;
    const done = report.dry_run
      ? `would ${archive ? `archive ${report.would_archive}` : `remove ${report.would_remove}`}`
      : archive
      ? `archived ${report.archived}`
      : `removed ${report.removed}`;
    const shown = report.failed.slice(0, 3).map((f) => `${f.id}: ${f.message}`);
    if (report.failed.length > shown.length) shown.push(`and ${report.failed.length - shown.length} more`);
    const failed = report.dry_run ? "would fail and be kept" : "failed and were kept";
    super(
      "cleanup_incomplete",
      `${
        report.dry_run ? "dry run: cleanup would be incomplete" : "cleanup incomplete"
      }: ${done} of ${report.matched} ` +
        `old sessions; ${report.failed.length} ${failed}: ${shown.join("; ")}`,
    );
    this.report = report;
  }
}

/**
 * Removes or archives the sessions whose last activity is older than
 * `options.olderThanMs`. A session that cannot be moved is reported in
 * `failed` and the others go on; it never throws for one session.
 *
 * @example
 * ```ts ignore
 * import { SessionStore } from "../store/session_store.ts";
 * import { cleanupSessions } from "./cleanup.ts";
 * const store = new SessionStore({ root: "/tmp/example/.crucible" });
 * const report = await cleanupSessions(store, { olderThanMs: 90 * 86_400_000, archiveDir: "/tmp/example/archive" });
 * console.log(report.archived, report.failed);
 * ```
 */
export async function cleanupSessions(
  store: SessionStore,
  options: CleanupOptions,
  hooks: CleanupHooks = {},
): Promise<CleanupReport> {
  if (!Number.isFinite(options.olderThanMs) || options.olderThanMs < 0) {
    throw new InvalidInputError("--older-than", String(options.olderThanMs), "an age of 0 or more");
  }
  const archiveDir = options.archiveDir === undefined ? undefined : checkArchiveDir(store, options.archiveDir);
  const run: Run = {
    store,
    hooks,
    archiveDir,
    action: archiveDir === undefined ? "remove" : "archive",
    cutoffMs: (options.now ?? new Date()).getTime() - options.olderThanMs,
    dryRun: options.dryRun === true,
    archive: new SessionArchive(store, { lockTimeoutMs: options.lockTimeoutMs, rename: options.rename }),
    report: {
      matched: 0,
      removed: 0,
      archived: 0,
      bytes: 0,
      dry_run: options.dryRun === true,
      sessions: [],
      would_remove: 0,
      would_archive: 0,
      would_bytes: 0,
      would_sessions: [],
      vetoed: [],
      failed: [],
      recovered: [],
      archive_dir: archiveDir ?? null,
      warnings: [],
    },
    moved: [],
  };
  try {
    await finishInterrupted(run);
    const recovered = new Set(run.report.recovered);
    for (const id of store.ids()) if (!recovered.has(id)) await cleanSession(run, id);
  } finally {
    run.report.warnings.push(...run.archive.settle());
  }
  // Told once the moves are durable.
  for (const [candidate, archivedTo] of run.moved) {
    try {
      await hooks.afterRemove?.(candidate, run.action, archivedTo);
    } catch (error) {
      run.report.warnings.push(`the after-cleanup hook failed for ${candidate.id}: ${(error as Error).message}`);
    }
  }
  return run.report;
}

/** One cleanup run's settings and what it has done so far. */
interface Run {
  store: SessionStore;
  hooks: CleanupHooks;
  archiveDir: string | undefined;
  action: "remove" | "archive";
  cutoffMs: number;
  dryRun: boolean;
  archive: SessionArchive;
  report: CleanupReport;
  /** Sessions moved, with where to, for the after-hook. */
  moved: [CleanupCandidate, string | undefined][];
}

function recordDone(run: Run, id: string, bytes: number): void {
  const report = run.report;
  report.matched++;
  if (run.dryRun) {
    report[run.action === "archive" ? "would_archive" : "would_remove"]++;
    report.would_bytes += bytes;
    report.would_sessions.push(id);
    return;
  }
  report[run.action === "archive" ? "archived" : "removed"]++;
  report.bytes += bytes;
  report.sessions.push(id);
}

function recordFailed(run: Run, id: string, message: string): void {
  run.report.matched++;
  run.report.failed.push({ id, message });
}

/** Leftovers of an interrupted run: cleared, and archived copies it completed finished (whatever their age). */
async function finishInterrupted(run: Run): Promise<void> {
  const { store, archive, archiveDir, report } = run;
  const unfinished = archiveDir === undefined ? [] : archive.unfinished(archiveDir);
  if (run.dryRun) {
    for (const id of unfinished) {
      report.recovered.push(id);
      recordDone(run, id, folderBytes(store.sessionDir(id)));
    }
    return;
  }
  // Their last activity, for the after-hook, while they can still be read in place.
  const lastActivity = new Map<string, string>();
  for (const id of unfinished) lastActivity.set(id, await store.read(id).then((s) => s.lastActivity, () => ""));
  const recovery = await archive.recover(archiveDir);
  report.warnings.push(...recovery.warnings);
  for (const { id, to, bytes } of recovery.finished) {
    report.recovered.push(id);
    recordDone(run, id, bytes);
    run.moved.push([{ id, dir: store.sessionDir(id), lastActivity: lastActivity.get(id) ?? "", bytes }, to]);
  }
}

/** Judges one session, and removes or archives it when it is old and no hook objects. */
async function cleanSession(run: Run, id: string): Promise<void> {
  const { store, archive, archiveDir } = run;
  const dir = store.sessionDir(id);
  for (let attempt = 1;; attempt++) {
    // Taken before reading: if the logs differ under the lock, they changed since they were judged.
    const fingerprint = sessionFingerprint(dir);
    let lastActivity: string;
    try {
      lastActivity = (await store.read(id)).lastActivity;
    } catch (error) {
      if (!store.has(id)) return; // gone meanwhile (another cleanup)
      return recordFailed(run, id, `could not be read: ${(error as Error).message}`);
    }
    // A time that cannot be read is never taken as old.
    if (!(timestampMs(lastActivity) < run.cutoffMs)) return;
    const candidate: CleanupCandidate = { id, dir, lastActivity, bytes: folderBytes(dir) };
    if (run.dryRun) {
      if (archiveDir !== undefined && archive.archivedCopy(id, archiveDir) === "different") {
        const entry = JSON.stringify(join(archiveDir, id));
        return recordFailed(run, id, `archive entry ${entry} exists and differs; it would not be overwritten`);
      }
      return recordDone(run, id, candidate.bytes);
    }
    try {
      if ((await run.hooks.beforeRemove?.(candidate, run.action)) === false) {
        run.report.matched++;
        run.report.vetoed.push(id);
        return;
      }
    } catch (error) {
      return recordFailed(run, id, `kept: the before-cleanup hook failed: ${(error as Error).message}`);
    }
    let result: MoveResult;
    try {
      result = await archive.move(id, { archiveDir, expect: fingerprint });
    } catch (error) {
      return recordFailed(run, id, (error as Error).message);
    }
    if (result.status === "gone") return;
    if (result.status === "changed") {
      if (attempt < ATTEMPTS) continue; // judged again: it may well be active now
      return recordFailed(run, id, `kept: it was written to each of the ${ATTEMPTS} times cleanup tried to move it`);
    }
    recordDone(run, id, result.bytes);
    run.moved.push([candidate, result.status === "archived" ? result.to : undefined]);
    return;
  }
}

/** The archive folder, absolute; it must not lie inside the store (where it would look like a session, or be indexed). */
function checkArchiveDir(store: SessionStore, archiveDir: string): string {
  const absolute = resolve(archiveDir);
  const inside = relative(realPathOf(store.root), realPathOf(absolute));
  if (inside !== ".." && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)) {
    throw new InvalidInputError("--archive", archiveDir, `a folder outside the store ${store.root}`);
  }
  return absolute;
}

/** The real path of `path`, or of its nearest existing ancestor with the rest appended. */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPathOf(parent), basename(path));
  }
}
