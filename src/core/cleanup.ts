/**
 * Cleanup: removes or archives sessions whose last activity is older than an age.
 * (Stub: being written — see issue 6.)
 *
 * @module
 */
import { CruError } from "../model/errors.ts";
import type { SessionStore } from "../store/session_store.ts";

/** Options of {@linkcode cleanupSessions}. */
export interface CleanupOptions {
  /** Sessions whose last activity is older than this many ms are old. */
  olderThanMs: number;
  /** Move old sessions under this folder instead of deleting them. */
  archiveDir?: string;
  /** Report what would happen and change nothing. */
  dryRun?: boolean;
  /** The clock (tests pass their own). */
  now?: Date;
}

/** A session cleanup is about to remove or archive. */
export interface CleanupCandidate {
  id: string;
  dir: string;
  lastActivity: string;
  bytes: number;
}

/** Callbacks through which plugins take part (the `session:before-cleanup` hook and its after-part). */
export interface CleanupHooks {
  /** Return false to keep the session (a veto, reported). */
  beforeRemove?(session: CleanupCandidate, action: "remove" | "archive"): Promise<boolean>;
  /** Told after each session was removed or archived. */
  afterRemove?(session: CleanupCandidate, action: "remove" | "archive", archivedTo?: string): Promise<void>;
}

/** What a cleanup did (or would do, with `dry_run`). */
export interface CleanupReport {
  matched: number;
  removed: number;
  archived: number;
  bytes: number;
  dry_run: boolean;
  sessions: string[];
  vetoed: string[];
  failed: { id: string; message: string }[];
}

/** Removes or archives old sessions. */
export function cleanupSessions(_store: SessionStore, _options: CleanupOptions, _hooks: CleanupHooks = {}): Promise<CleanupReport> {
  return Promise.reject(new CruError("not_implemented", "cleanup is not implemented yet"));
}
