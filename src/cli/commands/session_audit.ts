/** `cru session audit`: finds secrets already stored, by kind and session; `--fix` redacts them in place. */
import type { Command } from "commander";
import { SECRET_RULES } from "../../core/secret_rules.ts";
import type { AuditReport } from "../../core/audit_sessions.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim, yellow } from "../style.ts";

interface AuditCommandOptions extends CommonOptions {
  fix?: boolean;
}

export function registerSessionAudit(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("audit")
      .description(
        "re-scan stored sessions with today's redaction rules and report what they hold, by kind and session " +
          "(never the secrets themselves), so keys recorded before a rule existed can be rotated",
      )
      .argument("[ids...]", "only these sessions (default: all)")
      .option("--fix", "redact what is found in place (under each session's lock); rotate the keys anyway"),
  ).action(async (ids: string[], options: AuditCommandOptions) => {
    const report = await openStore(options).audit(SECRET_RULES, {
      ids: ids.length > 0 ? ids : undefined,
      fix: options.fix === true,
    });
    sink.set({
      json: options.json,
      data: report,
      text: renderAudit(report),
      warnings: report.skipped.map((file) => `warning: ${file} is not UTF-8 text (or too big); not scanned`),
    });
  });
}

function renderAudit(report: AuditReport): string {
  const scanned = `${report.scanned.sessions} sessions, ${report.scanned.files} files`;
  if (report.sessions.length === 0) return dim(`no secrets found (${scanned} scanned)`);
  const total = Object.values(report.found).reduce((a, b) => a + b, 0);
  const lines = [
    bold(`${total} secret${total === 1 ? "" : "s"} in ${report.sessions.length} session(s) (${scanned} scanned)`),
  ];
  for (const session of report.sessions) {
    const kinds = Object.entries(session.kinds).map(([kind, n]) => `${n} ${kind}`).join(", ");
    lines.push(`  ${session.id}: ${kinds}${session.fixed ? dim("  (redacted)") : ""}`);
  }
  lines.push(
    report.fixed
      ? yellow("redacted in place; the keys were on disk (and maybe in git history): rotate them")
      : yellow("rotate these keys; `cru session audit --fix` redacts them in place"),
  );
  return lines.join("\n");
}
