/**
 * Exit codes: 0 success, 1 failure, 2 bad usage.
 *
 * @module
 */
import { CommanderError } from "commander";
import { CruError, InvalidInputError } from "../model/errors.ts";

/** Exit code for usage errors. */
const EXIT_USAGE = 2;
/** Exit code for failures. */
const EXIT_FAILURE = 1;

/** The exit code and the one-line message (if any still to print) for an error. */
export function describeError(error: unknown): { code: number; message?: string } {
  if (error instanceof CommanderError) {
    // Commander printed its own message already.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return { code: 0 };
    // Help printed because a command was missing (bare `cru`, `cru session`) went to stderr: bad usage.
    if (error.code === "commander.help") return { code: error.exitCode === 0 ? 0 : EXIT_USAGE };
    return { code: error.exitCode === 0 ? 0 : EXIT_USAGE };
  }
  if (error instanceof InvalidInputError) return { code: EXIT_USAGE, message: error.message };
  if (error instanceof CruError) return { code: EXIT_FAILURE, message: error.message };
  const nodeError = error as { code?: string; message?: string; path?: string };
  if (typeof nodeError?.code === "string" && nodeError.message) {
    return { code: EXIT_FAILURE, message: nodeError.message.split("\n")[0] };
  }
  return { code: EXIT_FAILURE, message: `internal error: ${String((error as Error)?.stack ?? error)}` };
}
