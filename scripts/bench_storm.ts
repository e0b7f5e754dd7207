/**
 * Benchmark: search latency while many processes append at once (a "storm"),
 * beside the same search on an idle store, and the index's disk use beside the
 * markdown's. Each writer is its own process appending through the library
 * (which tells the index owner what changed); searches run through `cru`
 * (the binary when `CRU_BIN` is set) one after another during the storm.
 *
 *   bun scripts/bench_storm.ts [--writers 50] [--appends 40] [--bytes 300] [--searchers 1] [--keep]
 *
 * The fault suite (`tests/faults/storm_faults.ts`) runs a smaller storm through
 * {@linkcode runStorm} and checks every answer came within the client's bound.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { open } from "../mod.ts";
import { IndexLink } from "../src/index_service/index_link.ts";
import { indexConnection } from "../src/index_service/index_settings.ts";
import { scriptCommand } from "../src/runtime/process.ts";
import { cruCommand, runCru } from "../tests/_helpers/run_cru.ts";
import { stopOwner } from "../tests/faults/_faults.ts";

const APPEND_LOOP = fileURLToPath(new URL("../tests/_helpers/append_loop.ts", import.meta.url));

/** Options of {@linkcode runStorm}. */
export interface StormOptions {
  /** The store (a folder that may not exist yet). */
  dir: string;
  writers: number;
  appends: number;
  bytes: number;
  /** Search loops running during the storm. */
  searchers: number;
  /** Idle searches before the storm. */
  idleSearches?: number;
  /** Environment of the `cru` runs (owner knobs). */
  env?: Record<string, string>;
}

/** What a storm measured. */
export interface StormReport {
  acked: number;
  /** Events the search found after the storm (must equal `acked`). */
  found: number;
  idleMs: number[];
  stormMs: number[];
  /** The same search asked by a client inside this process (no process start): the owner's own latency. */
  clientMs: number[];
  /** Searches that failed during the storm, with their stderr. */
  failures: string[];
  stormSeconds: number;
  markdownBytes: number;
  indexBytes: number;
  /** The index after its owner stopped (it compacts then). */
  compactedIndexBytes: number;
}

/** Every writer's events hold this word; the searches look for it. */
const WORD = "storm";

/** Runs a storm on `options.dir` and measures it. */
export async function runStorm(options: StormOptions): Promise<StormReport> {
  const { dir, writers, appends, bytes } = options;
  const cru = open({ dir, plugins: [], userPlugins: false });
  const ids: string[] = [];
  for (let w = 0; w < writers; w++) ids.push((await cru.newSession({ type: "agent", title: `writer ${w}` })).id);
  const search = async () => {
    const started = performance.now();
    const run = await runCru(["session", "search", WORD, "--limit", "5", "--json", "--dir", dir], {
      env: options.env,
      timeoutMs: 180_000,
    });
    const ms = performance.now() - started;
    return { ms, run, total: run.code === 0 ? (JSON.parse(run.stdout) as { total: number }).total : -1 };
  };
  // The owner starts and reads the store; then idle searches measure the warm path.
  await search();
  const idleMs: number[] = [];
  for (let n = 0; n < (options.idleSearches ?? 5); n++) idleMs.push((await search()).ms);

  const started = performance.now();
  let acked = 0;
  let running = writers;
  const finished = ids.map((id, w) =>
    new Promise<void>((resolve, reject) => {
      const [command, ...prefix] = scriptCommand(APPEND_LOOP);
      const child = spawn(command, [...prefix, dir, id, `${WORD} w${w}`, String(appends), String(bytes)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (acked += chunk.split("acked").length - 1));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("close", (code) => {
        running--;
        if (code === 0) resolve();
        else reject(new Error(`writer ${w} exited ${code}: ${stderr}`));
      });
    })
  );
  const stormMs: number[] = [];
  const clientMs: number[] = [];
  const failures: string[] = [];
  const link = new IndexLink({ root: dir, connection: indexConnection(dir) });
  const direct = (async () => {
    while (running > 0) {
      const t = performance.now();
      try {
        await link.request("search", { query: WORD, filters: { limit: 5 } });
      } catch (error) {
        failures.push(`in-process client: ${(error as Error).message}`);
      }
      clientMs.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const searchers = Array.from({ length: options.searchers }, async () => {
    while (running > 0) {
      const { ms, run } = await search();
      stormMs.push(ms);
      if (run.code !== 0) failures.push(run.stderr.trim());
    }
  });
  await Promise.all([...finished, ...searchers, direct]);
  const stormSeconds = (performance.now() - started) / 1000;
  const after = await search();
  const markdownBytes = folderBytes(join(dir, "sessions"));
  const indexBytes = folderBytes(join(dir, "index", "db"));
  await stopOwner(dir, 120_000);
  const compactedIndexBytes = folderBytes(join(dir, "index", "db"));
  return {
    acked,
    found: after.total,
    idleMs,
    stormMs,
    clientMs,
    failures,
    stormSeconds,
    markdownBytes,
    indexBytes,
    compactedIndexBytes,
  };
}

/** The `p`-th percentile (0–100) of `values`, ms rounded. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

/** Bytes of the files under `dir`. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const root = mkdtempSync(join(tmpdir(), "cru-storm-"));
  try {
    const writers = option("--writers", 50);
    const appends = option("--appends", 40);
    const report = await runStorm({
      dir: join(root, ".crucible"),
      writers,
      appends,
      bytes: option("--bytes", 300),
      searchers: option("--searchers", 1),
      idleSearches: 10,
    });
    const kb = (n: number) => `${Math.round(n / 1024)} KB`;
    console.log(`cru: ${cruCommand().join(" ")}`);
    console.log(
      `storm: ${writers} writers × ${appends} appends in ${report.stormSeconds.toFixed(1)} s: ` +
        `${report.acked} acknowledged, ${report.found} found by search afterwards`,
    );
    console.log(
      `search idle:        p50 ${percentile(report.idleMs, 50)} ms, p99 ${percentile(report.idleMs, 99)} ms ` +
        `(${report.idleMs.length} searches)`,
    );
    console.log(
      `search during storm: p50 ${percentile(report.stormMs, 50)} ms, p99 ${percentile(report.stormMs, 99)} ms, ` +
        `max ${
          percentile(report.stormMs, 100)
        } ms (${report.stormMs.length} searches, ${report.failures.length} failed)`,
    );
    console.log(
      `  the owner's part: p50 ${percentile(report.clientMs, 50)} ms, p99 ${percentile(report.clientMs, 99)} ms, ` +
        `max ${percentile(report.clientMs, 100)} ms (${report.clientMs.length} searches from a client in this process)`,
    );
    console.log(
      `disk: markdown ${kb(report.markdownBytes)}, index ${kb(report.indexBytes)} after the storm ` +
        `(${(report.indexBytes / report.markdownBytes).toFixed(1)}×), ${kb(report.compactedIndexBytes)} compacted ` +
        `(${(report.compactedIndexBytes / report.markdownBytes).toFixed(1)}×)`,
    );
    for (const failure of report.failures.slice(0, 3)) console.log(`failed search: ${failure}`);
  } finally {
    if (args.includes("--keep")) console.log(`kept the store: ${join(root, ".crucible")}`);
    else rmSync(root, { recursive: true, force: true });
  }
}
