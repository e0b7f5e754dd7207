/** `cru session rename`: a new title for a session. */
import type { Command } from "commander";
import { type CommonOptions, openStore, SESSION_REF_HELP, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionRename(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("rename")
      .description("give a session a new title (its frontmatter, rewritten atomically under its lock)")
      .argument("<id>", SESSION_REF_HELP)
      .argument("<title>", "the new title"),
  ).action(async (ref: string, title: string, options: CommonOptions) => {
    const cru = openStore(options);
    const result = await cru.rename(cru.resolveId(ref), title);
    sink.set({
      json: options.json,
      data: { id: result.id, file: result.file, title: result.title, changed: result.changed },
      text: result.changed ? `renamed ${result.id}: ${result.title}` : `${result.id} is already titled ${result.title}`,
    });
  });
}
