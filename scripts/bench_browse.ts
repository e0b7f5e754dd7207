/**
 * Benchmark: how long a keystroke in `cru browse` takes to put its results on
 * screen in a store of 20,000 sessions, once the index owner is warm — the
 * query through the facade (`Crucible.search` / `list`), the frame drawn, and
 * the preview of the first hit read and rendered — beside the same query as a
 * fresh `cru session search` process and as `rg` over the markdown, in the same run.
 *
 *   bun scripts/bench_browse.ts [--sessions 20000] [--rounds 5]
 *
 * The goal from issue 15: results on screen in under 100 ms per keystroke.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openCrucible } from "../src/core/open_crucible.ts";
import { IndexClient } from "../src/index_service/index_client.ts";
import { ownerLogPath, ownerSocketPath } from "../src/index_service/owner_paths.ts";
import { renderLog } from "../src/format/render_log.ts";
import type { SessionEvent } from "../src/model/event.ts";
import { readBrowseQuery } from "../src/cli/browse/browse_query.ts";
import { eventIndexOf, runBrowseQuery } from "../src/cli/browse/browse_rows.ts";
import { drawScreen } from "../src/cli/browse/browse_screen.ts";
import { initialState, withResults } from "../src/cli/browse/browse_state.ts";
import { palette } from "../src/cli/render/paint.ts";
import { renderSessionForTerminal } from "../src/cli/render/session_terminal.ts";

const args = process.argv.slice(2);
const flag = (
  name: string,
  fallback: number,
) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const SESSIONS = flag("--sessions", 20_000);
const ROUNDS = flag("--rounds", 5);
const ROOT = resolve(new URL("..", import.meta.url).pathname);
const CRU = join(ROOT, "dist", "cru");
/** What a person types, one keystroke at a time. */
const TYPED = "deploy cache";

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** 20,000 sessions of 4 events (~30 words each; 'deploy' in 2 % of events, 'cache' in 5 %). */
function generate(store: string): number {
  const next = random(15);
  const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  const word = () => vocabulary[Math.floor(vocabulary.length * next() ** 3)];
  let events = 0;
  for (let s = 0; s < SESSIONS; s++) {
    const id = `agent-bench-${String(s).padStart(6, "0")}`;
    const dir = join(store, "sessions", id);
    mkdirSync(dir, { recursive: true });
    const started = new Date(Date.UTC(2024, 0, 1) + s * 600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const list: SessionEvent[] = [];
    for (let e = 0; e < 4; e++, events++) {
      const words = Array.from({ length: 30 }, word);
      if (next() < 0.02) words[5] = "deploy";
      if (next() < 0.05) words[9] = "cache";
      list.push({ role: e % 2 ? "assistant" : "user", content: words.join(" "), at: started });
    }
    const name = `${started.slice(0, 10)}-${started.slice(11, 13)}${started.slice(14, 16)}.md`;
    writeFileSync(
      join(dir, name),
      renderLog({
        meta: { session_id: id, type: "agent", started, continued_from: null, extra: {} },
        heading: `Bench ${s}`,
        events: list,
      }),
    );
  }
  return events;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const ms = (value: number) => `${value.toFixed(1)} ms`;

const work = mkdtempSync(join(tmpdir(), "cru-bench-browse-"));
const store = join(work, ".crucible");
process.env.CRU_INDEX_IDLE_MS = "600000";
try {
  let started = performance.now();
  const events = generate(store);
  console.log(
    `generated ${SESSIONS} sessions, ${events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const cru = openCrucible({ dir: store, userPlugins: false, indexStartTimeoutMs: 120_000 });
  started = performance.now();
  await cru.list({ limit: 1 }); // starts the owner, which indexes the whole store
  console.log(
    `index owner warm (first query, whole store indexed) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const paint = palette({ colour: true });
  const size = { columns: 80, rows: 24 };
  const search: number[] = [];
  const frame: number[] = [];
  const withPreview: number[] = [];
  const byQuery: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (let typed = 0; typed <= TYPED.length; typed++) {
      const line = TYPED.slice(0, typed);
      const t0 = performance.now();
      const results = await runBrowseQuery(cru, readBrowseQuery(line));
      const t1 = performance.now();
      drawScreen(withResults(initialState(line), results.rows, results.total), undefined, size, paint);
      const t2 = performance.now();
      const row = results.rows[0];
      if (row) {
        const view = await cru.show(row.sessionId);
        const rendered = renderSessionForTerminal(view, paint, { mark: eventIndexOf(view, row) });
        const preview = { title: view.id, lines: rendered.lines, focus: 0 };
        drawScreen(withResults(initialState(line), results.rows, results.total), preview, size, paint);
      }
      const t3 = performance.now();
      (byQuery[line] ??= []).push(t2 - t0);
      search.push(t1 - t0);
      frame.push(t2 - t0);
      withPreview.push(t3 - t0);
    }
  }

  // Peers, same store, same run: a fresh `cru session search` process, and ripgrep over the markdown.
  const peer = (command: string, commandArgs: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      spawnSync(command, commandArgs, { env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" });
      times.push(performance.now() - t0);
    }
    return times;
  };
  const rows: [string, number[]][] = [
    ["keystroke → results (facade query)", search],
    ["keystroke → results on screen (frame drawn)", frame],
    ["keystroke → results and preview on screen", withPreview],
  ];
  if (existsSync(CRU)) {
    rows.push(["peer: `cru session search` process", peer(CRU, ["session", "search", TYPED, "--dir", store])]);
  }
  if (spawnSync("sh", ["-c", "command -v rg"]).status === 0) {
    rows.push(["peer: `rg -l deploy` over the markdown", peer("rg", ["-l", "deploy", join(store, "sessions")])]);
  }
  console.log(
    `\n${SESSIONS} sessions, ${events} events; ${ROUNDS} rounds of typing "${TYPED}" (${TYPED.length + 1} queries)`,
  );
  console.log(`${"".padEnd(46)} ${"p50".padStart(10)} ${"p95".padStart(10)} ${"max".padStart(10)}`);
  for (const [name, values] of rows) {
    console.log(
      `${name.padEnd(46)} ${ms(percentile(values, 0.5)).padStart(10)} ${ms(percentile(values, 0.95)).padStart(10)} ${
        ms(Math.max(...values)).padStart(10)
      }`,
    );
  }
  console.log(
    `per query, results on screen (p50): ${
      Object.entries(byQuery).map(([q, v]) => `${JSON.stringify(q)} ${percentile(v, 0.5).toFixed(0)}`).join(", ")
    } ms`,
  );
  console.log(`goal: results on screen in under 100 ms per keystroke`);
} finally {
  await stopOwner(store);
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

/** Asks the store's owner to stop and waits (at most 30 s) until it has: its socket gone and its process ended. */
async function stopOwner(root: string): Promise<void> {
  const client = await IndexClient.connectIfRunning({ root, connection: {} });
  if (!client) return;
  await client.request("stop", {}).catch(() => {});
  client.close();
  const pids = existsSync(ownerLogPath(root))
    ? [...readFileSync(ownerLogPath(root), "utf8").matchAll(/\[(\d+)\] serving/g)].map((m) => m[1])
    : [];
  const running = () => existsSync(ownerSocketPath(root)) || pids.some((pid) => existsSync(`/proc/${pid}`));
  for (let i = 0; i < 600 && running(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (running()) console.error(`the index owner of ${root} did not stop within 30 s`);
}
