/**
 * Benchmark: `cru session import` of a large agent transcript. Writes a Claude
 * Code JSONL of the given size (1 GB by default) in a temp folder, imports it
 * with the CLI as a child process, imports it again (nothing new: the re-read
 * path), and prints the time and the peak RSS of the importing process, measured
 * by `/usr/bin/time -v` (or, without it, by sampling /proc/<pid>/status).
 *
 *   bun scripts/bench_import.ts [--gb 1] [--keep]
 *   deno run -A scripts/bench_import.ts --gb 0.25
 *   CRU_BIN=dist/cru bun scripts/bench_import.ts
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../src/runtime/process.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const TARGET_BYTES = Math.round(option("--gb", 1) * 1024 ** 3);
const KEEP = args.includes("--keep");
const RSS_TARGET_MB = 300;
const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const TIME = "/usr/bin/time";

const root = mkdtempSync(join(tmpdir(), "cru-bench-import-"));
try {
  const source = join(root, "session.jsonl");
  const started = performance.now();
  const lines = writeTranscript(source, TARGET_BYTES);
  const size = statSync(source).size;
  console.log(
    `wrote ${source}: ${(size / 1024 ** 2).toFixed(0)} MB, ${lines} lines in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
  const dir = join(root, ".crucible");
  const cru = process.env.CRU_BIN ? [process.env.CRU_BIN] : scriptCommand(MAIN);
  console.log(`importing with: ${cru.join(" ")}`);
  console.log(`| run                | seconds | MB/s  | peak RSS MB | events written |`);
  console.log(`|--------------------|---------|-------|-------------|----------------|`);
  const peaks: number[] = [];
  for (const name of ["first import", "re-import (no new)"]) {
    const run = await measure([...cru, "session", "import", source, "--json", "--dir", dir]);
    if (run.code !== 0) throw new Error(`import exited ${run.code}: ${run.stderr.slice(-2000)}`);
    const report = JSON.parse(run.stdout) as { events: number };
    peaks.push(run.peakMb);
    console.log(
      `| ${name.padEnd(18)} | ${run.seconds.toFixed(1).padStart(7)} | ${
        (size / 1024 ** 2 / run.seconds).toFixed(1).padStart(5)
      } | ${run.peakMb.toFixed(0).padStart(11)} | ${String(report.events).padStart(14)} |`,
    );
  }
  const sessions = join(dir, "sessions");
  const logBytes = readdirSync(sessions).flatMap((id) =>
    readdirSync(join(sessions, id)).filter((name) => name.endsWith(".md")).map((name) => join(sessions, id, name))
  ).reduce((sum, file) => sum + statSync(file).size, 0);
  console.log(`markdown written: ${(logBytes / 1024 ** 2).toFixed(0)} MB`);
  const worst = Math.max(...peaks);
  console.log(
    `peak RSS ${worst.toFixed(0)} MB: ${worst < RSS_TARGET_MB ? "within" : "OVER"} the ${RSS_TARGET_MB} MB target`,
  );
  if (KEEP) console.log(`kept ${root}`);
} finally {
  if (!KEEP) rmSync(root, { recursive: true, force: true });
}

/** Writes a Claude Code transcript of about `target` bytes: turns with thinking, text and tool calls. */
function writeTranscript(path: string, target: number): number {
  const fd = openSync(path, "w");
  const words = ("the build fails because the cache key ignores the lockfile so we hash it and retry the job " +
    "then check the logs for flaky tests and compare timings across runs before and after the change").split(" ");
  const text = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => words[(seed * 7 + i * 13) % words.length]).join(" ");
  let bytes = 0;
  let count = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const write = (record: Record<string, unknown>) => {
    const line = JSON.stringify({ sessionId: "bench-session", cwd: "/work/app", version: "2.0.0", ...record }) + "\n";
    pending.push(line);
    pendingBytes += line.length;
    count++;
    if (pendingBytes > 1 << 20) flush();
  };
  const flush = () => {
    const chunk = pending.join("");
    bytes += writeSync(fd, chunk);
    pending = [];
    pendingBytes = 0;
  };
  const base = Date.UTC(2025, 0, 1);
  for (let turn = 0; bytes + pendingBytes < target; turn++) {
    const time = (s: number) => new Date(base + turn * 60_000 + s * 1000).toISOString();
    write({ type: "user", timestamp: time(0), message: { role: "user", content: `turn ${turn}: ${text(40, turn)}` } });
    write({
      type: "assistant",
      timestamp: time(2),
      message: { role: "assistant", content: [{ type: "thinking", thinking: text(120, turn + 1) }] },
    });
    write({
      type: "assistant",
      timestamp: time(3),
      message: {
        role: "assistant",
        content: [{
          type: "tool_use",
          id: `t${turn}`,
          name: "Bash",
          input: { command: `npm test -- --shard ${turn}` },
        }],
      },
    });
    write({
      type: "user",
      timestamp: time(9),
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: `t${turn}`, content: text(400, turn + 2) }],
      },
    });
    write({
      type: "assistant",
      timestamp: time(10),
      message: { role: "assistant", content: [{ type: "text", text: text(200, turn + 3) }] },
    });
  }
  flush();
  closeSync(fd);
  return count;
}

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakMb: number;
}

/** Runs a command, timing it and taking the peak RSS of the process. */
function measure(command: string[]): Promise<Measured> {
  const useTime = existsSync(TIME);
  const argv = useTime ? [TIME, "-v", ...command] : command;
  const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  let sampledKb = 0;
  const sampler = useTime ? undefined : setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      sampledKb = Math.max(sampledKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // ended
    }
  }, 50);
  const start = performance.now();
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(sampler);
      const seconds = (performance.now() - start) / 1000;
      let peakKb = sampledKb;
      if (useTime) {
        peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
        stderr = stderr.slice(0, stderr.lastIndexOf("\tCommand being timed:"));
      }
      resolve({ code, stdout, stderr, seconds, peakMb: peakKb / 1024 });
    });
  });
}
