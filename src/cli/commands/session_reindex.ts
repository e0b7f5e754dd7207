/** `cru session reindex`: rebuilds the index from the markdown alone. */
import type { Command } from "commander";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { progressBar } from "../progress.ts";

export function registerSessionReindex(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("reindex").description("rebuild the index from the markdown logs (safe any time)"),
  ).action(async (options: CommonOptions) => {
    const bar = progressBar();
    const report = await openStore(options).reindex(bar.update);
    await bar.clear();
    const data = {
      sessions: report.sessions,
      events: report.events,
      files: report.files,
      seconds: Number(report.seconds.toFixed(3)),
    };
    sink.set({
      json: options.json,
      data,
      text: `reindexed ${data.sessions} sessions: ${data.events} events in ${data.files} log files, ${
        data.seconds.toFixed(2)
      } s`,
      warnings: report.warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`),
    });
  });
}
