/**
 * One watcher per store: a second `cru watch` would only import the same files
 * again (harmless, imports add only what is new, but wasted work). The lock
 * is the kernel's, so a killed watcher never leaves a stale one.
 *
 * @module
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CruError } from "../model/errors.ts";
import { type LockFile, openLockFile } from "../runtime/lock_file.ts";
import { watchFolder } from "./watch_state.ts";

/** Another `cru watch` is watching this store. */
export class WatcherRunningError extends CruError {
  constructor(root: string, pid: string) {
    super("watcher_running", `another cru watch${pid ? ` (pid ${pid})` : ""} is already watching ${root}`);
  }
}

/**
 * Takes the store's watch lock for as long as this process watches; throws
 * {@linkcode WatcherRunningError} when another watcher holds it.
 */
export function takeWatchLock(root: string, pid: number): LockFile {
  mkdirSync(watchFolder(root), { recursive: true });
  const lock = openLockFile(join(watchFolder(root), "watch.lock"));
  if (!lock.tryLock(true)) {
    const holder = lock.read().trim();
    lock.close();
    throw new WatcherRunningError(root, holder);
  }
  lock.write(String(pid));
  return lock;
}

/** The pid of the watcher running on this store, or undefined when none runs. */
export function runningWatcher(root: string): string | undefined {
  const path = join(watchFolder(root), "watch.lock");
  if (!existsSync(path)) return undefined; // never watched
  let lock: LockFile;
  try {
    lock = openLockFile(path);
  } catch {
    return undefined; // no store or no watch folder: nothing runs
  }
  try {
    if (lock.tryLock(false)) {
      lock.unlock();
      return undefined;
    }
    return lock.read().trim() || "?";
  } finally {
    lock.close();
  }
}
