/**
 * The per-session lock. Writers hold it exclusively; readers share it. Before an
 * append the holder records which log it grows and from what size, and clears
 * that after the fsync: whoever takes the lock next and finds the record left
 * behind (its writer died mid-append) cuts the log back to that size, so a torn
 * event is never seen.
 *
 * @module
 */
import { existsSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { WaitTimeoutError } from "../model/errors.ts";
import { openLockFile } from "../runtime/lock_file.ts";

/** The lock file's name inside a session folder. */
export const SESSION_LOCK_NAME = ".lock";

/** Options of {@linkcode withSessionLock}. */
export interface SessionLockOptions {
  /** Shared (readers) or exclusive (writers). */
  exclusive: boolean;
  /** How long to wait for the lock before giving up. */
  timeoutMs: number;
  /** What the wait is for, for the timeout message. */
  what: string;
}

/** What an exclusive holder may do under the lock. */
export interface HeldSessionLock {
  /** Records that `log` is about to grow from `size` bytes. */
  beginAppend(log: string, size: number): void;
  /** Clears the record once the append is durable. */
  endAppend(): void;
  /** Bytes of `log` that hold whole events (for a reader that finds an interrupted append). */
  committedSize(log: string): number | undefined;
}

/**
 * Runs `work` holding the session's lock, waiting at most `timeoutMs` for it.
 *
 * @example
 * ```ts ignore
 * import { withSessionLock } from "./session_lock.ts";
 * await withSessionLock("/tmp/s", { exclusive: true, timeoutMs: 1000, what: "the session" }, () => {});
 * ```
 */
export async function withSessionLock<T>(
  sessionDir: string,
  options: SessionLockOptions,
  work: (lock: HeldSessionLock) => T | Promise<T>,
): Promise<T> {
  const lock = openLockFile(join(sessionDir, SESSION_LOCK_NAME));
  try {
    const deadline = Date.now() + options.timeoutMs;
    let pause = 1;
    while (!lock.tryLock(options.exclusive)) {
      if (Date.now() >= deadline) throw new WaitTimeoutError(options.what, options.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 25);
    }
    try {
      const pending = readPending(lock.read());
      if (pending && options.exclusive) {
        repairInterruptedAppend(join(sessionDir, pending.log), pending.size);
        lock.write("");
      }
      return await work({
        beginAppend: (log, size) => lock.write(`${size} ${log}`),
        endAppend: () => lock.write(""),
        committedSize: (log) => (pending && pending.log === log ? pending.size : undefined),
      });
    } finally {
      lock.unlock();
    }
  } finally {
    lock.close();
  }
}

function readPending(text: string): { log: string; size: number } | undefined {
  const match = /^(\d+) (.+)$/.exec(text.trim());
  return match ? { size: Number(match[1]), log: match[2] } : undefined;
}

function repairInterruptedAppend(path: string, size: number): void {
  if (existsSync(path) && statSync(path).size > size) truncateSync(path, size);
}
