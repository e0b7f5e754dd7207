/** `cru session compact`: starts a continuation log. */
import type { Command } from "commander";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionCompact(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("compact")
      .description("start a continuation log after compaction and print its file")
      .argument("<id>", "session id, a unique prefix of one, @last or @last~N")
      .requiredOption("--summary <text>", "what the earlier logs said, carried into the new one"),
  ).action(async (ref: string, options: CommonOptions & { summary: string }) => {
    const cru = openStore(options);
    const receipt = await cru.compact(cru.resolveId(ref), options.summary);
    sink.set({ json: options.json, data: receipt, text: receipt.file });
  });
}
