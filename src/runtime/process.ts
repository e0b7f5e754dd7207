/**
 * The process the code runs in: environment, arguments, exit. The only module
 * besides lock_file.ts that touches runtime globals.
 *
 * @module
 */
import nodeProcess from "node:process";
import { homedir } from "node:os";
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import type { Readable, Writable } from "node:stream";

/** An environment variable, or undefined when unset or empty. */
export function env(name: string): string | undefined {
  const value = nodeProcess.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** Sets an environment variable for this process (and the native code in it) unless it is already set. */
export function defaultEnv(name: string, value: string): void {
  nodeProcess.env[name] ??= value;
}

/**
 * Asks the runtime to collect garbage now, where it lets a program ask (Bun),
 * so that memory freed by a large step (writing a segment) goes back before
 * the next one instead of piling up.
 */
export function collectGarbage(): void {
  (globalThis as { Bun?: { gc(full: boolean): void } }).Bun?.gc(true);
}

/** The command-line arguments after the program (and script) name. */
export function commandArgs(): string[] {
  return nodeProcess.argv.slice(2);
}

/** This process's id. */
export function processId(): number {
  return nodeProcess.pid;
}

/** The user id this process runs as, where the platform has one. */
export function userId(): number | undefined {
  return typeof nodeProcess.getuid === "function" ? nodeProcess.getuid() : undefined;
}

/** The current working directory. */
export function cwd(): string {
  return nodeProcess.cwd();
}

/** The user's home folder. */
export function home(): string {
  return env("HOME") ?? homedir();
}

/**
 * The user's own cru settings folder, outside every repository:
 * `$XDG_CONFIG_HOME/cru`, else `~/.config/cru`.
 */
export function userConfigDir(): string {
  return `${env("XDG_CONFIG_HOME") ?? `${home()}/.config`}/cru`;
}

/** True when stdout is a terminal. */
export function stdoutIsTerminal(): boolean {
  return nodeProcess.stdout.isTTY === true;
}

/** True when stderr is a terminal. */
export function stderrIsTerminal(): boolean {
  return nodeProcess.stderr.isTTY === true;
}

/** True when stdin is a terminal (so there is nothing piped to read). */
export function stdinIsTerminal(): boolean {
  return nodeProcess.stdin.isTTY === true;
}

/** Reads all of stdin as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of nodeProcess.stdin) {
    chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
  }
  const total = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    total.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(total);
}

/** Writes to stdout and resolves once it is flushed. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => nodeProcess.stdout.write(text, () => resolve()));
}

/** Writes to stderr and resolves once it is flushed. */
export function writeStderr(text: string): Promise<void> {
  return new Promise((resolve) => nodeProcess.stderr.write(text, () => resolve()));
}

const realExit = nodeProcess.exit.bind(nodeProcess);

/** Ends the process with `code`. Needed because the index engine can keep a process alive. */
export function exit(code: number): never {
  realExit(code);
  throw new Error("unreachable");
}

/**
 * From now on `process.exit()` throws instead of ending the process: only the
 * CLI entry decides when a command ends (through {@linkcode exit}), so a
 * plugin that calls it fails its hook, which is reported, and the command goes on.
 */
export function guardProcessExit(): void {
  nodeProcess.exit = ((code?: number | string | null) => {
    throw new Error(`process.exit(${code ?? ""}) is not allowed here: only cru ends the command`);
  }) as typeof nodeProcess.exit;
}

interface DenoExecPath {
  execPath(): string;
}

/**
 * The command line that runs the TypeScript file `script` with the runtime this
 * process runs on (`deno run -A script` or `bun script`).
 */
export function scriptCommand(script: string): string[] {
  const deno = (globalThis as { Deno?: DenoExecPath }).Deno;
  if (deno) return [deno.execPath(), "run", "-A", "--quiet", script];
  return [nodeProcess.execPath, script];
}

/** True inside a binary made by `bun build --compile` (its modules live under `/$bunfs/`). */
export function isCompiledBinary(): boolean {
  return import.meta.url.startsWith("file:///$bunfs/");
}

/** The path of the running executable. */
export function execPath(): string {
  return nodeProcess.execPath;
}

/**
 * Starts a process that outlives this one: its own process group, no stdin,
 * output appended to `logPath`.
 */
export function spawnDetached(command: string[], logPath: string): number | undefined {
  const log = openSync(logPath, "a");
  try {
    const child = spawn(command[0], command.slice(1), { detached: true, stdio: ["ignore", log, log] });
    child.on("error", () => {}); // reported by the wait that follows, which times out naming the log
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** True while process `pid` exists (a zombie counts as gone: it can no longer listen). */
export function isAlive(pid: number): boolean {
  try {
    nodeProcess.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc here: the signal test above is all we have
  }
}

/** What a command printed and how it ended. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, killing it after `timeoutMs` (default 5 s). Never rejects for a failing command. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 5_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + error.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Asks a question on the terminal (on stderr) and returns the line typed, or
 * undefined when stdin or stderr is not a terminal, or nothing came within
 * `timeoutMs`.
 */
export async function askOnTerminal(question: string, timeoutMs = 120_000): Promise<string | undefined> {
  if (!nodeProcess.stdin.isTTY || !nodeProcess.stderr.isTTY) return undefined;
  const { createInterface } = await import("node:readline");
  const lines = createInterface({ input: nodeProcess.stdin, output: nodeProcess.stderr });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      new Promise<string>((resolve) => lines.question(question, resolve)),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    lines.close();
  }
}

/** The process's standard input and output as streams (for protocols spoken over stdio). */
export function stdioStreams(): { stdin: Readable; stdout: Writable } {
  return { stdin: nodeProcess.stdin, stdout: nodeProcess.stdout };
}

/**
 * Resolves with the signal's name at the first SIGINT or SIGTERM; from then on
 * the process no longer dies of them, so the caller can stop cleanly.
 */
export function nextStopSignal(): Promise<"SIGINT" | "SIGTERM"> {
  return new Promise((resolve) => {
    const on = (signal: "SIGINT" | "SIGTERM") => {
      nodeProcess.off("SIGINT", onInt);
      nodeProcess.off("SIGTERM", onTerm);
      resolve(signal);
    };
    const onInt = () => on("SIGINT");
    const onTerm = () => on("SIGTERM");
    nodeProcess.on("SIGINT", onInt);
    nodeProcess.on("SIGTERM", onTerm);
  });
}
