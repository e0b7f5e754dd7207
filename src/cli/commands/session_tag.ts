/** `cru session tag` and `untag`: add or remove tags. */
import type { Command } from "commander";
import { type CommonOptions, openStore, SESSION_REF_HELP, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionTag(session: Command, sink: OutputSink): void {
  for (const verb of ["tag", "untag"] as const) {
    withCommonOptions(
      session.command(verb)
        .description(verb === "tag" ? "add tags to a session" : "remove tags from a session")
        .argument("<id>", SESSION_REF_HELP)
        .argument("<tags...>", verb === "tag" ? "tags to add" : "tags to remove"),
    ).action(async (ref: string, tags: string[], options: CommonOptions) => {
      const cru = openStore(options);
      const id = cru.resolveId(ref);
      const result = verb === "tag" ? await cru.tag(id, tags) : await cru.untag(id, tags);
      const shown = result.tags.length === 0 ? "no tags" : `#${result.tags.join(" #")}`;
      sink.set({
        json: options.json,
        data: { id: result.id, file: result.file, tags: result.tags, changed: result.changed },
        text: `${result.id}: ${shown}`,
      });
    });
  }
}
