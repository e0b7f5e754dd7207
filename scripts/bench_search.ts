/**
 * Benchmark: search, reindex, start-up and appends at scale, beside ripgrep,
 * SQLite FTS5 and a compiled hello-world doing the same work on the same text,
 * measured in the same run (ratios hold on a noisy machine; absolute times do not).
 *
 *   bun scripts/bench_search.ts [--events 100000] [--million] [--runs 5]
 *
 * Generates a store (50 events per log file, ~28 words an event from a
 * Zipf-like vocabulary, marker terms in 0.1 %, 1 %, 5 % and 20 % of events),
 * then with the compiled `dist/cru` (built if missing):
 * - search: a fresh `cru session search` process per query, p50 over runs, with
 *   an index owner running, and (for the smaller size) with none running;
 * - `rg -l TERM` over the sessions folder; a top-20 FTS5 query from a fresh
 *   `sqlite3` process;
 * - reindex from markdown beside an FTS5 build of the same text; the owner's
 *   peak RSS; the index's size on disk beside the FTS5 database's;
 * - the start-up sweep (as the owner logs it);
 * - `cru --version` beside a compiled Bun hello-world, and `cru session append`
 *   with an owner running beside `rg --version`.
 * Needs `rg` and `sqlite3` (Debian: ripgrep, sqlite3).
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { renderLog } from "../src/format/render_log.ts";
import type { SessionEvent } from "../src/model/event.ts";
import { IndexClient } from "../src/index_service/index_client.ts";
import { ownerLogPath, ownerSocketPath } from "../src/index_service/owner_paths.ts";

const args = process.argv.slice(2);
const flag = (
  name: string,
  fallback: number,
) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const EVENTS = args.includes("--million") ? 1_000_000 : flag("--events", 100_000);
const RUNS = flag("--runs", 5);
const ROOT = resolve(new URL("..", import.meta.url).pathname);
const CRU = join(ROOT, "dist", "cru");
const BUN = join(ROOT, "node_modules", ".bin", "bun");
/** Marker terms and the share of events that contain each. */
const TERMS: [string, number][] = [["quasar", 0.001], ["nebula", 0.01], ["galaxy", 0.05], ["comet", 0.2]];
const TWO_WORDS = "nebula galaxy";

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
  if (result.status !== 0 && !(command === "rg" && result.status === 1)) {
    throw new Error(`${command} ${commandArgs.join(" ")} failed: ${result.stderr}`);
  }
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
      const started = new Date(Date.UTC(2024, 0, 1) + s * 3_600_000 + l * 600_000).toISOString()
        .replace(/\.\d{3}Z$/, "Z");
      const events: SessionEvent[] = [];
      for (let e = 0; e < eventsPerLog && made < EVENTS; e++, made++) {
        // Varied lengths, so ranking has something to rank.
        const words = Array.from({ length: 8 + Math.floor(next() * 40) }, word);
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
  await client.request("stop", {}).catch(() => {});
  client.close();
  for (let i = 0; i < 600 && existsSync(ownerSocketPath(store)); i++) await new Promise((r) => setTimeout(r, 50));
  // The owner compacts and closes after it stops listening: wait for its lock to go too.
  for (let i = 0; i < 600 && ownerRunning(store); i++) await new Promise((r) => setTimeout(r, 50));
}

function ownerPids(store: string): string[] {
  if (!existsSync(ownerLogPath(store))) return [];
  return [...readFileSync(ownerLogPath(store), "utf8").matchAll(/\[(\d+)\] serving/g)].map((m) => m[1]);
}

function ownerRunning(store: string): boolean {
  const pid = ownerPids(store).at(-1);
  return pid !== undefined && existsSync(`/proc/${pid}`);
}

function ownerPeakMb(store: string): number | undefined {
  const status = `/proc/${ownerPids(store).at(-1)}/status`;
  if (!existsSync(status)) return undefined;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, "utf8"));
  return match ? Number(match[1]) / 1024 : undefined;
}

function duBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + duBytes(join(path, name)), 0);
}

const ms = (values: number[]) => (median(values) * 1000).toFixed(0);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

if (!existsSync(CRU)) run(BUN, [join(ROOT, "scripts", "build.ts")]);
for (const tool of ["rg", "sqlite3"]) if (!has(tool)) throw new Error(`${tool} is needed (Debian: ripgrep, sqlite3)`);
const work = mkdtempSync(join(tmpdir(), "cru-bench-search-"));
const store = join(work, ".crucible");
const env = { CRU_INDEX_IDLE_MS: "600000" };
try {
  const tsv = join(work, "events.tsv");
  let corpus = { files: 0, bytes: 0 };
  const generated = seconds(() => (corpus = generate(store, tsv)));
  console.log(
    `corpus: ${EVENTS} events in ${corpus.files} log files, ${mb(corpus.bytes)} of markdown, ` +
      `generated in ${generated.toFixed(1)} s`,
  );

  const reindex = seconds(() => run(CRU, ["session", "reindex", "--json", "--dir", store], { env }));
  const peak = ownerPeakMb(store);
  const fts = join(work, "fts.db");
  const ftsBuild = seconds(() =>
    run("sqlite3", [fts], {
      input: `.mode tabs\nCREATE TABLE staging(session, at, content);\n.import ${tsv} staging\n` +
        `CREATE VIRTUAL TABLE fts USING fts5(session UNINDEXED, at UNINDEXED, content);\n` +
        `INSERT INTO fts SELECT session, at, content FROM staging;\nDROP TABLE staging;\nVACUUM;\n`,
    })
  );
  await stopOwner(store); // the owner compacts the database as it stops: measure the size after that
  const indexBytes = duBytes(join(store, "index", "db"));
  const ftsBytes = duBytes(fts);

  const queries: [string, string][] = [
    ...TERMS.map(([term, share]): [string, string] => [`${term} (${(share * 100).toFixed(1)} % of events)`, term]),
    [`"${TWO_WORDS}" (two words, both must match)`, TWO_WORDS],
  ];
  const rows: string[][] = [];
  const coldRuns = Math.min(RUNS, 3);
  for (const [label, query] of queries) {
    const cold: number[] = [];
    if (EVENTS <= 200_000) {
      for (let i = 0; i < coldRuns; i++) {
        await stopOwner(store);
        cold.push(seconds(() => run(CRU, ["session", "search", query, "--json", "--dir", store], { env })));
      }
    }
    run(CRU, ["session", "search", query, "--json", "--dir", store], { env }); // the owner is up
    const warm: number[] = [];
    const rg: number[] = [];
    const sqlite: number[] = [];
    const ftsQuery = query.split(" ").join(" AND ");
    for (let i = 0; i < RUNS; i++) {
      warm.push(seconds(() => run(CRU, ["session", "search", query, "--json", "--dir", store], { env })));
      // rg has no "all of these words in one event": for two words it looks for the first only.
      rg.push(seconds(() => run("rg", ["-l", query.split(" ")[0], join(store, "sessions")])));
      sqlite.push(seconds(() =>
        run("sqlite3", [
          fts,
          `SELECT session, snippet(fts, 2, '«', '»', '…', 12) FROM fts WHERE fts MATCH '${ftsQuery}' ` +
          `ORDER BY rank LIMIT 20;`,
        ])
      ));
    }
    const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
    rows.push([
      label,
      ms(warm),
      cold.length ? ms(cold) : "—",
      ms(rg),
      ms(sqlite),
      `${ratio(warm, rg)}×`,
      `${ratio(warm, sqlite)}×`,
      cold.length ? `${ratio(cold, rg)}×` : "—",
    ]);
  }
  const sweep = [...readFileSync(ownerLogPath(store), "utf8").matchAll(/start-up sweep of (\d+) logs took (\d+) ms/g)]
    .at(-1);

  // Start-up and appends: cru --version beside a compiled hello-world; appends with an owner running.
  const hello = join(work, "hello");
  writeFileSync(`${hello}.ts`, 'console.log("0.1.0");\n');
  run(BUN, ["build", "--compile", `${hello}.ts`, "--outfile", hello]);
  const version: number[] = [];
  const helloTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    version.push(seconds(() => run(CRU, ["--version"])));
    helloTimes.push(seconds(() => run(hello, [])));
  }
  const id = run(CRU, ["session", "new", "--type", "agent", "--dir", store], { env }).trim();
  const append: number[] = [];
  const rgVersion: number[] = [];
  for (let i = 0; i < 20; i++) {
    append.push(
      seconds(() =>
        run(CRU, ["session", "append", id, "--role", "thought", `step ${i} nebula`, "--dir", store], { env })
      ),
    );
    rgVersion.push(seconds(() => run("rg", ["--version"])));
  }
  await stopOwner(store);

  console.log(`\n## ${EVENTS.toLocaleString("en")} events\n`);
  console.log(
    `| search, p50 of ${RUNS} fresh processes, ms | cru, owner running | cru, no owner | rg -l | sqlite3 FTS5 top-20 | ` +
      `cru/rg | cru/sqlite3 | no owner/rg |`,
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log(`\n| measure | cru | peer | ratio |`);
  console.log("|---|---|---|---|");
  console.log(
    `| reindex (events/s) | ${reindex.toFixed(1)} s (${Math.round(EVENTS / reindex)}/s) | FTS5 build ` +
      `${ftsBuild.toFixed(1)} s | ${(reindex / ftsBuild).toFixed(2)}× |`,
  );
  console.log(
    `| index on disk | ${mb(indexBytes)} | FTS5 database ${mb(ftsBytes)} | ${(indexBytes / ftsBytes).toFixed(2)}× |`,
  );
  console.log(`| owner peak RSS during reindex | ${peak === undefined ? "n/a" : `${peak.toFixed(0)} MB`} | — | |`);
  console.log(
    `| start-up sweep | ${sweep ? `${sweep[2]} ms for ${sweep[1]} logs` : "n/a"} | — | |`,
  );
  console.log(
    `| \`cru --version\`, p50 of 10 | ${ms(version)} ms | compiled hello-world ${ms(helloTimes)} ms | ` +
      `${(median(version) / median(helloTimes)).toFixed(2)}× |`,
  );
  console.log(
    `| \`cru session append\`, owner running, p50 of 20 | ${ms(append)} ms | \`rg --version\` ${ms(rgVersion)} ms | ` +
      `${(median(append) / median(rgVersion)).toFixed(2)}× |`,
  );
} finally {
  await stopOwner(store).catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
