/** `cru plugin list`: each plugin, where it came from, and its hooks. */
import type { Command } from "commander";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim, red } from "../style.ts";

export function registerPluginList(plugin: Command, sink: OutputSink): void {
  withCommonOptions(
    plugin.command("list").description(
      "list plugins (built in, your own in ~/.config/cru/plugins/, the store's .crucible/plugins/), " +
        "whether each is trusted, and their hooks",
    ),
  )
    .action(async (options: CommonOptions) => {
      const plugins = await openStore(options).plugins();
      const lines = plugins.map((p) => {
        const untrusted = p.trust === "untrusted" || p.trust === "changed";
        const state = untrusted
          ? red(`${p.trust === "changed" ? "changed since trusted" : "untrusted"} (cru plugin trust ${p.source})`)
          : p.error
          ? red(`error: ${p.error}`)
          : p.enabled
          ? ""
          : dim("disabled");
        const trust = p.trust === "builtin" ? "" : dim(` [${p.trust}]`);
        const head = `${bold(p.name)}${p.version ? dim(` ${p.version}`) : ""}  ${dim(p.source)}${trust}  ${state}`
          .trimEnd();
        const hooks = p.hooks.length > 0 ? `\n  hooks: ${p.hooks.join(", ")}` : "";
        return `${head}${p.description ? `\n  ${p.description}` : ""}${hooks}`;
      });
      sink.set({ json: options.json, data: { plugins }, text: lines.length ? lines.join("\n") : dim("no plugins") });
    });
}
