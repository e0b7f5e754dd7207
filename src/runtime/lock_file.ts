/**
 * OS file locks (flock) for Deno and Bun, behind one small interface. The
 * kernel releases them when the holder dies, so a `kill -9` never leaves a
 * stale lock behind.
 *
 * @module
 */
import { closeSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { CruError } from "../model/errors.ts";

/** An open lock file. Its small text content is free for the holder to use. */
export interface LockFile {
  /** Takes the lock without waiting; false when another holder has it. */
  tryLock(exclusive: boolean): boolean;
  unlock(): void;
  /** The lock file's text. */
  read(): string;
  /** Replaces the lock file's text (no fsync: it has to survive a crash of this process, not of the machine). */
  write(text: string): void;
  close(): void;
}

interface DenoFsFile {
  tryLockSync(exclusive?: boolean): boolean;
  unlockSync(): void;
  close(): void;
}
interface DenoLike {
  openSync(
    path: string,
    options: { read: boolean; write: boolean; create: boolean },
  ): DenoFsFile & { readonly rid?: number };
}
interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): {
    symbols: { flock(fd: number, operation: number): number };
  };
}

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

const deno = (globalThis as { Deno?: DenoLike }).Deno;
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

let bunFlock: ((fd: number, operation: number) => number) | undefined;
if (isBun && !deno) {
  // A computed specifier keeps Deno's type checker away from a Bun-only module.
  const specifier = ["bun", "ffi"].join(":");
  const ffi = await import(specifier) as BunFfi;
  const libc = process.platform === "darwin" ? "libc.dylib" : "libc.so.6";
  bunFlock = ffi.dlopen(libc, { flock: { args: ["i32", "i32"], returns: "i32" } }).symbols.flock;
}

/**
 * Opens (creating if needed) a lock file.
 *
 * @example
 * ```ts ignore
 * import { openLockFile } from "./lock_file.ts";
 * const lock = openLockFile("/tmp/example.lock");
 * if (lock.tryLock(true)) lock.unlock();
 * lock.close();
 * ```
 */
export function openLockFile(path: string): LockFile {
  // node:fs descriptors are real OS descriptors under Bun but not under Deno, so the
  // text goes through node:fs everywhere and the lock through each runtime's own call.
  const fd = openSync(path, "a+");
  const textFd = openSync(path, "r+");
  const text = {
    read(): string {
      const buffer = new Uint8Array(4096);
      const length = readSync(textFd, buffer, 0, buffer.length, 0);
      return new TextDecoder().decode(buffer.subarray(0, length));
    },
    write(value: string): void {
      ftruncateSync(textFd, 0);
      if (value !== "") writeSync(textFd, value, 0);
    },
  };
  if (deno) {
    closeSync(fd);
    const file = deno.openSync(path, { read: true, write: true, create: true });
    return {
      ...text,
      tryLock: (exclusive) => file.tryLockSync(exclusive),
      unlock: () => file.unlockSync(),
      close: () => {
        file.close();
        closeSync(textFd);
      },
    };
  }
  if (bunFlock) {
    const flock = bunFlock;
    return {
      ...text,
      tryLock: (exclusive) => flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) === 0,
      unlock: () => void flock(fd, LOCK_UN),
      close: () => {
        closeSync(fd);
        closeSync(textFd);
      },
    };
  }
  closeSync(fd);
  closeSync(textFd);
  throw new CruError("unsupported_runtime", "file locks need Deno 2 or Bun; this runtime has neither");
}
