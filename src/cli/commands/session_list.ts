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
      const width = Math.max(2, ...sessions.map((session) => session.id.length));
      const rows = sessions.map((session) =>
        `${session.id.padEnd(width)}  ${session.type.padEnd(8)}  ${session.last_activity}  ${
          String(session.events).padStart(6)
        }  ${session.title ?? ""}${session.tags?.length ? dim(` #${session.tags.join(" #")}`) : ""}`
      );
      const header = bold(`${"ID".padEnd(width)}  TYPE      LAST ACTIVITY         EVENTS  TITLE`);
      sink.set({
        json: options.json,
        data: { sessions: sessions.map((session) => ({ ...session, tags: session.tags ?? [] })) },
        text: sessions.length === 0 ? dim("no sessions") : [header, ...rows].join("\n"),
        warnings: warnings.map((w) => `warning: ${w.file}: ${w.message}`),
      });
    });
}
