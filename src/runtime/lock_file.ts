/**
 * OS file locks (flock) for Deno and Bun, behind one small interface. The
 * kernel releases them when the holder dies, so a `kill -9` never leaves a
 * stale lock behind.
 *
 * @module
 */
import { closeSync, constants, ftruncateSync, lstatSync, openSync, readSync, writeSync } from "node:fs";
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

/** A lock file that is a symbolic link (or turned into one): never followed, so a planted link cannot aim cru's writes. */
export class LockFileLinkError extends CruError {
  constructor(path: string) {
    super("lock_file_link", `${path} is a symbolic link; cru does not follow links for lock files (remove it)`);
  }
}

interface DenoFsFile {
  tryLockSync(exclusive?: boolean): boolean;
  unlockSync(): void;
  seekSync(offset: number, whence: number): number;
  readSync(buffer: Uint8Array): number | null;
  writeSync(data: Uint8Array): number;
  truncateSync(length?: number): void;
  close(): void;
}
interface DenoLike {
  openSync(
    path: string,
    options: { read: boolean; write: boolean; create: boolean },
  ): DenoFsFile & { readonly rid?: number; statSync(): { ino: number | null } };
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
  // Bun's synchronous require keeps this module free of top-level await (the binary is compiled to
  // bytecode, which needs that); a computed specifier keeps Deno's type checker away from a Bun-only module.
  const specifier = ["bun", "ffi"].join(":");
  const ffi = (import.meta as unknown as { require(id: string): BunFfi }).require(specifier);
  const libc = process.platform === "darwin" ? "libc.dylib" : "libc.so.6";
  bunFlock = ffi.dlopen(libc, { flock: { args: ["i32", "i32"], returns: "i32" } }).symbols.flock;
}

/**
 * Opens (creating if needed) a lock file, never through a symbolic link.
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
  if (deno) return denoLockFile(path);
  if (bunFlock) return bunLockFile(path, bunFlock);
  throw new CruError("unsupported_runtime", "file locks need Deno 2 or Bun; this runtime has neither");
}

/** Deno: node:fs descriptors are not OS descriptors there, so lock and text both go through one Deno.FsFile. */
function denoLockFile(path: string): LockFile {
  // Deno cannot open with O_NOFOLLOW: check the name before and after opening instead.
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) throw new LockFileLinkError(path);
  const file = deno!.openSync(path, { read: true, write: true, create: true });
  const after = lstatSync(path, { throwIfNoEntry: false });
  if (!after || after.isSymbolicLink() || after.ino !== file.statSync().ino) {
    file.close();
    throw new LockFileLinkError(path);
  }
  return {
    tryLock: (exclusive) => file.tryLockSync(exclusive),
    unlock: () => file.unlockSync(),
    read: () => {
      file.seekSync(0, 0);
      const buffer = new Uint8Array(4096);
      const length = file.readSync(buffer) ?? 0;
      return new TextDecoder().decode(buffer.subarray(0, length));
    },
    write: (value) => {
      file.truncateSync(0);
      file.seekSync(0, 0);
      if (value !== "") file.writeSync(new TextEncoder().encode(value));
    },
    close: () => file.close(),
  };
}

/** Bun: one real OS descriptor serves flock() and the text. */
function bunLockFile(path: string, flock: (fd: number, operation: number) => number): LockFile {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as { code?: string }).code === "ELOOP") throw new LockFileLinkError(path);
    throw error;
  }
  return {
    tryLock: (exclusive) => flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) === 0,
    unlock: () => void flock(fd, LOCK_UN),
    read: () => {
      const buffer = new Uint8Array(4096);
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      return new TextDecoder().decode(buffer.subarray(0, length));
    },
    write: (value) => {
      ftruncateSync(fd, 0);
      if (value !== "") writeSync(fd, value, 0);
    },
    close: () => closeSync(fd),
  };
}
