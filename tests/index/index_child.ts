/**
 * Runs a scripted session with a real index in its own process, prints one
 * JSON document on stdout, and exits explicitly (the engine would keep the
 * process alive). The index tests spawn it, so that no test runner loads the
 * engine itself.
 *
 * Usage: `<runtime> tests/index/index_child.ts '<program JSON>'` where the
 * program is {@linkcode Program}. Writes `opened` on stderr once the index is open.
 *
 * @module
 */
import process from "node:process";
import { openIndex, type SessionIndex } from "../../src/index/mod.ts";
import { connectSurreal } from "../../src/index/connect.ts";

/** A call on the index, or a pause. */
export type Step =
  | { op: "replaceLog" | "appendEvents" | "removeLogs" | "removeSession" | "search" | "listSessions"; args: unknown[] }
  | { op: "fingerprints" | "clear" }
  | { op: "sleep"; ms: number };

/** What the child does. */
export interface Program {
  url: string;
  timeoutMs?: number;
  /** SurrealQL run on a bare connection instead of opening the index (to tamper with it). */
  raw?: string;
  steps?: Step[];
  /** Close the index before exiting. */
  close?: boolean;
}

/** One step's outcome. */
export type Outcome = { ok: true; value: unknown; ms: number } | { ok: false; error: ErrorInfo; ms: number };

/** An error as the parent sees it. */
export interface ErrorInfo {
  name: string;
  code?: string;
  message: string;
}

/** What the child prints. */
export interface Report {
  openMs: number;
  schema?: string;
  open?: ErrorInfo;
  steps: Outcome[];
}

function info(error: unknown): ErrorInfo {
  const e = error as Error & { code?: string };
  return { name: e?.name ?? "Error", code: e?.code, message: e?.message ?? String(error) };
}

async function main(program: Program): Promise<Report> {
  const started = performance.now();
  if (program.raw !== undefined) {
    const db = await connectSurreal({ url: program.url, timeoutMs: program.timeoutMs });
    const value = await db.query(program.raw).collect();
    return { openMs: performance.now() - started, steps: [{ ok: true, value, ms: 0 }] };
  }
  let index: SessionIndex;
  try {
    index = await openIndex({ url: program.url, timeoutMs: program.timeoutMs });
  } catch (error) {
    return { openMs: performance.now() - started, open: info(error), steps: [] };
  }
  const report: Report = { openMs: performance.now() - started, schema: index.schema, steps: [] };
  process.stderr.write("opened\n");
  for (const step of program.steps ?? []) {
    const t0 = performance.now();
    try {
      let value: unknown;
      if (step.op === "sleep") await new Promise((resolve) => setTimeout(resolve, step.ms));
      else if (step.op === "fingerprints") value = Object.fromEntries(await index.fingerprints());
      else if (step.op === "clear") await index.clear();
      else {
        // deno-lint-ignore no-explicit-any -- the program is data from the parent test
        const method = index[step.op] as (...args: any[]) => Promise<unknown>;
        value = await method.apply(index, "args" in step ? step.args : []);
      }
      report.steps.push({ ok: true, value, ms: performance.now() - t0 });
    } catch (error) {
      report.steps.push({ ok: false, error: info(error), ms: performance.now() - t0 });
    }
  }
  if (program.close) await index.close();
  return report;
}

try {
  const report = await main(JSON.parse(process.argv[2]) as Program);
  process.stdout.write(JSON.stringify(report) + "\n");
  process.exit(0);
} catch (error) {
  process.stdout.write(JSON.stringify({ crashed: info(error) }) + "\n");
  process.exit(1);
}
