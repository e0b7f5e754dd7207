import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureStoreRoot, STORE_GITIGNORE } from "./store_gitignore.ts";

test("ensureStoreRoot() creates the store with its .gitignore, and never replaces one that is there", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cru-test-"));
  try {
    const root = join(tmp, "a", ".crucible");
    ensureStoreRoot(root);
    assert.equal(readFileSync(join(root, ".gitignore"), "utf8"), STORE_GITIGNORE);
    const own = join(tmp, "own");
    mkdirSync(own);
    writeFileSync(join(own, ".gitignore"), "mine\n");
    ensureStoreRoot(own);
    assert.equal(readFileSync(join(own, ".gitignore"), "utf8"), "mine\n");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
