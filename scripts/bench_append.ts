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

  // cru and raw take turns in rounds, so both see the same disk (fsync latency drifts on VMs).
  const cru = open({ dir: join(root, ".crucible") });
  const session = await cru.openSession({ type: "agent", title: "bench" });
  const rawFile = join(root, "raw.md");
  const cruLatencies: number[] = [];
  const rawLatencies: number[] = [];
  let cruMs = 0;
  let rawMs = 0;
  const ROUNDS = 10;
  const perRound = Math.ceil(EVENTS / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const from = round * perRound;
    const to = Math.min(EVENTS, from + perRound);
    const sizeBefore = statSync((await session.read()).files[0]).size;
    let t0 = performance.now();
    for (let n = from; n < to; n++) {
      const t = performance.now();
      await session.append({ role: n % 2 ? "assistant" : "user", content: contents[n] });
      cruLatencies.push(performance.now() - t);
    }
    cruMs += performance.now() - t0;
    // The same bytes this round appended, split into as many writes.
    const logFile = (await session.read()).files[0];
    const added = readFileSync(logFile).subarray(sizeBefore);
    const chunks = splitBytes(added, to - from);
    t0 = performance.now();
    for (const chunk of chunks) {
      const t = performance.now();
      const fd = openSync(rawFile, "a");
      writeSync(fd, chunk);
      fsyncSync(fd);
      closeSync(fd);
      rawLatencies.push(performance.now() - t);
    }
    rawMs += performance.now() - t0;
  }
  const cruSeconds = cruMs / 1000;
  const rawSeconds = rawMs / 1000;
  const logBytes = statSync((await session.read()).files[0]).size;

  const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? "deno" : "bun";
  const row = (name: string, seconds: number, latencies: number[]) =>
    `| ${name.padEnd(34)} | ${String(Math.round(EVENTS / seconds)).padStart(8)} | ${
      quantile(latencies, 0.5).toFixed(3).padStart(8)
    } | ${quantile(latencies, 0.99).toFixed(3).padStart(8)} |`;
  console.log(`durable appends: ${EVENTS} events of ~${BYTES} B (${(logBytes / 1e6).toFixed(1)} MB log), ${runtime}`);
  console.log(`| ${"what".padEnd(34)} | events/s | p50 ms   | p99 ms   |`);
  console.log(`|${"-".repeat(36)}|----------|----------|----------|`);
  console.log(row("cru library, default plugins on", cruSeconds, cruLatencies));
  console.log(row("raw open+append+fsync+close", rawSeconds, rawLatencies));
  console.log(`cru / raw time: ${(cruSeconds / rawSeconds).toFixed(2)}x (target <= 2x)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Splits bytes into `count` nearly equal pieces. */
function splitBytes(bytes: Uint8Array, count: number): Uint8Array[] {
  return Array.from(
    { length: count },
    (_, i) => bytes.subarray(Math.floor((i * bytes.length) / count), Math.floor(((i + 1) * bytes.length) / count)),
  );
}
