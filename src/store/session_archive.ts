/**
 * Moving whole session folders out of the store — into an archive folder, or
 * away for good — so that a crash or `kill -9` at any moment leaves each session
 * either fully in place or fully moved, and the next run finishes the job.
 *
 * - Every move happens under the session's exclusive lock, after checking that
 *   its logs are still the ones that were judged (see {@linkcode sessionFingerprint}).
 * - Same filesystem: one `rename` of the folder onto `<archive>/<id>`. It is
 *   atomic, and it never replaces a folder that holds anything.
 * - Across filesystems (`EXDEV`): a copy into a hidden `<archive>/.<id>.<n>.partial`,
 *   fsynced, compared by SHA-256 with the source, then renamed to `<archive>/<id>`.
 *   Only then does the source go.
 * - A source goes by a rename to a hidden `sessions/.trash-<id>-<n>` (not a
 *   session id, so no reader sees a half-deleted session). It is deleted by
 *   {@linkcode SessionArchive.settle}, after one fsync of the folders involved
 *   has made every move durable: renames are atomic without an fsync each, and
 *   nothing is destroyed before what replaces it is on disk.
 * - {@linkcode SessionArchive.recover} clears `.partial` and `.trash-*` leftovers, and
 *   finishes a session whose complete archived copy equals what is still in place.
 *
 * @module
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { CruError } from "../model/errors.ts";
import { isSessionId } from "../model/session_id.ts";
import { syncFolder } from "./durable_file.ts";
import { isLogFileName } from "./log_names.ts";
import { SESSION_LOCK_NAME, withSessionLock } from "./session_lock.ts";
import type { SessionStore } from "./session_store.ts";

/** Name prefix of a session folder on its way out of `sessions/`. */
export const TRASH_PREFIX = ".trash-";
/** `<archive>/.<id>.<n>.partial`: a copy across filesystems that is not yet complete. */
const PARTIAL_NAME = /^\.(.+)\.[0-9a-f]{8}\.partial$/;
/** One buffer for every copy and hash: they are synchronous, so never in use twice at once. */
let chunkBuffer: Uint8Array | undefined;
const chunk = () => (chunkBuffer ??= new Uint8Array(1 << 20));

/** A folder rename (tests pass one that fails with `EXDEV` to take the copy path). */
export type RenameFolder = (from: string, to: string) => void;

/** Options of {@linkcode SessionArchive}. */
export interface SessionArchiveOptions {
  /** How long to wait for a session's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** The rename used for every move (default `fs.renameSync`). */
  rename?: RenameFolder;
}

/** Options of {@linkcode SessionArchive.move}. */
export interface MoveOptions {
  /** Move the session to `<archiveDir>/<id>/`; without it the session is deleted. */
  archiveDir?: string;
  /** The session's fingerprint when it was judged; when it differs under the lock, nothing moves. */
  expect?: string;
}

/** What {@linkcode SessionArchive.move} did. */
export type MoveResult =
  | {
    status: "archived";
    to: string;
    bytes: number;
    /** Copied across filesystems rather than renamed. */
    copied: boolean;
    /** An identical complete copy was in the archive already (an interrupted run); the source was removed. */
    resumed: boolean;
  }
  | { status: "removed"; bytes: number }
  /** Its logs changed since it was judged: nothing was moved. */
  | { status: "changed" }
  /** It is no longer in the store (another cleanup took it). */
  | { status: "gone" };

/** What {@linkcode SessionArchive.recover} did. */
export interface RecoveryResult {
  /** Sessions whose archived copy an interrupted run had completed: their source is now removed. */
  finished: { id: string; to: string; bytes: number }[];
  /** Leftover `.partial` copies and `.trash-*` folders removed. */
  cleared: string[];
  warnings: string[];
}

/** An archive entry exists for the session and holds something else: it is never overwritten. */
export class ArchiveConflictError extends CruError {
  readonly path: string;
  constructor(id: string, path: string) {
    super(
      "archive_conflict",
      `archive entry ${JSON.stringify(path)} exists and differs from session ${JSON.stringify(id)}; not overwritten`,
    );
    this.path = path;
  }
}

/** A copy across filesystems did not read back equal to its source. */
export class ArchiveVerifyError extends CruError {
  constructor(id: string, path: string, entry: string) {
    super(
      "archive_verify",
      `copy of session ${JSON.stringify(id)} to ${JSON.stringify(path)} does not match the source at ${
        JSON.stringify(entry)
      }; the session was left in place`,
    );
  }
}

/**
 * What a session's logs look like on disk (names, sizes, times, inodes),
 * without reading them: equal fingerprints mean no event was written between.
 *
 * @example
 * ```ts ignore
 * import { sessionFingerprint } from "./session_archive.ts";
 * const before = sessionFingerprint("/tmp/example/.crucible/sessions/chat-abc123");
 * ```
 */
export function sessionFingerprint(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).filter(isLogFileName).sort();
  } catch {
    return "";
  }
  return names.map((name) => {
    try {
      const stat = statSync(join(dir, name));
      return `${name} ${stat.size} ${stat.mtimeMs} ${stat.ino}`;
    } catch {
      return `${name} gone`;
    }
  }).join("\n");
}

/**
 * Bytes of all files under a folder.
 *
 * @example
 * ```ts ignore
 * import { folderBytes } from "./session_archive.ts";
 * console.log(folderBytes("/tmp/example/.crucible/sessions/chat-abc123"));
 * ```
 */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/**
 * Moves sessions out of a store, crash-safely.
 *
 * @example
 * ```ts ignore
 * import { SessionStore } from "./session_store.ts";
 * import { SessionArchive } from "./session_archive.ts";
 * const store = new SessionStore({ root: "/tmp/example/.crucible" });
 * const archive = new SessionArchive(store);
 * await archive.recover("/tmp/example/archive");
 * for (const id of store.ids()) await archive.move(id, { archiveDir: "/tmp/example/archive" });
 * ```
 */
export class SessionArchive {
  readonly #store: SessionStore;
  readonly #lockTimeoutMs: number;
  readonly #rename: RenameFolder;
  /** Folders whose new entries are not yet fsynced (the sessions folder is always synced by settle). */
  readonly #unsynced = new Set<string>();
  /** Sessions moved out of sight, to delete once the moves are durable. */
  #trash: string[] = [];

  constructor(store: SessionStore, options: SessionArchiveOptions = {}) {
    this.#store = store;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.#rename = options.rename ?? renameSync;
  }

  /**
   * Archives (with `archiveDir`) or deletes session `id`, under its exclusive
   * lock. Once it returns the session is out of the store; call
   * {@linkcode settle} after the last move. Throws {@linkcode ArchiveConflictError} or {@linkcode ArchiveVerifyError}
   * (the session stays in place), or an I/O error.
   */
  async move(id: string, options: MoveOptions = {}): Promise<MoveResult> {
    const dir = this.#store.sessionDir(id);
    if (!existsSync(dir)) return { status: "gone" };
    if (options.archiveDir !== undefined) ensureFolder(options.archiveDir);
    const moved = await this.#whileLocked(id, (): MoveResult => {
      if (options.expect !== undefined && sessionFingerprint(dir) !== options.expect) return { status: "changed" };
      const bytes = folderBytes(dir);
      if (options.archiveDir === undefined) {
        this.#discard(id);
        return { status: "removed", bytes };
      }
      return this.#archive(id, options.archiveDir, bytes);
    });
    return moved ?? { status: "gone" };
  }

  /**
   * Finishes what an interrupted run left: removes `.trash-*` folders and
   * `.partial` copies, and removes a session still in place whose complete copy
   * in `archiveDir` is identical (its archiving had got that far); call
   * {@linkcode settle} afterwards.
   */
  async recover(archiveDir?: string): Promise<RecoveryResult> {
    const result: RecoveryResult = { finished: [], cleared: [], warnings: [] };
    syncFolder(this.#store.sessionsDir); // the renames to .trash- that the interrupted run made
    for (const name of listFolder(this.#store.sessionsDir)) {
      if (!name.startsWith(TRASH_PREFIX)) continue;
      const warning = removeTree(join(this.#store.sessionsDir, name));
      if (warning) result.warnings.push(warning);
      else result.cleared.push(join(this.#store.sessionsDir, name));
    }
    if (archiveDir === undefined || !existsSync(archiveDir)) return result;
    for (const name of listFolder(archiveDir)) {
      const id = PARTIAL_NAME.exec(name)?.[1];
      if (id === undefined || !isSessionId(id)) continue;
      const path = join(archiveDir, name);
      // The session's lock: a concurrent run copying it holds it.
      const clear = () => {
        const warning = removeTree(path);
        if (warning) result.warnings.push(warning);
        else result.cleared.push(path);
      };
      try {
        if (existsSync(this.#store.sessionDir(id))) await this.#whileLocked(id, clear);
        else clear();
      } catch (error) {
        result.warnings.push(`kept ${path} for now: ${(error as Error).message}`);
      }
    }
    for (const id of this.#store.ids()) {
      const target = join(archiveDir, id);
      if (!existsSync(target)) continue;
      try {
        await this.#whileLocked(id, () => {
          if (archivedCopy(this.#store.sessionDir(id), target) !== "same") return;
          const bytes = folderBytes(this.#store.sessionDir(id));
          this.#discard(id);
          result.finished.push({ id, to: target, bytes });
        });
      } catch (error) {
        result.warnings.push(`could not finish archiving session ${id}: ${(error as Error).message}`);
      }
    }
    return result;
  }

  /**
   * Makes the moves so far durable (one fsync per folder involved), then
   * deletes the sessions they took out of the store. Returns warnings for what
   * could not be deleted yet (out of sight; the next run retries).
   */
  settle(): string[] {
    for (const folder of this.#unsynced) syncFolder(folder);
    this.#unsynced.clear();
    syncFolder(this.#store.sessionsDir);
    const warnings: string[] = [];
    for (const trash of this.#trash) {
      const warning = removeTree(trash);
      if (warning) warnings.push(warning);
    }
    this.#trash = [];
    return warnings;
  }

  /** Sessions still in place whose identical complete copy is in `archiveDir` (what `recover` would finish). */
  unfinished(archiveDir: string): string[] {
    if (!existsSync(archiveDir)) return [];
    return this.#store.ids().filter((id) => {
      const target = join(archiveDir, id);
      return existsSync(target) && archivedCopy(this.#store.sessionDir(id), target) === "same";
    });
  }

  /** Whether `<archiveDir>/<id>` is absent, an identical copy of the session, or something else. */
  archivedCopy(id: string, archiveDir: string): "none" | "same" | "different" {
    return archivedCopy(this.#store.sessionDir(id), join(archiveDir, id));
  }

  /** Runs `work` under the session's exclusive lock; undefined when the session went away first. */
  async #whileLocked<T>(id: string, work: () => T): Promise<T | undefined> {
    const dir = this.#store.sessionDir(id);
    try {
      return await withSessionLock(
        dir,
        { exclusive: true, timeoutMs: this.#lockTimeoutMs, what: `the lock of session ${id}` },
        // A holder before us may have moved the folder: the lock we got is then the moved one's.
        () => existsSync(join(dir, SESSION_LOCK_NAME)) ? work() : undefined,
      );
    } catch (error) {
      if (errorCode(error) === "ENOENT" && !existsSync(dir)) return undefined;
      throw error;
    }
  }

  #archive(id: string, archiveDir: string, bytes: number): MoveResult {
    const dir = this.#store.sessionDir(id);
    const target = join(archiveDir, id);
    if (!existsSync(target)) {
      try {
        // Atomic; onto an existing folder it fails unless that folder is empty.
        this.#rename(dir, target);
        this.#unsynced.add(archiveDir);
        return { status: "archived", to: target, bytes, copied: false, resumed: false };
      } catch (error) {
        // EXDEV: copy below. A target that appeared meanwhile: compared below.
        if (errorCode(error) !== "EXDEV" && !existsSync(target)) throw error;
      }
    }
    if (existsSync(target)) {
      if (archivedCopy(dir, target) !== "same") throw new ArchiveConflictError(id, target);
      syncFolder(archiveDir); // the copy found must be durable before its source may go
      this.#discard(id);
      return { status: "archived", to: target, bytes, copied: false, resumed: true };
    }
    this.#copyAcross(id, archiveDir, target);
    this.#discard(id);
    return { status: "archived", to: target, bytes, copied: true, resumed: false };
  }

  /** Copy, fsync, compare, then publish under its final name. The source is untouched. */
  #copyAcross(id: string, archiveDir: string, target: string): void {
    const partial = join(archiveDir, `.${id}.${randomHex()}.partial`);
    try {
      const source = new Map<string, string>();
      copyTree(this.#store.sessionDir(id), partial, source, "");
      syncFolder(archiveDir);
      const difference = firstDifference(source, digestTree(partial, new Map(), ""));
      if (difference !== undefined) throw new ArchiveVerifyError(id, target, difference);
    } catch (error) {
      removeTree(partial);
      throw error;
    }
    try {
      this.#rename(partial, target);
    } catch (error) {
      removeTree(partial);
      if (existsSync(target)) throw new ArchiveConflictError(id, target);
      throw error;
    }
    syncFolder(archiveDir); // the copy is durable under its final name before its source may go
  }

  /** Takes the session out of sight at once (one rename); {@linkcode settle} deletes it. */
  #discard(id: string): void {
    const trash = join(this.#store.sessionsDir, `${TRASH_PREFIX}${id}-${randomHex()}`);
    this.#rename(this.#store.sessionDir(id), trash);
    this.#trash.push(trash);
  }
}

/**
 * Copies a session folder to `to` (which must not exist) with every file
 * fsynced, then checks the copy reads back equal; the lock file is left out.
 * Throws {@linkcode ArchiveVerifyError} (after removing the copy) when it does not.
 */
export function copySessionFolder(id: string, from: string, to: string): void {
  const source = new Map<string, string>();
  try {
    copyTree(from, to, source, "");
    source.delete(SESSION_LOCK_NAME);
    const copy = digestTree(to, new Map(), "");
    copy.delete(SESSION_LOCK_NAME);
    const difference = firstDifference(source, copy);
    if (difference !== undefined) throw new ArchiveVerifyError(id, to, difference);
  } catch (error) {
    removeTree(to);
    throw error;
  }
}

/** Compares a session folder with an archive entry, by content (the lock file aside). */
function archivedCopy(dir: string, target: string): "none" | "same" | "different" {
  if (!existsSync(target)) return "none";
  if (!lstatSync(target).isDirectory()) return "different";
  const skip = (relative: string) => relative === SESSION_LOCK_NAME;
  const source = digestTree(dir, new Map(), "", skip);
  const copy = digestTree(target, new Map(), "", skip);
  return firstDifference(source, copy) === undefined ? "same" : "different";
}

/** Copies a folder (files, folders, symbolic links), fsyncing each; records the source's digest. */
function copyTree(from: string, to: string, digest: Map<string, string>, prefix: string): void {
  mkdirSync(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    const relative = prefix + entry.name;
    if (entry.isDirectory()) {
      digest.set(relative, "folder");
      copyTree(source, target, digest, `${relative}/`);
    } else if (entry.isFile()) {
      digest.set(relative, copyFile(source, target));
    } else if (entry.isSymbolicLink()) {
      const link = readlinkSync(source);
      symlinkSync(link, target);
      digest.set(relative, `link ${link}`);
    } else {
      throw new CruError("unsupported_file", `cannot archive ${JSON.stringify(source)}: not a file, folder or link`);
    }
  }
  syncFolder(to);
}

/** Copies one file, fsyncs it, keeps its mode and times; returns the source's SHA-256. */
function copyFile(source: string, target: string): string {
  const stat = statSync(source);
  const hash = createHash("sha256");
  const input = openSync(source, "r");
  try {
    const output = openSync(target, "wx", stat.mode & 0o7777);
    try {
      const buffer = chunk();
      for (let read; (read = readSync(input, buffer, 0, buffer.length, null)) > 0;) {
        const bytes = buffer.subarray(0, read);
        hash.update(bytes);
        for (let written = 0; written < read;) written += writeSync(output, bytes, written, read - written);
      }
      fsyncSync(output);
    } finally {
      closeSync(output);
    }
  } finally {
    closeSync(input);
  }
  utimesSync(target, stat.atime, stat.mtime);
  return `file ${hash.digest("hex")}`;
}

/** Every entry under a folder by relative path: files by SHA-256, links by target. */
function digestTree(
  dir: string,
  digest: Map<string, string>,
  prefix: string,
  skip: (relative: string) => boolean = () => false,
): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (skip(relative)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      digest.set(relative, "folder");
      digestTree(path, digest, `${relative}/`, skip);
    } else if (entry.isFile()) digest.set(relative, `file ${hashFile(path)}`);
    else if (entry.isSymbolicLink()) digest.set(relative, `link ${readlinkSync(path)}`);
    else digest.set(relative, "other");
  }
  return digest;
}

function hashFile(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buffer = chunk();
    for (let read; (read = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** The first relative path whose entry differs between two digests, or undefined when equal. */
function firstDifference(a: Map<string, string>, b: Map<string, string>): string | undefined {
  for (const [path, value] of a) if (b.get(path) !== value) return path;
  for (const path of b.keys()) if (!a.has(path)) return path;
  return undefined;
}

/** Deletes a folder; returns a warning instead of throwing (what is left is out of sight and retried later). */
function removeTree(path: string): string | undefined {
  try {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  } catch (error) {
    // Two runs clearing the same leftover race each other harmlessly.
    return existsSync(path) ? `could not delete ${path} (retried next run): ${(error as Error).message}` : undefined;
  }
}

/** Creates a folder and its missing parents durably: a session moved into it must not vanish with it. */
function ensureFolder(path: string): void {
  const created = mkdirSync(path, { recursive: true });
  if (created === undefined) return;
  const first = resolve(created);
  for (let folder = resolve(path); folder !== dirname(folder); folder = dirname(folder)) {
    syncFolder(dirname(folder));
    if (folder === first) break;
  }
}

function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function randomHex(): string {
  return crypto.randomUUID().slice(0, 8);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}
