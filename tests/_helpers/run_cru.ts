/**
 * Test helper: runs `cru` as a user would — the compiled binary when `CRU_BIN`
 * is set, else `src/cli/main.ts` with the runtime running the tests.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../../src/runtime/process.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** What a run printed and how it exited. */
export interface CruRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runCru}. */
export interface RunCruOptions {
  cwd?: string;
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** Kill the run after this long (default 180 s, room for a loaded machine): a hang fails the test, not the suite. */
  timeoutMs?: number;
}

/** The argv prefix that starts cru. */
export function cruCommand(): string[] {
  const binary = process.env.CRU_BIN;
  return binary ? [binary] : scriptCommand(MAIN);
}

/** Runs cru with `args` and collects its output. */
export function runCru(args: string[], options: RunCruOptions = {}): Promise<CruRun> {
  const [command, ...prefix] = cruCommand();
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(command, [...prefix, ...args], { cwd: options.cwd, env: env as Record<string, string> });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs cru and parses its `--json` output, failing loudly when it did not succeed. */
export async function cruJson<T = Record<string, unknown>>(args: string[], options: RunCruOptions = {}): Promise<T> {
  const run = await runCru([...args, "--json"], options);
  if (run.code !== 0) throw new Error(`cru ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
