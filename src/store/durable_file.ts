/**
 * Durable file writes: appends that are on disk when they return, and whole-file
 * replacement that is atomic (temp file, fsync, rename, fsync of the folder).
 *
 * @module
 */
import { closeSync, constants, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Appends `text` to `path` and fsyncs it before returning. Returns the bytes
 * written. A `path` that is a symbolic link is refused (ELOOP), never followed.
 */
export function appendDurably(path: string, text: string | Uint8Array): number {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o666);
  try {
    // One write call: an O_APPEND write is never interleaved with another process's.
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    return bytes.length;
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces (or creates) `path` with `data` atomically: readers see the old
 * file or the new one. `mode` is the new file's permissions (default 0o666
 * less the umask).
 */
export function writeAtomically(path: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  const fd = openSync(temp, "wx", options.mode);
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  try {
    closeSync(fd);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true }); // a full disk or a vanished folder leaves no .tmp behind
    throw error;
  }
  syncFolder(dirname(path));
}

/** Fsyncs a folder so a rename or a new entry in it survives a crash. */
export function syncFolder(path: string): void {
  try {
    const fd = openSync(path, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot open or fsync folders; the data itself was fsynced.
  }
}
