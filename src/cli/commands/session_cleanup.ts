/** `cru session cleanup`: removes or archives sessions not active for a while; made for cron and CI. */
import type { Command } from "commander";
import { CleanupIncompleteError, type CleanupReport } from "../../core/cleanup.ts";
import { parseAge } from "../../model/time_filter.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim, red, yellow } from "../style.ts";

interface CleanupCommandOptions extends CommonOptions {
  olderThan: string;
  archive?: string;
  dryRun?: boolean;
}

export function registerSessionCleanup(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("cleanup")
      .description(
        "remove (or with --archive, move) sessions whose last activity is older than AGE; " +
          "an interrupted run is finished by the next",
      )
      .requiredOption("--older-than <age>", "how long a session must have been idle: 30d, 12h, 2w, 90d")
      .option("--archive <dir>", "move old sessions to <dir>/<id>/ instead of deleting them")
      .option("--dry-run", "report what would be done and change nothing"),
  ).action(async (options: CleanupCommandOptions) => {
    const olderThanMs = parseAge(options.olderThan, "--older-than");
    const report = await openStore(options).cleanup({
      olderThanMs,
      archiveDir: options.archive,
      dryRun: options.dryRun === true,
    });
    // The report is printed in any case (a CI job reads what was done); failures also make it
    // exit 1 with them named on stderr.
    sink.set({
      json: options.json,
      data: report,
      text: renderReport(report, options.olderThan),
      warnings: report.warnings.map((w) => `warning: ${w}`),
    });
    if (report.failed.length > 0) throw new CleanupIncompleteError(report);
  });
}

function renderReport(report: CleanupReport, age: string): string {
  const lines: string[] = [];
  const archive = report.archive_dir !== null;
  const [verb, would] = archive ? ["archived", "archive"] : ["removed", "remove"];
  const dry = report.dry_run;
  const count = dry
    ? (archive ? report.would_archive : report.would_remove)
    : archive
    ? report.archived
    : report.removed;
  const ids = dry ? report.would_sessions : report.sessions;
  const bytes = dry ? report.would_bytes : report.bytes;
  const where = archive ? ` to ${report.archive_dir}` : "";
  if (report.matched === 0) {
    lines.push(dim(`nothing to clean up: no session's last activity is older than ${age}`));
  } else if (count > 0 || report.failed.length === 0) {
    const head = dry ? `dry run: would ${would}` : verb;
    lines.push(bold(`${head} ${plural(count, "session")} (${formatBytes(bytes)})${where}`));
    for (const id of ids) {
      lines.push(`  ${id}${report.recovered.includes(id) ? dim("  (finishing an interrupted run)") : ""}`);
    }
  }
  if (report.failed.length > 0) {
    // The same story as the exit code and the `cru:` line: these were not cleaned up, and why.
    const head = dry
      ? `dry run: would keep ${plural(report.failed.length, "session")} that could not be ${verb}`
      : `kept ${plural(report.failed.length, "session")} that could not be ${verb}`;
    lines.push(red(`${head}:`));
    for (const { id, message } of report.failed) lines.push(`  ${id}: ${message}`);
  }
  if (report.vetoed.length > 0) {
    lines.push(yellow(`kept ${plural(report.vetoed.length, "session")} a plugin vetoed: ${report.vetoed.join(", ")}`));
  }
  return lines.join("\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
