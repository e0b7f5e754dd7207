/** `cru watch`: imports agent tools' transcripts as they are written; `--status` shows what is watched. */
import type { Command } from "commander";
import { join } from "node:path";
import type { Crucible } from "../../core/crucible.ts";
import { InvalidInputError } from "../../model/errors.ts";
import { cwd, env, home, nextStopSignal, processId, writeStderr, writeStdout } from "../../runtime/process.ts";
import { TranscriptImporter } from "../../watch/transcript_importer.ts";
import { TranscriptWatcher, type WatchReport } from "../../watch/transcript_watcher.ts";
import { takeWatchLock } from "../../watch/watch_lock.ts";
import { watchReport, type WatchReportData } from "../../watch/watch_report.ts";
import { WATCH_SOURCE_NAMES, type WatchSource, type WatchSourceName, watchSources } from "../../watch/watch_sources.ts";
import { WatchState } from "../../watch/watch_state.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, dim, green, yellow } from "../style.ts";

interface WatchOptions extends CommonOptions {
  once?: boolean;
  status?: boolean;
  claudeCode?: string[];
  codex?: string[];
  aider?: string[];
  specstory?: string[];
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function registerWatch(program: Command, sink: OutputSink): void {
  withCommonOptions(
    program.command("watch")
      .description(
        "import Claude Code, Codex, aider and SpecStory transcripts as they are written (within a second, " +
          "adding only what is new); runs until SIGINT/SIGTERM",
      )
      .option("--once", "one pass over the folders, then exit (for cron)")
      .option("--status", "show what is watched, whether a watcher runs, the last import per source, and problems")
      .option("--claude-code <folder>", "Claude Code transcripts (default ~/.claude/projects); repeatable", collect)
      .option("--codex <folder>", "Codex sessions (default ~/.codex/sessions); repeatable", collect)
      .option("--aider <folder>", "a project with .aider.chat.history.md files; repeatable", collect)
      .option("--specstory <folder>", "a project with .specstory/history/; repeatable", collect)
      .addHelpText(
        "after",
        `
Folders given for a source replace config.yaml's and the defaults for that source
(config.yaml's folders apply once you trust it: cru plugin trust .crucible/config.yaml):
  # .crucible/config.yaml
  watch:
    claude-code: [~/.claude/projects]
    codex: false                  # not watched
    aider: [~/code/app]

While running, each import is a line on stdout (--json: one JSON object per line); damaged
transcript lines are reported on stderr as file:line, once. Nothing is printed while idle.
Status is kept in .crucible/watch/status.json.`,
      ),
  ).action(async (options: WatchOptions) => {
    const cru = openStore(options);
    const sources = sourcesFor(cru, options);
    if (options.status) {
      const report = watchReport(cru.root, sources);
      sink.set({ json: options.json, data: report, text: renderStatus(report) });
      return;
    }
    if (sources.length === 0) {
      throw new InvalidInputError(
        "watch sources",
        "none",
        "at least one: config.yaml turns every source off; give --claude-code, --codex, --aider or --specstory",
      );
    }
    if (options.once) return await watchOnce(cru, sources, options, sink);
    await watchUntilStopped(cru, sources, options);
  });
}

/** One pass, then a report of what it did. */
async function watchOnce(cru: Crucible, sources: WatchSource[], options: WatchOptions, sink: OutputSink) {
  const reports: WatchReport[] = [];
  const state = WatchState.load(cru.root, sources, { pid: processId(), now: () => new Date() });
  const importFile = importer(cru, false);
  const watcher = new TranscriptWatcher({ sources, state, importFile, report: (r) => reports.push(r) });
  await watcher.pass();
  state.save({ stopped: true });
  const imports = reports.filter((r) => r.kind === "import");
  const events = imports.reduce((sum, r) => sum + r.events, 0);
  const problems = reports.filter((r) => r.kind !== "import");
  sink.set({
    json: options.json,
    data: {
      events,
      sessions: imports.map(({ session, source, file, events, created }) => ({
        session,
        source,
        file,
        events,
        created,
      })),
      sources: state.status.sources,
      problems: problems.map(withoutKind),
    },
    text: [
      `imported ${events} event${events === 1 ? "" : "s"} into ${imports.length} session` +
      `${imports.length === 1 ? "" : "s"} from ${sources.map((s) => s.name).join(", ")}`,
      ...imports.map(renderImport),
    ].join("\n"),
    warnings: problems.map(renderProblem),
  });
}

/** Watches until SIGINT or SIGTERM, printing each import as it happens. */
async function watchUntilStopped(cru: Crucible, sources: WatchSource[], options: WatchOptions): Promise<void> {
  const pid = processId();
  const lock = takeWatchLock(cru.root, pid);
  try {
    const stopped = nextStopSignal();
    const state = WatchState.load(cru.root, sources, { pid, now: () => new Date() });
    const report = (r: WatchReport) => {
      if (options.json) void writeStdout(`${JSON.stringify({ at: new Date().toISOString(), ...r })}\n`);
      else if (r.kind === "import") void writeStdout(`${renderImport(r)}\n`);
      else void writeStderr(`${renderProblem(r)}\n`);
    };
    const watcher = new TranscriptWatcher({ sources, state, importFile: importer(cru, true), report });
    if (!options.json) void writeStderr(`${dim(`cru watch: ${describeSources(sources)}; stop with Ctrl-C`)}\n`);
    watcher.start().catch((error) =>
      report({ kind: "error", source: "watch", file: cru.root, message: String(error?.message ?? error) })
    );
    await stopped;
    await watcher.stop(500);
  } finally {
    lock.unlock();
    lock.close();
  }
}

/** How changed files are imported: followed (only what was added is read), or whole (one pass). */
function importer(cru: Crucible, follow: boolean) {
  const importer = new TranscriptImporter(cru, { follow });
  return (path: string, source: WatchSource) => importer.import(path, source);
}

function sourcesFor(cru: Crucible, options: WatchOptions): WatchSource[] {
  const flags: Partial<Record<WatchSourceName, string[]>> = {};
  const given: Record<WatchSourceName, string[] | undefined> = {
    "claude-code": options.claudeCode,
    codex: options.codex,
    aider: options.aider,
    specstory: options.specstory,
  };
  for (const name of WATCH_SOURCE_NAMES) if (given[name]) flags[name] = given[name];
  const config = cru.config();
  for (const refusal of config.refused) if (refusal.includes("cru watch")) void writeStderr(`cru: ${refusal}\n`);
  return watchSources({
    flags,
    config: config.watch,
    configFile: join(cru.root, "config.yaml"),
    home: home(),
    cwd: cwd(),
    env: { claudeConfigDir: env("CLAUDE_CONFIG_DIR"), codexHome: env("CODEX_HOME") },
  });
}

function describeSources(sources: WatchSource[]): string {
  return "watching " + sources.map((s) => `${s.name} (${s.roots.join(", ")})`).join(", ");
}

function withoutKind(report: WatchReport): Record<string, unknown> {
  const { kind: _kind, ...rest } = report;
  return rest;
}

function renderImport(r: Extract<WatchReport, { kind: "import" }>): string {
  const time = new Date().toISOString().slice(11, 19);
  return `${dim(time)} ${green(`+${r.events}`)} ${bold(r.session)}${r.created ? " (new)" : ""} ${dim(`← ${r.file}`)}`;
}

function renderProblem(r: Exclude<WatchReport, { kind: "import" }>): string {
  return r.kind === "warning" ? `cru: warning: ${r.file}:${r.line}: ${r.message}` : `cru: ${r.file}: ${r.message}`;
}

function renderStatus(report: WatchReportData): string {
  const head = report.running
    ? `${green("running")} (pid ${report.pid}, since ${report.started}, status written ${report.updated})`
    : report.started
    ? `not running (the last watcher, pid ${report.pid}, ran from ${report.started} to ${report.updated})`
    : "not running, and never ran on this store";
  const lines = [`cru watch: ${head}`];
  for (const source of report.sources) {
    lines.push(`${bold(source.name)}`);
    for (const root of source.roots) lines.push(`  ${root.path}${root.exists ? "" : yellow(" (missing)")}`);
    lines.push(`  ${source.files} transcript${source.files === 1 ? "" : "s"} seen`);
    const last = source.last_import;
    lines.push(
      last
        ? `  last import ${last.at}: +${last.events} into ${last.session} ${dim(`← ${last.file}`)}`
        : "  no import yet",
    );
  }
  if (report.problems.length > 0) {
    lines.push("problems (newest last):");
    for (const p of report.problems.slice(-10)) {
      lines.push(`  ${dim(p.at)} ${p.file}${p.line === undefined ? "" : `:${p.line}`}: ${p.message}`);
    }
  }
  return lines.join("\n");
}
