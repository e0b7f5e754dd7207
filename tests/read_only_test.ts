import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";

/** Every path under `dir`, to prove a command created nothing (the runtimes' own caches under a test HOME aside). */
function tree(dir: string): string[] {
  const runtimeCache = /^home\/\.(cache|bun|deno)(\/|$)/;
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((p) => relative(dir, join(dir, p)))
    .filter((p) => !runtimeCache.test(p))
    .sort();
}

const READS = [
  ["session", "list"],
  ["session", "search", "anything"],
  ["session", "show", "chat-20240101-000000-abcdef"],
  ["session", "show", "chat-20240101-000000-abcdef", "--markdown"],
  ["session", "reindex"],
];

test("list, search, show and reindex of a folder with no store create nothing, start no owner and exit 1", () =>
  withTempDir(async (tmp) => {
    const home = join(tmp, "home");
    const work = join(tmp, "work");
    mkdirSync(home);
    mkdirSync(work);
    const env = { HOME: home, CRU_DIR: undefined, CRU_INDEX_IDLE_MS: "3000" };
    const before = tree(tmp);
    for (const args of READS) {
      // Discovery falls back to ~/.crucible, which does not exist.
      const found = await runCru(args, { cwd: work, env });
      assert.equal(found.code, 1, `${args.join(" ")}: ${found.stderr}`);
      assert.equal(found.stdout, "");
      assert.equal(
        found.stderr,
        `cru: no cru store at ${
          join(home, ".crucible")
        }: nothing to read (a store is made by the first write, e.g. cru session new)\n`,
      );
      const named = await runCru([...args, "--dir", join(tmp, "nope"), "--json"], { cwd: work, env });
      assert.equal(named.code, 1, named.stderr);
      assert.match(named.stderr, new RegExp(`^cru: no cru store at ${join(tmp, "nope")}: nothing to read`));
    }
    assert.deepEqual(tree(tmp), before, "nothing was created");
  }));

test("where discovery falls back to ~/.crucible and it exists, reading reads it", () =>
  withTempDir(async (tmp) => {
    const home = join(tmp, "home");
    const work = join(tmp, "work");
    mkdirSync(home);
    mkdirSync(work);
    const env = { HOME: home, CRU_DIR: undefined, CRU_INDEX_IDLE_MS: "3000" };
    const { id, dir } = await cruJson<{ id: string; dir: string }>(["session", "new", "--title", "at home"], {
      cwd: work,
      env,
    });
    assert.equal(dir, join(home, ".crucible", "sessions", id));
    const listed = await cruJson<{ sessions: { id: string }[] }>(["session", "list"], { cwd: work, env });
    assert.deepEqual(listed.sessions.map((s) => s.id), [id]);
    assert.deepEqual(readdirSync(work), [], "nothing was created where the command ran");
  }));
