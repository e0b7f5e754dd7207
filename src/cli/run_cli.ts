/**
 * Runs one `cru` command: parses the arguments, runs the command, prints its
 * output. Returns the exit code; only the entry (`main.ts`) exits.
 *
 * @module
 */
import { guardProcessExit, writeStderr, writeStdout } from "../runtime/process.ts";
import { SECRET_RULES } from "../core/secret_rules.ts";
import { describeError } from "./exit_code.ts";
import { OutputSink } from "./output.ts";
import { buildProgram } from "./program.ts";

/** Runs cru with `args` and returns the exit code. */
export async function runCli(args: string[]): Promise<number> {
  guardProcessExit(); // plugins run in this process: none of them may end the command
  const sink = new OutputSink();
  let pendingOut = "";
  let pendingErr = "";
  const program = await buildProgram(sink, { out: (s) => (pendingOut += s), err: (s) => (pendingErr += s) }, args);
  let code = 0;
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    const described = describeError(error);
    code = described.code;
    // An error may quote an input: a secret in it is redacted like any other text cru prints.
    if (described.message) pendingErr += `cru: ${SECRET_RULES.redact(described.message)}\n`;
  }
  // A command that failed after producing its report (cleanup with some sessions failed)
  // still prints it: scripts read what was done.
  const output = sink.output;
  if (output) {
    for (const warning of output.warnings ?? []) pendingErr += `${warning}\n`;
    pendingOut += output.json
      ? `${JSON.stringify(output.data, null, 2)}\n`
      : output.text === ""
      ? ""
      : `${output.text}\n`;
  }
  if (pendingErr !== "") await writeStderr(pendingErr);
  if (pendingOut !== "") await writeStdout(pendingOut);
  return code;
}
