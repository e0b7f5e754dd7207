/** `cru session end`: marks a session ended. */
import type { Command } from "commander";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionEnd(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("end")
      .description("mark a session ended")
      .argument("<id>", "session id, a unique prefix of one, @last or @last~N"),
  ).action(async (ref: string, options: CommonOptions) => {
    const cru = openStore(options);
    const id = cru.resolveId(ref);
    const receipt = await cru.end(id);
    const text = receipt.alreadyEnded ? `${id} had already ended at ${receipt.at}` : `ended ${id} at ${receipt.at}`;
    sink.set({
      json: options.json,
      data: { id: receipt.id, file: receipt.file, at: receipt.at, already_ended: receipt.alreadyEnded },
      text,
    });
  });
}
