/** `cru session import`: other tools' transcripts as cru sessions; again later for what is new. */
import type { Command } from "commander";
import { IMPORT_FORMATS, type ImportFormat, type ImportReport } from "../../import/import_service.ts";
import { IMPORT_SESSION_TYPES, type ImportSessionType } from "../../model/session_type.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim } from "../style.ts";

interface ImportCommandOptions extends CommonOptions {
  from?: string;
  type?: string;
}

export function registerSessionImport(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("import")
      .description(
        "import aider, SpecStory, Claude Code or Codex transcripts as sessions; importing again adds only what is new",
      )
      .argument("<paths...>", "transcript files, or folders to search for them")
      .option("--from <format>", `the transcripts' format: ${IMPORT_FORMATS.join(", ")}`, "auto")
      .option(
        "--type <type>",
        `session type: ${IMPORT_SESSION_TYPES.join(" or ")} (default: chat for aider/SpecStory, agent for JSONL)`,
      ),
  ).action(async (paths: string[], options: ImportCommandOptions) => {
    // The core checks --from and --type (one list of each, in src/model/ and the importer).
    const report = await openStore(options).importSources(paths, {
      from: (options.from ?? "auto") as ImportFormat,
      type: options.type as ImportSessionType | undefined,
    });
    sink.set({
      json: options.json,
      data: {
        files: report.files,
        sessions: report.sessions.map((s) => ({
          id: s.id,
          source: s.source,
          source_path: s.source_path,
          created: s.created,
          events: s.events,
        })),
        events: report.events,
        skipped: report.skipped,
      },
      text: renderReport(report),
      warnings: report.warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`),
    });
  });
}

function renderReport(report: ImportReport): string {
  const created = report.sessions.filter((s) => s.created).length;
  const lines = report.sessions
    .filter((s) => s.events > 0)
    .map((s) => `  ${bold(s.id)} +${s.events} ${s.created ? "(new) " : ""}${dim(s.source_path)}`);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    `imported ${plural(report.events, "event")} into ${plural(report.sessions.length, "session")} ` +
    `(${created} new) from ${plural(report.files, "file")}`,
    ...lines,
  ].join("\n");
}
