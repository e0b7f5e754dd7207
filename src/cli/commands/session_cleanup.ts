/** `cru session cleanup`: removes or archives sessions not active for a while; made for cron and CI. */
import type { Command } from "commander";
import { CleanupIncompleteError, type CleanupReport } from "../../core/cleanup.ts";
import { parseAge } from "../../model/time_filter.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim, yellow } from "../style.ts";

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
  const [verb, would] = report.archive_dir === null ? ["removed", "remove"] : ["archived", "archive"];
  const count = report.archive_dir === null ? report.removed : report.archived;
  const where = report.archive_dir === null ? "" : ` to ${report.archive_dir}`;
  if (count === 0 && report.vetoed.length === 0) {
    lines.push(dim(`nothing to clean up: no session's last activity is older than ${age}`));
  } else {
    const head = report.dry_run ? `dry run: would ${would}` : verb;
    lines.push(bold(`${head} ${plural(count, "session")} (${formatBytes(report.bytes)})${where}`));
    for (const id of report.sessions) {
      lines.push(`  ${id}${report.recovered.includes(id) ? dim("  (finishing an interrupted run)") : ""}`);
    }
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
