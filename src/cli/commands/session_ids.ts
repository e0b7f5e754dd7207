/** `cru session ids`: session ids, for shell completion and scripts. */
import type { Command } from "commander";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionIds(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("ids")
      .description("print session ids (all, or those starting with PREFIX); read from the folders, not the index")
      .argument("[prefix]", "only ids starting with this"),
  ).action((prefix: string | undefined, options: CommonOptions) => {
    const ids = openStore(options).ids().filter((id) => prefix === undefined || id.startsWith(prefix));
    sink.set({ json: options.json, data: { ids }, text: ids.join("\n") });
  });
}
