import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";

const hasGit = (() => {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

test("git add .crucible stages only sessions, plugins and config: never the index, locks, sockets or logs", {
  skip: !hasGit && "git is not installed",
}, () =>
  withTempDir(async (tmp) => {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: tmp, encoding: "utf8" });
    git("init", "-q");
    const dir = join(tmp, ".crucible");
    const env = { CRU_INDEX_IDLE_MS: "3000" };
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir], { env });
    const append = await runCru(["session", "append", id, "--role", "user", "stage me", "--dir", dir], { env });
    assert.equal(append.code, 0, append.stderr);
    // A search starts the index owner: its database, lock, socket and log now sit in the store.
    await cruJson(["session", "search", "stage", "--dir", dir], { env });
    git("add", ".crucible");
    const staged = git("diff", "--cached", "--name-only").trim().split("\n").sort();
    assert.equal(staged[0], ".crucible/.gitignore");
    assert.ok(
      staged.length === 2 && staged[1].startsWith(`.crucible/sessions/${id}/`) && staged[1].endsWith(".md"),
      staged.join("\n"),
    );
  }));
