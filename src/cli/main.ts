/**
 * The `cru` entry point and the only place that exits. It loads only what the
 * command needs: `--version` answers before anything else is read, the index
 * owner (`cru __index-owner`, started by cru itself) loads the engine and the
 * database, and every other command loads the command-line program without
 * either.
 *
 * @module
 */
import { commandArgs, exit, writeStdout } from "../runtime/process.ts";
import { OWNER_COMMAND } from "../index_service/owner_command.ts";
import { VERSION } from "./version.ts";

/** Runs the command in `args` and returns its exit code. */
async function main(args: string[]): Promise<number> {
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    await writeStdout(`${VERSION}\n`);
    return 0;
  }
  if (args[0] === OWNER_COMMAND) {
    return await (await import("../index_service/index_owner_main.ts")).indexOwnerMain(args.slice(1));
  }
  return await (await import("./run_cli.ts")).runCli(args);
}

if (import.meta.main) main(commandArgs()).then(exit);
