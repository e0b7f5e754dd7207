/**
 * Fault injection, owners at start-up: owners killed before they listen, a
 * folder where `owner.lock` or `owner.sock` belongs. A killed owner is replaced
 * and the command answers; when every start fails, the command says why in
 * one line and exits 1 within 10 s, and the next command answers within 10 s.
 * (A full disk is in `disk_full_faults.ts`.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "../_helpers/temp_dir.ts";
import { runCru } from "../_helpers/run_cru.ts";
import { killOwner, makeStore, stopOwner, WORD } from "./_faults.ts";

const BOUND_MS = 10_000;

/** Pids of owner processes of this store that run now (found by their command line). */
function startingOwners(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      const isOwner = args.some((a) => a.endsWith("index_owner_main.ts") || a === "__index-owner");
      if (isOwner && args[args.indexOf("--dir") + 1] === dir) pids.push(Number(name));
    } catch { /* gone already */ }
  }
  return pids;
}

/** Kills every owner of `dir` that appears while `until` is pending, as soon as it is seen; returns how many. */
async function killOwnersWhile(dir: string, until: Promise<unknown>, max: number): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  const killed = new Set<number>();
  while (!done && killed.size < max) {
    for (const pid of startingOwners(dir)) {
      if (killed.has(pid) || killed.size >= max) continue;
      try {
        process.kill(pid, "SIGKILL");
        killed.add(pid);
      } catch { /* exited by itself */ }
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return killed.size;
}

async function timedSearch(dir: string, total: number) {
  const started = performance.now();
  const run = await runCru(["session", "search", WORD, "--limit", "1000", "--json", "--dir", dir], {
    timeoutMs: 60_000,
  });
  const ms = Math.round(performance.now() - started);
  const found = run.code === 0 ? (JSON.parse(run.stdout) as { total: number }).total : -1;
  return { run, ms, ok: run.code === 0 && found === total };
}

test(
  "owners killed at start-up are replaced; the next command answers within 10 s",
  { timeout: 300_000 },
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const total = await makeStore(dir, 2, 10);
      const lines: string[] = [];
      // One owner killed before it listens: the same command starts another and answers.
      for (let round = 0; round < 3; round++) {
        await killOwner(dir);
        const search = timedSearch(dir, total);
        const killed = await killOwnersWhile(dir, search, 1);
        const { ok, ms, run } = await search;
        lines.push(`killed ${killed} owner at start-up: answered ${ok} in ${ms} ms`);
        assert.ok(ok, `the command answers after its owner was killed: ${run.stderr}`);
        assert.ok(ms < BOUND_MS * 2, `…within a bound: ${ms} ms`);
      }
      // Every owner it starts killed: the command gives up in one line, and the next one answers.
      await stopOwner(dir);
      const doomed = timedSearch(dir, total);
      const killed = await killOwnersWhile(dir, doomed, 10);
      const failed = await doomed;
      lines.push(`killed all ${killed} owners it started: exit ${failed.run.code} in ${failed.ms} ms`);
      if (failed.run.code !== 0) {
        assert.equal(failed.run.code, 1);
        assert.equal(failed.run.stderr.trim().split("\n").length, 1, `one line: ${failed.run.stderr}`);
        assert.match(failed.run.stderr, /^cru: the index owner failed to start/);
        assert.ok(failed.ms < BOUND_MS, `gave up within 10 s: ${failed.ms} ms`);
      }
      const next = await timedSearch(dir, total);
      lines.push(`the next command: answered ${next.ok} in ${next.ms} ms`);
      assert.ok(next.ok, `the next command answers: ${next.run.stderr}`);
      assert.ok(next.ms < BOUND_MS, `within 10 s: ${next.ms} ms`);
      console.log(`owners: ${lines.join("; ")}`);
    }),
);

test("a folder where owner.lock or owner.sock belongs: one line naming it, exit 1, within 10 s", {
  timeout: 120_000,
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const total = await makeStore(dir, 1, 5);
    for (const name of ["owner.lock", "owner.sock"]) {
      await stopOwner(dir);
      const path = join(dir, "index", name);
      rmSync(path, { force: true });
      mkdirSync(join(path, "inside"), { recursive: true });
      const { run, ms } = await timedSearch(dir, total);
      console.log(`owners: ${name} a folder: exit ${run.code} in ${ms} ms: ${run.stderr.trim()}`);
      assert.equal(run.code, 1);
      assert.equal(run.stderr.trim().split("\n").length, 1, `one line: ${run.stderr}`);
      assert.ok(run.stderr.includes(`${path} is a directory`), run.stderr);
      assert.ok(ms < BOUND_MS, `within 10 s: ${ms} ms`);
      rmSync(path, { recursive: true, force: true });
      const after = await timedSearch(dir, total);
      assert.ok(after.ok, `once it is removed, search answers: ${after.run.stderr}`);
    }
    await stopOwner(dir);
  }));
