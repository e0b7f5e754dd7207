/**
 * `cru session audit`: re-scans stored sessions with today's redaction rules,
 * so keys recorded before a rule existed (or while redaction was off) can be
 * found and rotated. It reports kinds and counts by session and file, never
 * the secrets; with `fix` it redacts them in place, under each session's lock.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import type { SessionStore } from "../store/session_store.ts";

/** How secrets are found and redacted (the redact-secrets plugin's rules). */
export interface SecretRules {
  /** Kind → count of what would be redacted in `text`. */
  find(text: string): Map<string, number>;
  /** `text` with every secret replaced by `[redacted:<kind>]`. */
  redact(text: string): string;
}

/** Options of {@linkcode auditSessions}. */
export interface AuditOptions {
  rules: SecretRules;
  /** Only these sessions (default: all). */
  ids?: string[];
  /** Redact what is found, in place. */
  fix?: boolean;
}

/** What an audit found in one file. */
export interface AuditFinding {
  file: string;
  kinds: Record<string, number>;
}

/** What an audit found and did. */
export interface AuditReport {
  scanned: { sessions: number; files: number };
  /** Secrets found, by kind, over all sessions. */
  found: Record<string, number>;
  sessions: { id: string; kinds: Record<string, number>; files: AuditFinding[]; fixed: boolean }[];
  fixed: boolean;
  /** Files that could not be read as text (named, not fatal). */
  skipped: string[];
}

/** Text files bigger than this are not scanned (named in `skipped`). */
const MAX_SCANNED_BYTES = 64 * 1024 * 1024;

/** Scans (and with `fix`, redacts) the sessions' logs and text artifacts. */
export async function auditSessions(store: SessionStore, options: AuditOptions): Promise<AuditReport> {
  const ids = options.ids ?? store.ids();
  const report: AuditReport = {
    scanned: { sessions: 0, files: 0 },
    found: {},
    sessions: [],
    fixed: false,
    skipped: [],
  };
  for (const id of ids) {
    const files = [...store.logFiles(id), ...store.artifactFiles(id)];
    report.scanned.sessions++;
    const findings: AuditFinding[] = [];
    for (const file of files) {
      const text = readText(file);
      if (text === undefined) {
        if (!file.endsWith(".md")) continue; // binary artifacts are copied as they are: nothing to scan
        report.skipped.push(file);
        continue;
      }
      report.scanned.files++;
      const kinds = Object.fromEntries(options.rules.find(text));
      if (Object.keys(kinds).length > 0) findings.push({ file, kinds });
    }
    if (findings.length === 0) continue;
    const kinds: Record<string, number> = {};
    for (const finding of findings) {
      for (const [kind, n] of Object.entries(finding.kinds)) {
        kinds[kind] = (kinds[kind] ?? 0) + n;
        report.found[kind] = (report.found[kind] ?? 0) + n;
      }
    }
    let fixed = false;
    if (options.fix) {
      const fix = (text: string, file: string) =>
        file.endsWith(".md") ? redactLog(text, options.rules.redact) : options.rules.redact(text);
      await store.rewriteFiles(id, findings.map((f) => f.file), fix);
      fixed = true;
    }
    report.sessions.push({ id, kinds, files: findings, fixed });
  }
  report.fixed = options.fix === true && report.sessions.length > 0;
  return report;
}

function readText(file: string): string | undefined {
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_SCANNED_BYTES || bytes.includes(0)) return undefined;
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Redacts a log, keeping its frontmatter valid YAML: a frontmatter value that
 * would start with `[redacted:…]` (a YAML list) is quoted.
 */
export function redactLog(text: string, redact: (text: string) => string): string {
  const open = /^---\r?\n/.exec(text);
  const close = open ? text.indexOf("\n---", open[0].length - 1) : -1;
  if (!open || close === -1) return redact(text);
  const head = text.slice(0, close + 1).split("\n").map((line) => {
    const redacted = redact(line);
    if (redacted === line) return line;
    const field = /^(\s*(?:- )?(?:[\w-]+:\s+)?)(.*?)(\r?)$/;
    const [before, after] = [field.exec(line), field.exec(redacted)];
    if (before && after && !before[2].startsWith("[") && after[2].startsWith("[")) {
      return `${after[1]}${JSON.stringify(after[2])}${after[3]}`;
    }
    return redacted;
  }).join("\n");
  return head + redact(text.slice(close + 1));
}
