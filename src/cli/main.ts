/**
 * The `cru` entry point: runs one command, prints its output, exits. The only
 * place that decides the exit code.
 *
 * @module
 */
import { commandArgs, exit, writeStderr, writeStdout } from "../runtime/process.ts";
import { OWNER_COMMAND } from "../core/index_client.ts";
import { describeError } from "./exit_code.ts";
import { OutputSink } from "./output.ts";
import { buildProgram } from "./program.ts";

/** Runs cru with `args` and returns the exit code. */
async function runCli(args: string[]): Promise<number> {
  const sink = new OutputSink();
  let pendingOut = "";
  let pendingErr = "";
  const program = buildProgram(sink, { out: (s) => (pendingOut += s), err: (s) => (pendingErr += s) });
  let code = 0;
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    const described = describeError(error);
    code = described.code;
    if (described.message) pendingErr += `cru: ${described.message}\n`;
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

if (import.meta.main) {
  const args = commandArgs();
  // The compiled binary is also the index owner, started by cru itself (see core/index_client.ts).
  // Loaded only there: the engine's native addon is large and no other command needs it.
  const runOwner = async () => (await import("../core/index_owner_main.ts")).indexOwnerMain(args.slice(1));
  exit(args[0] === OWNER_COMMAND ? await runOwner() : await runCli(args));
}
