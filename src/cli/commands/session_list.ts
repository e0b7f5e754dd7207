/** `cru session list`: sessions, newest activity first. */
import type { Command } from "commander";
import {
  type CommonOptions,
  type FilterOptions,
  openStore,
  readFilters,
  withCommonOptions,
  withFilterOptions,
} from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim } from "../style.ts";

export function registerSessionList(session: Command, sink: OutputSink): void {
  withCommonOptions(withFilterOptions(session.command("list").description("list sessions, newest activity first")))
    .action(async (options: CommonOptions & FilterOptions) => {
      const filters = readFilters(options);
      const { sessions, warnings } = await openStore(options).list(filters);
      const rows = sessions.map((s) =>
        `${s.id}  ${s.type.padEnd(8)}  ${s.last_activity}  ${String(s.events).padStart(5)}  ${s.title ?? ""}`
      );
      const header = bold(`${"ID".padEnd(sessions[0]?.id.length ?? 2)}  TYPE      LAST ACTIVITY         EVENTS  TITLE`);
      sink.set({
        json: options.json,
        data: { sessions },
        text: sessions.length === 0 ? dim("no sessions") : [header, ...rows].join("\n"),
        warnings: warnings.map((w) => `warning: ${w.file}: ${w.message}`),
      });
    });
}
