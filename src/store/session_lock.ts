/**
 * The per-session lock. Writers hold it exclusively; readers share it. Before an
 * append the holder records which log it grows, from what size, and what the
 * bytes around the cut look like; it clears that after the fsync. Whoever takes
 * the lock next and finds the record left behind (its writer died mid-append)
 * cuts the log back to that size — but only when the log still is exactly the
 * torn append it expects, so a hand edit made since is never cut.
 *
 * The record is data a repository can carry, so it is never trusted: it must
 * name a log of this session folder (a plain `*.md` name), the log must be a
 * regular file, and the lock file itself is opened without following links.
 *
 * @module
 */
import { closeSync, constants, lstatSync, openSync, readSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { WaitTimeoutError } from "../model/errors.ts";
import { openLockFile } from "../runtime/lock_file.ts";
import { isLogFileName } from "./log_names.ts";

/** The lock file's name inside a session folder. */
export const SESSION_LOCK_NAME = ".lock";

/** How many bytes on each side of the cut a record keeps to recognise its own torn append. */
const EDGE = 32;

/** Options of {@linkcode withSessionLock}. */
export interface SessionLockOptions {
  /** Shared (readers) or exclusive (writers). */
  exclusive: boolean;
  /** How long to wait for the lock before giving up. */
  timeoutMs: number;
  /** What the wait is for, for the timeout message. */
  what: string;
  /** Told when a record left behind is refused or a log is left uncut (default: ignored). */
  warn?: (message: string) => void;
}

/** What an exclusive holder may do under the lock. */
export interface HeldSessionLock {
  /** Records that `log` is about to grow from `size` bytes by `bytes`. */
  beginAppend(log: string, size: number, bytes?: Uint8Array): void;
  /** Clears the record once the append is durable. */
  endAppend(): void;
  /** Bytes of `log` that hold whole events (for a reader that finds an interrupted append). */
  committedSize(log: string): number | undefined;
}

/** An interrupted append as its lock record describes it. */
interface PendingAppend {
  log: string;
  size: number;
  /** The size the log would have had once the append was whole. */
  end: number;
  /** Hex of the bytes just before `size`, and of the first new bytes. */
  tail: string;
  head: string;
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
  const lockPath = join(sessionDir, SESSION_LOCK_NAME);
  const lock = openLockFile(lockPath);
  const warn = options.warn ?? (() => {});
  try {
    const deadline = Date.now() + options.timeoutMs;
    let pause = 1;
    while (!lock.tryLock(options.exclusive)) {
      if (Date.now() >= deadline) throw new WaitTimeoutError(options.what, options.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 25);
    }
    try {
      const text = lock.read();
      const pending = readPending(text);
      if (text.trim() !== "" && !pending) {
        warn(`${lockPath} holds a record that is not an append cru made; ignored`);
      }
      if (pending && options.exclusive) {
        repairInterruptedAppend(sessionDir, pending, lockPath, warn);
      }
      if (text.trim() !== "" && options.exclusive) lock.write("");
      return await work({
        beginAppend: (log, size, bytes = new Uint8Array()) => lock.write(recordOf(sessionDir, log, size, bytes)),
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

function recordOf(sessionDir: string, log: string, size: number, bytes: Uint8Array): string {
  const before = readRange(join(sessionDir, log), Math.max(0, size - EDGE), Math.min(size, EDGE));
  const record = {
    v: 2,
    log,
    size,
    end: size + bytes.length,
    tail: hex(before),
    head: hex(bytes.subarray(0, EDGE)),
  };
  return JSON.stringify(record);
}

/** A record this version wrote, naming a log of this folder; anything else is not one. */
function readPending(text: string): PendingAppend | undefined {
  let data: Partial<PendingAppend> & { v?: number };
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { log, size, end, tail, head } = data ?? {};
  if (data?.v !== 2 || typeof log !== "string" || !isLogFileName(log) || log.includes("/") || log.includes("\\")) {
    return undefined;
  }
  const count = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  const hexText = (s: unknown): s is string => typeof s === "string" && /^(?:[0-9a-f]{2}){0,32}$/.test(s);
  if (!count(size) || !count(end) || end < size || !hexText(tail) || !hexText(head)) return undefined;
  return { log, size, end, tail, head };
}

/** Cuts a torn append off, only when the log is still exactly what the record expects. */
function repairInterruptedAppend(
  sessionDir: string,
  pending: PendingAppend,
  lockPath: string,
  warn: (message: string) => void,
): void {
  const path = join(sessionDir, pending.log);
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isFile()) {
    warn(`${lockPath} names ${pending.log}, which is not a regular file; nothing was cut`);
    return;
  }
  const current = stat.size;
  if (current <= pending.size || current >= pending.end) return; // nothing torn, or the append is whole
  const tailLength = pending.tail.length / 2;
  const before = hex(readRange(path, pending.size - tailLength, tailLength));
  const after = hex(readRange(path, pending.size, Math.min(current - pending.size, EDGE)));
  if (before !== pending.tail || !pending.head.startsWith(after)) {
    warn(`${path} changed after an interrupted append; left as it is (check its end by hand)`);
    return;
  }
  truncateSync(path, pending.size);
}

/** `length` bytes of `path` from `offset` (fewer when the file is shorter), never following a link. */
function readRange(path: string, offset: number, length: number): Uint8Array {
  if (length <= 0 || offset < 0) return new Uint8Array();
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return new Uint8Array();
  }
  try {
    const buffer = new Uint8Array(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
