/** `cru session list`: sessions, newest activity first. */
import type { Command } from "commander";
import {
  type CommonOptions,
  type FilterOptions,
  openStore,
  readFilters,
  withCommonOptions,
  withFilterOptions,
  withTimeOption,
} from "../common_options.ts";
import { displayTime } from "../display_time.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim } from "../style.ts";

export function registerSessionList(session: Command, sink: OutputSink): void {
  withCommonOptions(withTimeOption(withFilterOptions(
    session.command("list").description("list sessions, newest activity first"),
  )))
    .action(async (options: CommonOptions & FilterOptions & { utc?: boolean }) => {
      const filters = readFilters(options);
      const { sessions, warnings } = await openStore(options).list(filters);
      const width = Math.max(2, ...sessions.map((session) => session.id.length));
      const times = sessions.map((session) => displayTime(session.last_activity, { utc: options.utc }));
      const timeWidth = Math.max(13, ...times.map((time) => time.length));
      const rows = sessions.map((session, i) =>
        `${session.id.padEnd(width)}  ${session.type.padEnd(8)}  ${times[i].padEnd(timeWidth)}  ${
          String(session.events).padStart(6)
        }  ${session.title ?? ""}${session.tags?.length ? dim(` #${session.tags.join(" #")}`) : ""}`
      );
      const header = bold(`${"ID".padEnd(width)}  TYPE      ${"LAST ACTIVITY".padEnd(timeWidth)}  EVENTS  TITLE`);
      sink.set({
        json: options.json,
        data: { sessions: sessions.map((session) => ({ ...session, tags: session.tags ?? [] })) },
        text: sessions.length === 0 ? dim("no sessions") : [header, ...rows].join("\n"),
        warnings: warnings.map((w) => `warning: ${w.file}: ${w.message}`),
      });
    });
}
