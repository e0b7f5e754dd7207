/**
 * Finding the `.crucible` folder: `--dir`, then `CRU_DIR`, then the nearest
 * `.crucible/` in the current folder or its ancestors, else `~/.crucible`.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Where to look for the store. */
export interface StoreLocationOptions {
  /** An explicit folder (`--dir`). */
  dir?: string;
  /** The `CRU_DIR` environment variable. */
  envDir?: string;
  /** Where the nearest-ancestor search starts. */
  cwd: string;
  /** The user's home folder, for the `~/.crucible` default. */
  home: string;
}

/**
 * The store folder to use. It need not exist yet: it is created on first write.
 *
 * @example
 * ```ts
 * import { findStoreDir } from "./store_location.ts";
 * console.assert(findStoreDir({ dir: "/tmp/x/.crucible", cwd: "/", home: "/root" }) === "/tmp/x/.crucible");
 * ```
 */
export function findStoreDir(options: StoreLocationOptions): string {
  if (options.dir !== undefined) return resolve(options.cwd, options.dir);
  if (options.envDir !== undefined) return resolve(options.cwd, options.envDir);
  for (let folder = resolve(options.cwd);; folder = dirname(folder)) {
    const candidate = join(folder, ".crucible");
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(folder) === folder) break;
  }
  return join(options.home, ".crucible");
}
