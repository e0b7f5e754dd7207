/**
 * Benchmark: search and reindex at scale, beside ripgrep and SQLite FTS5 doing
 * the same work on the same text, measured in the same run.
 *
 *   bun scripts/bench_search.ts [--events 100000] [--million] [--runs 5]
 *
 * Generates a store (2,000 log files per 100k events, ~200 B events, words drawn
 * from a Zipf-like vocabulary plus marker terms at fixed frequencies), then with
 * the compiled `dist/cru` (built if missing):
 * - reindex: `cru session reindex` from markdown (the owner's peak memory too);
 * - cold search: a fresh `cru session search` process per query, p50 over runs,
 *   both with an index owner already running and with none (the command starts it);
 * - ripgrep: `rg -l TERM` over the sessions folder;
 * - SQLite FTS5: building an FTS5 table from the same event text with the
 *   `sqlite3` CLI, and a top-20 ranked query from a fresh `sqlite3` process.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { renderLog } from "../src/format/render_log.ts";
import type { SessionEvent } from "../src/model/event.ts";
import { IndexClient } from "../src/core/index_client.ts";

const args = process.argv.slice(2);
const flag = (
  name: string,
  fallback: number,
) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const EVENTS = args.includes("--million") ? 1_000_000 : flag("--events", 100_000);
const RUNS = flag("--runs", 5);
const ROOT = resolve(new URL("..", import.meta.url).pathname);
const CRU = join(ROOT, "dist", "cru");
/** Marker terms and the share of events that contain each. */
const TERMS: [string, number][] = [["quasar", 0.001], ["nebula", 0.01], ["galaxy", 0.05], ["comet", 0.2]];

function seconds(work: () => void): number {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function run(command: string, commandArgs: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const result = spawnSync(command, commandArgs, {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    input: options.input,
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

/** A deterministic pseudo-random generator, so runs compare. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function generate(store: string, tsv: string): { files: number; bytes: number } {
  const next = random(42);
  const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  const word = () => vocabulary[Math.floor(vocabulary.length * next() ** 3)]; // skewed towards the first words
  const eventsPerLog = 50;
  const logsPerSession = 4;
  const rows: string[] = [];
  let files = 0;
  let bytes = 0;
  let made = 0;
  for (let s = 0; made < EVENTS; s++) {
    const id = `agent-bench-${String(s).padStart(6, "0")}`;
    const dir = join(store, "sessions", id);
    mkdirSync(dir, { recursive: true });
    let previous: string | null = null;
    for (let l = 0; l < logsPerSession && made < EVENTS; l++) {
      const started = new Date(Date.UTC(2024, 0, 1) + s * 3_600_000 + l * 600_000).toISOString().replace(
        /\.\d{3}Z$/,
        "Z",
      );
      const events: SessionEvent[] = [];
      for (let e = 0; e < eventsPerLog && made < EVENTS; e++, made++) {
        const words = Array.from({ length: 28 }, word);
        for (const [term, share] of TERMS) if (next() < share) words[Math.floor(next() * words.length)] = term;
        const content = words.join(" ");
        events.push({ role: e % 2 ? "assistant" : "user", content, at: started });
        rows.push(`${id}\t${started}\t${content}`);
      }
      const name = `${started.slice(0, 10)}-${started.slice(11, 13)}${started.slice(14, 16)}.md`;
      const text = renderLog({
        meta: { session_id: id, type: "agent", started, continued_from: previous, extra: {} },
        heading: `Bench session ${s}`,
        events,
      });
      writeFileSync(join(dir, name), text);
      previous = name;
      files++;
      bytes += text.length;
    }
  }
  writeFileSync(tsv, rows.join("\n") + "\n");
  return { files, bytes };
}

async function stopOwner(store: string): Promise<void> {
  const client = await IndexClient.connectIfRunning({ root: store, connection: {} });
  if (!client) return;
  await client.request("stop").catch(() => {});
  client.close();
  for (let i = 0; i < 100 && existsSync(join(store, "index", "owner.sock")); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ownerPeakMb(store: string): number | undefined {
  const pids = [...readFileSync(join(store, "index", "owner.log"), "utf8").matchAll(/\[(\d+)\] serving/g)].map((m) =>
    m[1]
  );
  const status = `/proc/${pids.at(-1)}/status`;
  if (!existsSync(status)) return undefined;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, "utf8"));
  return match ? Number(match[1]) / 1024 : undefined;
}

if (!existsSync(CRU)) run(join(ROOT, "node_modules", ".bin", "bun"), [join(ROOT, "scripts", "build.ts")]);
const work = mkdtempSync(join(tmpdir(), "cru-bench-search-"));
const store = join(work, ".crucible");
const env = { CRU_INDEX_IDLE_MS: "600000" };
try {
  const tsv = join(work, "events.tsv");
  const generated = seconds(() => generate(store, tsv));
  console.log(`corpus: ${EVENTS} events in ${EVENTS / 50} log files, generated in ${generated.toFixed(1)} s`);

  const reindex = seconds(() => run(CRU, ["session", "reindex", "--json", "--dir", store], { env }));
  const peak = ownerPeakMb(store);

  const fts = join(work, "fts.db");
  const ftsBuild = has("sqlite3")
    ? seconds(() =>
      run("sqlite3", [fts], {
        input: `.mode tabs\nCREATE TABLE staging(session, at, content);\n.import ${tsv} staging\n` +
          `CREATE VIRTUAL TABLE fts USING fts5(session UNINDEXED, at UNINDEXED, content);\n` +
          `INSERT INTO fts SELECT session, at, content FROM staging;\nDROP TABLE staging;\n`,
      })
    )
    : NaN;

  const rows: string[][] = [];
  for (const [term, share] of TERMS) {
    const warm = Array.from(
      { length: RUNS },
      () => seconds(() => run(CRU, ["session", "search", term, "--json", "--dir", store], { env })),
    );
    const cold: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      await stopOwner(store);
      cold.push(seconds(() => run(CRU, ["session", "search", term, "--json", "--dir", store], { env })));
    }
    const rg = has("rg")
      ? Array.from({ length: RUNS }, () => seconds(() => run("rg", ["-l", term, join(store, "sessions")])))
      : [NaN];
    const sqlite = has("sqlite3")
      ? Array.from(
        { length: RUNS },
        () =>
          seconds(() =>
            run("sqlite3", [
              fts,
              `SELECT session, snippet(fts, 2, '«', '»', '…', 12) FROM fts WHERE fts MATCH '${term}' ORDER BY rank LIMIT 20;`,
            ])
          ),
      )
      : [NaN];
    const ms = (values: number[]) => (median(values) * 1000).toFixed(0);
    rows.push([`${term} (${(share * 100).toFixed(1)} % of events)`, ms(warm), ms(cold), ms(rg), ms(sqlite)]);
  }
  await stopOwner(store);

  console.log(
    `\n| search, p50 of ${RUNS} fresh processes, ms | cru (owner running) | cru (no owner yet) | rg -l | sqlite3 FTS5 top-20 |`,
  );
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log(`\n| build the index from the text | cru session reindex | sqlite3 FTS5 build |`);
  console.log("|---|---|---|");
  console.log(
    `| ${EVENTS} events | ${reindex.toFixed(1)} s (${Math.round(EVENTS / reindex)} events/s) | ${
      ftsBuild.toFixed(1)
    } s |`,
  );
  console.log(`\nindex owner peak RSS during reindex: ${peak === undefined ? "n/a" : `${peak.toFixed(0)} MB`}`);
} finally {
  await stopOwner(store).catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
// The index client's module graph does not keep the process alive, but be explicit.
process.exit(0);
