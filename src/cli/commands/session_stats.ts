/** `cru session stats`: sessions, events, tokens and cost by day, model, project and tool. */
import { type Command, Option } from "commander";
import type { StatsReport, StatsRow } from "../../core/session_stats.ts";
import { InvalidInputError } from "../../model/errors.ts";
import {
  type CommonOptions,
  type FilterOptions,
  openStore,
  readFilters,
  withCommonOptions,
  withFilterOptions,
} from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, cyan, dim } from "../style.ts";

const GROUPS = ["day", "model", "project", "tool"] as const;
type GroupName = typeof GROUPS[number];

interface StatsOptions extends CommonOptions, FilterOptions {
  by?: GroupName[];
}

export function registerSessionStats(session: Command, sink: OutputSink): void {
  withCommonOptions(withFilterOptions(
    session.command("stats")
      .description(
        "sessions, events, tokens and cost by day, model, project and tool, with a bar chart " +
          "(read from the markdown of every session, not the index: slower on large stores)",
      )
      .addOption(
        new Option("--by <group>", "only this grouping (repeat for more; default: all)")
          .choices(GROUPS)
          .argParser((value: string, all: GroupName[] | undefined) => {
            if (!(GROUPS as readonly string[]).includes(value)) {
              throw new InvalidInputError("--by", value, `one of ${GROUPS.join(", ")}`);
            }
            return [...(all ?? []), value as GroupName];
          }),
      ),
    { limit: false },
  )).action(async (options: StatsOptions) => {
    const { since, until, type, tag, cwd, project, branch, host, model, source } = readFilters(options);
    const report = await openStore(options).stats({
      since,
      until,
      type,
      tag,
      cwd,
      project,
      branch,
      host,
      model,
      source,
    });
    const groups = options.by ?? [...GROUPS];
    const { warnings, ...data } = report;
    sink.set({
      json: options.json,
      data: {
        totals: data.totals,
        ...Object.fromEntries(groups.map((group) => [`by_${group}`, data[`by_${group}`]])),
      },
      text: renderStats(report, groups),
      warnings: warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`),
    });
  });
}

const BAR_WIDTH = 24;

function renderStats(report: StatsReport, groups: GroupName[]): string {
  const { totals } = report;
  if (totals.events === 0) return dim("no events");
  const lines = [
    bold(
      `${plural(totals.sessions, "session")} · ${plural(totals.events, "event")} · ${
        count(totals.tokens.total)
      } tokens` +
        ` (in ${count(totals.tokens.input)}, out ${count(totals.tokens.output)}, cache read ${
          count(totals.tokens.cache_read)
        }, cache write ${count(totals.tokens.cache_write)}) · ${dollars(totals.cost)}`,
    ),
  ];
  for (const group of groups) {
    const rows = report[`by_${group}`];
    lines.push("", bold(`by ${group}`));
    if (rows.length === 0) {
      lines.push(dim("  none"));
      continue;
    }
    lines.push(...table(rows));
  }
  return lines.join("\n");
}

/** Rows with a bar of their tokens (of their events when no tokens were recorded). */
function table(rows: StatsRow[]): string[] {
  const measure = rows.some((row) => row.tokens.total > 0)
    ? (row: StatsRow) => row.tokens.total
    : (row: StatsRow) => row.events;
  const top = Math.max(...rows.map(measure));
  const keyWidth = Math.min(40, Math.max(...rows.map((row) => row.key.length)));
  const head = `  ${"".padEnd(keyWidth)}  ${"SESSIONS".padStart(8)}  ${"EVENTS".padStart(7)}  ${
    "TOKENS".padStart(11)
  }  ${"COST".padStart(10)}`;
  return [
    dim(head),
    ...rows.map((row) => {
      const key = row.key.length > keyWidth ? `${row.key.slice(0, keyWidth - 1)}…` : row.key;
      return `  ${key.padEnd(keyWidth)}  ${String(row.sessions).padStart(8)}  ${String(row.events).padStart(7)}  ${
        count(row.tokens.total).padStart(11)
      }  ${dollars(row.cost).padStart(10)}  ${cyan(bar(measure(row), top))}`;
    }),
  ];
}

/** A bar of up to BAR_WIDTH cells, in eighths. */
function bar(value: number, top: number): string {
  if (top <= 0 || value <= 0) return "";
  const eighths = Math.max(1, Math.round((value / top) * BAR_WIDTH * 8));
  return "█".repeat(Math.floor(eighths / 8)) + (eighths % 8 === 0 ? "" : "▏▎▍▌▋▊▉"[(eighths % 8) - 1]);
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? "" : "s"}`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function dollars(cost: number): string {
  return `$${cost.toFixed(cost > 0 && cost < 0.01 ? 4 : 2)}`;
}
