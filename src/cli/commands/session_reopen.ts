/** `cru session reopen`: clears `ended` so a session takes events again. */
import type { Command } from "commander";
import { type CommonOptions, openStore, SESSION_REF_HELP, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionReopen(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("reopen")
      .description("reopen an ended session (clears `ended:`), so events can be appended again")
      .argument("<id>", SESSION_REF_HELP),
  ).action(async (ref: string, options: CommonOptions) => {
    const cru = openStore(options);
    const result = await cru.reopen(cru.resolveId(ref));
    sink.set({
      json: options.json,
      data: { id: result.id, file: result.file, changed: result.changed },
      text: result.changed ? `reopened ${result.id}` : `${result.id} was not ended`,
    });
  });
}
