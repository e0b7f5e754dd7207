/**
 * Test helpers: run `index_child.ts` in a child process with the runtime
 * running the tests, bounded in time, and build logs to feed it.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { IndexedEvent, IndexedLog } from "../../src/index/mod.ts";
import type { Outcome, Program, Report } from "./index_child.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./index_child.ts", import.meta.url));

/** A running child: its report, and a promise that settles when it says it opened the index. */
export interface Child {
  report: Promise<Report>;
  opened: Promise<void>;
}

/** Starts the child; rejects if it runs longer than `timeoutMs` (it is then killed) or crashes. */
export function startChild(program: Program, timeoutMs = 60_000): Child {
  const deno = "Deno" in globalThis;
  const args = deno ? ["run", "-A", CHILD, JSON.stringify(program)] : [CHILD, JSON.stringify(program)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let markOpened: () => void = () => {};
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    if (stderr.includes("opened\n")) markOpened();
  });
  const report = new Promise<Report>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the index child hung for ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(stdout) as Report & { crashed?: unknown };
        if (parsed.crashed) throw new Error(`the index child crashed: ${JSON.stringify(parsed.crashed)}`);
        resolve(parsed);
      } catch (error) {
        reject(new Error(`the index child exited with ${code}: ${(error as Error).message}\n${stdout}\n${stderr}`));
      }
    });
  });
  return { report, opened };
}

/** Runs the child to its end. */
export function runChild(program: Program, timeoutMs?: number): Promise<Report> {
  return startChild(program, timeoutMs).report;
}

/** The value of a step that must have succeeded. */
export function valueOf<T>(outcome: Outcome | undefined): T {
  if (!outcome) throw new Error("missing step outcome");
  if (!outcome.ok) throw new Error(`step failed: ${outcome.error.name}: ${outcome.error.message}`);
  return outcome.value as T;
}

/** Makes a temp dir, runs `fn` with it, removes it. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cru-index-test-"));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The embedded URL of a test index in `dir`. */
export function urlIn(dir: string): string {
  return `rocksdb://${join(dir, "index")}?sync=never`;
}

/** A log for tests: `events` are contents (or partial events), one minute apart from `started`. */
export function makeLog(
  sessionId: string,
  name: string,
  events: Array<string | Partial<IndexedEvent>>,
  extra: Partial<IndexedLog> = {},
): IndexedLog {
  const started = extra.started ?? "2024-01-15T10:00:00Z";
  const base = Date.parse(started);
  return {
    file: `/store/sessions/${sessionId}/${name}.md`,
    sessionId,
    sessionType: sessionId.slice(0, sessionId.indexOf("-")),
    title: null,
    ended: null,
    fingerprint: { size: 100, mtimeMs: base, hash: `${sessionId}/${name}` },
    ...extra,
    started,
    events: events.map((event, seq) => ({
      seq,
      role: "user",
      at: new Date(base + seq * 60_000).toISOString().replace(".000Z", "Z"),
      ...(typeof event === "string" ? { content: event } : { content: "", ...event }),
    })),
  };
}
