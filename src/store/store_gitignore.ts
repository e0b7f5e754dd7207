/**
 * The `.gitignore` a store is created with, so that `git add .crucible`
 * stages only what is worth keeping: sessions (with their artifacts), plugins
 * and config — never the index, locks, sockets, logs or half-done writes.
 *
 * @module
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeAtomically } from "./durable_file.ts";

/** What a new store's `.gitignore` keeps out of git. */
export const STORE_GITIGNORE = `# Written by cru: commit sessions, plugins and config; the rest is rebuilt or transient.
# The index is derived from the markdown (rebuilt on the next query); its lock, socket and log belong to a process.
/index/
# Locks taken while writing, and writes or moves still under way.
*.lock
*.sock
*.log
*.tmp
/sessions/.new-*/
/sessions/.trash-*/
`;

/**
 * Creates the store folder if needed and gives it its `.gitignore`, unless it
 * has one (a user's own is never replaced).
 *
 * @example
 * ```ts
 * import { mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { ensureStoreRoot } from "./store_gitignore.ts";
 * const root = join(mkdtempSync(join(tmpdir(), "cru-")), ".crucible");
 * ensureStoreRoot(root);
 * console.assert(readFileSync(join(root, ".gitignore"), "utf8").includes("/index/"));
 * ```
 */
export function ensureStoreRoot(root: string): void {
  const file = join(root, ".gitignore");
  if (existsSync(file)) return;
  mkdirSync(root, { recursive: true });
  try {
    writeAtomically(file, STORE_GITIGNORE);
  } catch (error) {
    // Another process made it meanwhile, or the folder is read-only: the store works without it.
    if (!existsSync(file)) throw error;
  }
}
