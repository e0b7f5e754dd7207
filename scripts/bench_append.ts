/**
 * Benchmark: durable append throughput and latency through the library, beside
 * raw append + fsync of the same bytes, measured in the same run.
 *
 *   bun scripts/bench_append.ts [--events 10000] [--bytes 200]
 *   deno run -A scripts/bench_append.ts
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "../mod.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EVENTS = option("--events", 10_000);
const BYTES = option("--bytes", 200);

const root = mkdtempSync(join(tmpdir(), "cru-bench-"));
try {
  const contents = Array.from({ length: EVENTS }, (_, n) => `event ${n} `.padEnd(BYTES, "lorem ipsum dolor sit amet "));

  const cru = open({ dir: join(root, ".crucible") });
  const session = await cru.openSession({ type: "agent", title: "bench" });
  const cruLatencies: number[] = [];
  const cruStart = performance.now();
  for (let n = 0; n < EVENTS; n++) {
    const t = performance.now();
    await session.append({ role: n % 2 ? "assistant" : "user", content: contents[n] });
    cruLatencies.push(performance.now() - t);
  }
  const cruSeconds = (performance.now() - cruStart) / 1000;
  const logFile = (await session.read()).files[0];
  const logBytes = statSync(logFile).size;

  // The same bytes, split the same way, appended raw: open, write, fsync, close per event.
  const text = readFileSync(logFile, "utf8");
  const chunks = splitLikeAppends(text, EVENTS);
  const rawFile = join(root, "raw.md");
  const rawLatencies: number[] = [];
  const rawStart = performance.now();
  for (const chunk of chunks) {
    const t = performance.now();
    const fd = openSync(rawFile, "a");
    writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    rawLatencies.push(performance.now() - t);
  }
  const rawSeconds = (performance.now() - rawStart) / 1000;

  const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? "deno" : "bun";
  const row = (name: string, seconds: number, latencies: number[]) =>
    `| ${name.padEnd(34)} | ${String(Math.round(EVENTS / seconds)).padStart(8)} | ${
      quantile(latencies, 0.5).toFixed(3).padStart(8)
    } | ${quantile(latencies, 0.99).toFixed(3).padStart(8)} |`;
  console.log(`durable appends: ${EVENTS} events of ~${BYTES} B (${(logBytes / 1e6).toFixed(1)} MB log), ${runtime}`);
  console.log(`| ${"what".padEnd(34)} | events/s | p50 ms   | p99 ms   |`);
  console.log(`|${"-".repeat(36)}|----------|----------|----------|`);
  console.log(row("cru library (session.append)", cruSeconds, cruLatencies));
  console.log(row("raw open+append+fsync+close", rawSeconds, rawLatencies));
  console.log(`cru / raw time: ${(cruSeconds / rawSeconds).toFixed(2)}x (target <= 2x)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Splits the log's body into `count` pieces at event boundaries, as the appends wrote it. */
function splitLikeAppends(text: string, count: number): string[] {
  const body = text.slice(text.indexOf("\n## "));
  const pieces = body.split(/(?=\n\*\*(?:User|Assistant):\*\*)/);
  const merged = [pieces[0] + (pieces[1] ?? ""), ...pieces.slice(2)];
  return merged.length === count
    ? merged
    : Array.from({ length: count }, (_, i) =>
      body.slice(Math.floor(i * body.length / count), Math.floor((i + 1) * body.length / count)));
}
