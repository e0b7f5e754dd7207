/**
 * Benchmark: how fast `cru watch` takes in a transcript that grows, and what it
 * costs while idle. Starts `cru watch --json` on a temporary home folder, then
 *
 * - appends Claude Code-shaped lines to one transcript in bursts (as an agent
 *   writing fast would) and measures events imported per second, from the
 *   first write until the watcher has reported every event, with the lag of
 *   the last event and the watcher's peak RSS;
 * - then appends single lines, one every 100 ms, to the now large transcript and
 *   measures the lag from each write until the watcher reports it;
 * - leaves it idle and measures its CPU time over `--idle-seconds` (default 30),
 *   from /proc/<pid>/stat (Linux).
 *
 *   bun scripts/bench_watch.ts [--events 20000] [--burst 200] [--idle-seconds 30]
 *   CRU_BIN=dist/cru bun scripts/bench_watch.ts
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../src/runtime/process.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EVENTS = option("--events", 20_000);
const BURST = option("--burst", 200);
const IDLE_SECONDS = option("--idle-seconds", 30);
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const root = mkdtempSync(join(tmpdir(), "cru-bench-watch-"));
const home = join(root, "home");
const project = join(home, ".claude", "projects", "-bench");
mkdirSync(project, { recursive: true });
mkdirSync(join(home, ".codex", "sessions"), { recursive: true });
const transcript = join(project, "bench-session.jsonl");

const cru = process.env.CRU_BIN ? [process.env.CRU_BIN] : scriptCommand(MAIN);
const env: Record<string, string> = { ...process.env as Record<string, string>, HOME: home, NO_COLOR: "1" };
delete env.CLAUDE_CONFIG_DIR;
delete env.CODEX_HOME;
delete env.CRU_DIR;
const child = spawn(cru[0], [...cru.slice(1), "watch", "--json", "--dir", join(root, ".crucible")], { env });
let imported = 0;
let lastImportAt = 0;
let buffer = "";
let stderr = "";
child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
  buffer += chunk;
  const lines = buffer.split("\n");
  buffer = lines.pop()!;
  for (const line of lines) {
    const report = JSON.parse(line) as { kind: string; events?: number };
    if (report.kind === "import") {
      imported += report.events ?? 0;
      lastImportAt = performance.now();
    }
  }
});
child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
const pid = child.pid!;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
};
const peakRssMb = () => {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
};

try {
  console.log(`watching with: ${cru.join(" ")} watch`);
  await sleep(3_000); // started and past its first (empty) pass

  let n = 0;
  const line = () => {
    n++;
    const base = {
      sessionId: "bench",
      uuid: `u${n}`,
      timestamp: new Date(Date.UTC(2025, 5, 1) + n * 1000).toISOString(),
    };
    return n % 2 === 1
      ? JSON.stringify({ ...base, type: "user", message: { role: "user", content: `question ${n} about the build` } })
      : JSON.stringify({
        ...base,
        type: "assistant",
        message: { role: "assistant", content: [{ type: "text", text: `answer ${n}: the cache key was stale` }] },
      });
  };
  const start = performance.now();
  let lastWrite = start;
  while (n < EVENTS) {
    const lines: string[] = [];
    for (let i = 0; i < BURST && n < EVENTS; i++) lines.push(line());
    appendFileSync(transcript, `${lines.join("\n")}\n`);
    lastWrite = performance.now();
    await sleep(5);
  }
  const writeSeconds = (lastWrite - start) / 1000;
  const deadline = performance.now() + 600_000;
  while (imported < EVENTS && performance.now() < deadline) await sleep(10);
  if (imported < EVENTS) throw new Error(`only ${imported} of ${EVENTS} events imported in 10 minutes\n${stderr}`);
  const seconds = (lastImportAt - start) / 1000;
  console.log(`| measure                                   | value |`);
  console.log(`|-------------------------------------------|-------|`);
  console.log(`| events written (${BURST} lines per burst)       | ${EVENTS} in ${writeSeconds.toFixed(1)} s |`);
  console.log(`| events taken in per second                | ${Math.round(EVENTS / seconds)} |`);
  console.log(`| lag of the last event after its write     | ${Math.round(lastImportAt - lastWrite)} ms |`);
  const size = statSync(transcript).size / 1024 ** 2;
  const lags: number[] = [];
  for (let i = 0; i < 20; i++) {
    const want = imported + 1;
    const written = performance.now();
    appendFileSync(transcript, `${line()}\n`);
    while (imported < want && performance.now() - written < 60_000) await sleep(2);
    lags.push(lastImportAt - written);
    await sleep(100);
  }
  lags.sort((a, b) => a - b);
  console.log(
    `| one line appended to the ${size.toFixed(0)} MB transcript   | lag median ${Math.round(lags[10])} ms, max ${
      Math.round(lags[19])
    } ms |`,
  );
  console.log(`| peak RSS of the watcher                   | ${peakRssMb().toFixed(0)} MB |`);

  await sleep(2_000); // let it settle (state saved)
  const before = cpuSeconds();
  const idleStart = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const used = cpuSeconds() - before;
  const wall = (performance.now() - idleStart) / 1000;
  console.log(
    `| idle CPU over ${IDLE_SECONDS} s                         | ${(used * 1000).toFixed(0)} ms (${
      (100 * used / wall).toFixed(2)
    } %) |`,
  );
} finally {
  process.kill(pid, "SIGTERM");
  await new Promise((resolve) => child.on("close", resolve));
  rmSync(root, { recursive: true, force: true });
}
