/** `cru plugin trust` and `cru plugin untrust`: say yes (or no again) to a store's plugin files. */
import type { Command } from "commander";
import { trustFiles, untrustFiles } from "../../core/plugin_trust.ts";
import { userConfigDir } from "../../runtime/process.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { dim } from "../style.ts";

interface TrustCommandOptions extends CommonOptions {
  all?: boolean;
}

export function registerPluginTrust(plugin: Command, sink: OutputSink): void {
  withCommonOptions(
    plugin.command("trust")
      .description(
        "let a store's plugin files (and its config.yaml) run: records their content hash in your own config " +
          "folder ($XDG_CONFIG_HOME/cru or ~/.config/cru); a file that changes is untrusted again",
      )
      .argument("[files...]", "plugin files (or the store's config.yaml) you have read and trust")
      .option("--all", "every plugin file of the store and its config.yaml"),
  ).action((files: string[], options: TrustCommandOptions) => {
    const root = openStore(options).root;
    const report = trustFiles(files, { root, all: options.all, configDir: userConfigDir() });
    const lines = report.files.map((f) => `trusted ${f.file} ${dim(`sha256:${f.sha256!.slice(0, 12)}`)}`);
    sink.set({
      json: options.json,
      data: report,
      text: lines.length ? lines.join("\n") : dim("no plugin files to trust"),
    });
  });
  withCommonOptions(
    plugin.command("untrust")
      .description("stop a store's plugin files (or config.yaml) from running until trusted again")
      .argument("[files...]", "files to forget")
      .option("--all", "every trusted file of this store"),
  ).action((files: string[], options: TrustCommandOptions) => {
    const root = openStore(options).root;
    const report = untrustFiles(files, { root, all: options.all, configDir: userConfigDir() });
    const lines = report.files.map((f) => `${f.changed ? "untrusted" : "was not trusted:"} ${f.file}`);
    sink.set({
      json: options.json,
      data: report,
      text: lines.length ? lines.join("\n") : dim("nothing was trusted"),
    });
  });
}
