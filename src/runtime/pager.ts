/**
 * Hands text to the user's pager (`$PAGER`, else `less -R`) on the terminal,
 * and runs the user's editor: programs that take over the terminal until they end.
 *
 * @module
 */
import nodeProcess from "node:process";
import { spawn } from "node:child_process";
import { env } from "./process.ts";

/**
 * Runs a shell command line with the terminal (stdin, stdout, stderr) handed
 * over, `args` appended as `"$@"`, and resolves with its exit code (null when
 * it could not start). `input`, when given, is fed to its stdin instead.
 */
export function runOnTerminal(
  commandLine: string,
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<number | null> {
  const input = options.input;
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", `${commandLine} "$@"`, "sh", ...args], {
      stdio: [input === undefined ? "inherit" : "pipe", "inherit", "inherit"],
      env: { ...nodeProcess.env, ...options.env },
    });
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code));
    if (input !== undefined) {
      child.stdin!.on("error", () => {}); // the reader quit early (q in less): not an error
      child.stdin!.end(input);
    }
  });
}

/** The pager command line: `$PAGER`, else `less -R`. */
export function pagerCommand(): string {
  return env("PAGER") ?? "less -R";
}

/**
 * Shows `text` in the pager; `line` (1-based) asks `less` to open there.
 * `less` quits at once when the text fits one screen, unless `stay`.
 * Resolves false when no pager could run (the caller prints instead).
 */
export async function page(text: string, options: { line?: number; stay?: boolean } = {}): Promise<boolean> {
  const command = pagerCommand();
  const isLess = /^less(\s|$)/.test(command);
  const args = isLess && options.line !== undefined && options.line > 1 ? [`+${options.line}`] : [];
  const input = text.endsWith("\n") ? text : `${text}\n`;
  const code = await runOnTerminal(command, args, {
    input,
    env: { LESS: env("LESS") ?? (options.stay ? "R" : "FRX") },
  });
  return code !== null && code !== 127;
}

/** The editor command line: `$VISUAL`, `$EDITOR`, else `vi`. */
export function editorCommand(): string {
  return env("VISUAL") ?? env("EDITOR") ?? "vi";
}

/** Opens `file` in the user's editor at `line`, and waits until it is closed. */
export async function editFile(file: string, line: number): Promise<number | null> {
  return await runOnTerminal(editorCommand(), [`+${line}`, file]);
}
