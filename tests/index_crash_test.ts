/**
 * The index survives `kill -9` of its owner at any moment: while it indexes,
 * flushes its tail to a segment, or merges segments. After 20 kills at random
 * points, every answer equals what a fresh reindex from the markdown gives.
 * Small flush and merge thresholds make the owner flush and merge all the time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson } from "./_helpers/run_cru.ts";
import { open } from "../mod.ts";

const KILLS = 20;
const ENV = { CRU_INDEX_IDLE_MS: "5000", CRU_INDEX_FLUSH_DOCS: "40", CRU_INDEX_MERGE_FACTOR: "3" };
const QUERIES = ["tapir", "wombat", "tapir wombat", "tapir OR okapi", '"quiet tapir"', "tap*", "tapir -wombat"];

interface Answer {
  total: number;
  hits: { session_id: string; file: string; line: number; role: string }[];
}

async function answers(dir: string): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  for (const query of QUERIES) {
    const { total, hits } = await cruJson<Answer>(["session", "search", query, "--limit", "1000", "--dir", dir], {
      env: ENV,
      timeoutMs: 120_000,
    });
    // Scores can differ in the last bits when deleted documents still count (they do until a merge); compare the rest.
    all[query] = { total, hits: hits.map((h) => `${h.session_id} ${h.file}:${h.line} ${h.role}`).sort() };
  }
  all.list = (await cruJson<{ sessions: unknown[] }>(["session", "list", "--dir", dir], { env: ENV })).sessions;
  return all;
}

function ownerPids(dir: string): number[] {
  const log = join(dir, "index", "owner.log");
  if (!existsSync(log)) return [];
  return [...readFileSync(log, "utf8").matchAll(/\[(\d+)\] serving/g)].map((m) => Number(m[1]));
}

test(
  `kill -9 of the owner at ${KILLS} random points during indexing, flushes and merges: answers equal a fresh reindex`,
  {
    timeout: 600_000,
  },
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const cru = open({ dir, plugins: [], userPlugins: false });
      const sessions = [];
      for (let s = 0; s < 4; s++) sessions.push((await cru.newSession({ type: "agent", title: `crash ${s}` })).id);
      let written = 0;
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let kill = 0; kill < KILLS; kill++) {
        // A search starts an owner (or finds the running one); appends tell it what changed.
        await cruJson(["session", "search", "tapir", "--dir", dir], { env: ENV, timeoutMs: 120_000 });
        const pid = ownerPids(dir).at(-1)!;
        const batch = Array.from({ length: 30 + Math.floor(random() * 60) }, (_, n) => ({
          role: "action" as const,
          content: `${n % 3 ? "quiet tapir" : "wombat"} step ${written + n} ${n % 7 ? "" : "okapi"}`,
        }));
        await cru.append(sessions[kill % sessions.length], batch);
        written += batch.length;
        // Let the owner index, flush and merge for a random moment, then kill it without warning.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 400)));
        try {
          process.kill(pid, "SIGKILL");
        } catch { /* it may have gone idle */ }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(ownerPids(dir).length >= KILLS / 2, `owners were started and killed: ${ownerPids(dir).length}`);
      const log = readFileSync(join(dir, "index", "owner.log"), "utf8");
      assert.match(log, /flushed a segment/, "the owners flushed segments between kills");
      assert.match(log, /merged segments/, "the owners merged segments between kills");
      const live = await answers(dir);
      assert.equal((live.wombat as Answer).total + (live['"quiet tapir"'] as Answer).total, written);
      await cruJson(["session", "reindex", "--dir", dir], { env: ENV, timeoutMs: 300_000 });
      assert.deepEqual(await answers(dir), live);
    }),
);
