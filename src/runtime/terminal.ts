/**
 * The terminal as a full-screen program owns it: the alternate screen, raw
 * keys, its size, and — whatever happens (a normal end, an exception, a
 * signal) — the terminal given back as it was.
 *
 * @module
 */
import nodeProcess from "node:process";
import { writeSync } from "node:fs";

const ENTER = "\x1b[?1049h\x1b[?25l\x1b[?7l"; // alternate screen, hide the cursor, no line wrap
const LEAVE = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l";
const SIGNALS = ["SIGTERM", "SIGHUP", "SIGQUIT"] as const;

/** Writes all of `text` to stdout now (also from an exit handler), waiting out a full non-blocking terminal. */
function writeNow(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  for (let tries = 0; written < bytes.length && tries < 10_000; tries++) {
    try {
      written += writeSync(1, bytes, written, bytes.length - written);
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
    }
  }
}

/** A terminal taken over by a full-screen program. */
export interface FullScreen {
  /** Columns and rows. */
  size(): { columns: number; rows: number };
  /** Writes a frame (escapes included). */
  write(text: string): void;
  /** Calls `handler` with each chunk of raw input. */
  onInput(handler: (data: string) => void): void;
  /** Calls `handler` when the window changes size. */
  onResize(handler: () => void): void;
  /** Gives the terminal back while `work` runs (a pager, an editor), then takes it again. */
  suspend<T>(work: () => Promise<T>): Promise<T>;
  /** Gives the terminal back for good. Safe to call twice. */
  close(): void;
}

/**
 * Takes over the terminal. Fails when stdin or stdout is not a terminal.
 *
 * @example
 * ```ts ignore
 * const screen = openFullScreen();
 * try { screen.write("\x1b[Hhello"); } finally { screen.close(); }
 * ```
 */
export function openFullScreen(): FullScreen {
  const stdin = nodeProcess.stdin;
  const stdout = nodeProcess.stdout;
  if (!stdin.isTTY || !stdout.isTTY) throw new Error("not a terminal");
  let open = false;
  let inputHandler: ((data: string) => void) | undefined;
  let resizeHandler: (() => void) | undefined;
  const onData = (data: Buffer | string) => inputHandler?.(typeof data === "string" ? data : data.toString("utf8"));
  const onResize = () => resizeHandler?.();

  const take = () => {
    if (open) return;
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
    stdout.on("resize", onResize);
    writeNow(ENTER);
    open = true;
  };
  const give = () => {
    if (!open) return;
    open = false;
    stdout.off("resize", onResize);
    stdin.off("data", onData);
    try {
      stdin.setRawMode(false);
    } catch { /* stdin already gone: nothing to restore */ }
    stdin.pause();
    try {
      writeNow(LEAVE);
    } catch { /* stdout already gone */ }
  };

  // Given back on every way out: the process ending, a signal, a crash.
  const onExit = () => give();
  const onSignal = (signal: NodeJS.Signals) => {
    give();
    removeGuards();
    nodeProcess.kill(nodeProcess.pid, signal); // ends as the signal meant, now that the terminal is back
  };
  const onCrash = (error: unknown) => {
    give();
    removeGuards();
    throw error;
  };
  const removeGuards = () => {
    nodeProcess.off("exit", onExit);
    for (const signal of SIGNALS) nodeProcess.off(signal, onSignal);
    nodeProcess.off("uncaughtException", onCrash);
  };
  nodeProcess.on("exit", onExit);
  for (const signal of SIGNALS) nodeProcess.on(signal, onSignal);
  nodeProcess.on("uncaughtException", onCrash);
  take();

  return {
    size: () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }),
    write: (text) => {
      if (open) writeNow(text);
    },
    onInput: (handler) => void (inputHandler = handler),
    onResize: (handler) => void (resizeHandler = handler),
    suspend: async (work) => {
      give();
      try {
        return await work();
      } finally {
        take();
      }
    },
    close: () => {
      give();
      removeGuards();
    },
  };
}
