/**
 * `cru plugin trust` / `untrust`: records (or forgets) the content hash of a
 * store's plugin files and config.yaml in the user's own trust records. Never
 * imports what it trusts: trusting is reading, then saying yes.
 *
 * @module
 */
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { FileNotFoundError, InvalidInputError } from "../model/errors.ts";
import { userPluginFiles } from "../plugin/plugin_host.ts";
import { contentHash, trustFilePath, TrustRecords } from "../store/trust_records.ts";

/** Options of {@linkcode trustFiles} and {@linkcode untrustFiles}. */
export interface TrustOptions {
  /** The store (`.crucible`) whose plugins `--all` means. */
  root: string;
  /** The user's cru config folder holding the records. */
  configDir: string;
  /** Every plugin file of the store, and its config.yaml. */
  all?: boolean;
}

/** What a trust or untrust did, file by file. */
export interface TrustReport {
  /** Where the records are kept. */
  records: string;
  files: { file: string; sha256?: string; changed: boolean }[];
}

/** The store's plugin files and config.yaml, the ones `--all` stands for. */
export function storeTrustables(root: string): string[] {
  const config = join(root, "config.yaml");
  return [...userPluginFiles(join(root, "plugins")), ...(existsSync(config) ? [config] : [])];
}

/** Records each file's current content as trusted. */
export function trustFiles(files: string[], options: TrustOptions): TrustReport {
  const chosen = choose(files, options);
  const records = TrustRecords.read(options.configDir);
  const report: TrustReport = { records: trustFilePath(options.configDir), files: [] };
  for (const file of chosen) {
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat) throw new FileNotFoundError(file, "file to trust");
    if (!stat.isFile()) throw new InvalidInputError("file to trust", file, "a regular file (not a link or folder)");
    const bytes = readFileSync(file);
    const changed = records.stateOf(file, bytes) !== "trusted";
    records.trust(file, bytes);
    report.files.push({ file, sha256: contentHash(bytes), changed });
  }
  records.save();
  return report;
}

/** Forgets each file (it will not load again until trusted). */
export function untrustFiles(files: string[], options: TrustOptions): TrustReport {
  const records = TrustRecords.read(options.configDir);
  const chosen = options.all
    ? records.paths().filter((path) => path.startsWith(resolve(options.root) + "/"))
    : choose(files, options);
  const report: TrustReport = { records: trustFilePath(options.configDir), files: [] };
  for (const file of chosen) report.files.push({ file, changed: records.untrust(file) });
  records.save();
  return report;
}

function choose(files: string[], options: TrustOptions): string[] {
  if (options.all && files.length > 0) {
    throw new InvalidInputError("--all", files.join(" "), "either --all or file names, not both");
  }
  if (!options.all && files.length === 0) {
    throw new InvalidInputError("arguments", "", "one or more plugin files, or --all");
  }
  return (options.all ? storeTrustables(options.root) : files).map((file) => resolve(file));
}
