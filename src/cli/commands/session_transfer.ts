/** `cru session move` and `copy`: a session, whole, to another store. */
import type { Command } from "commander";
import { type CommonOptions, openStore, SESSION_REF_HELP, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionTransfer(session: Command, sink: OutputSink): void {
  for (const verb of ["move", "copy"] as const) {
    withCommonOptions(
      session.command(verb)
        .description(
          verb === "move"
            ? "move a session, whole, to another store (its .crucible folder); it leaves this one"
            : "copy a session, whole, to another store (its .crucible folder)",
        )
        .argument("<id>", SESSION_REF_HELP)
        .requiredOption("--to <store>", "the other store's .crucible folder (created if missing)"),
    ).action(async (ref: string, options: CommonOptions & { to: string }) => {
      const cru = openStore(options);
      const id = cru.resolveId(ref);
      const result = await cru.transfer(id, options.to, { move: verb === "move" });
      sink.set({
        json: options.json,
        data: { id, to: result.to, moved: verb === "move" },
        text: `${verb === "move" ? "moved" : "copied"} ${id} to ${result.to}`,
      });
    });
  }
}
