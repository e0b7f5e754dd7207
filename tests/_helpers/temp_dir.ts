/** Test helper: a temp folder made for one test and removed after it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `work` with a fresh temp folder, removed afterwards whatever happens. */
export async function withTempDir<T>(work: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "cru-test-"));
  try {
    return await work(dir);
  } finally {
    await removeSoon(dir);
  }
}

/**
 * Removes a folder, retrying for a few seconds while something still writes
 * into it: an index owner started by the test keeps writing its database until
 * it notices its store is gone (within a second) and stops.
 */
export async function removeSoon(dir: string): Promise<void> {
  for (let attempt = 1;; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 50 || (code !== "ENOTEMPTY" && code !== "EBUSY")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
