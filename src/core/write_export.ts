/**
 * Writing what `export` produced: one file atomically, or a folder of files
 * that appears whole or not at all. Never mixes with what is already there.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InvalidInputError } from "../model/errors.ts";
import { syncFolder, writeAtomically } from "../store/durable_file.ts";

/** Writes `text` to `path`: readers see the old file or the whole new one. */
export function writeExportFile(path: string, text: string): void {
  writeAtomically(path, text);
}

/** Fails (naming `given`, the path as typed) unless `path` is missing or an empty folder. */
export function assertEmptyFolder(path: string, given: string): void {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory() || readdirSync(path).length > 0) {
    throw new InvalidInputError("--output", given, "a new or empty folder");
  }
}

/**
 * Writes `files` into the folder `target` (missing or empty): they are written
 * into a hidden folder beside it, which is renamed into place once complete.
 *
 * @example
 * ```ts ignore
 * writeExportFolder("/tmp/out", [{ name: "index.html", text: "<!doctype html>…" }]);
 * ```
 */
export function writeExportFolder(target: string, files: { name: string; text: string }[]): void {
  assertEmptyFolder(target, target);
  const staging = join(dirname(target), `.${basename(target)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  mkdirSync(staging, { recursive: true });
  try {
    for (const file of files) writeAtomically(join(staging, file.name), file.text);
    if (existsSync(target)) rmdirSync(target);
    renameSync(staging, target);
    syncFolder(dirname(target));
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
