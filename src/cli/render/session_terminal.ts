/**
 * A session for reading on a terminal: a header, turns by time, each event
 * under its role, markdown rendered, tool calls folded to one line, and each
 * continuation announced with its compaction summary.
 *
 * @module
 */
import type { SessionView } from "../../core/crucible.ts";
import { type LabelledRole, roleLabel } from "../../model/role.ts";
import type { ReadEvent } from "../../model/event.ts";
import type { Palette } from "./paint.ts";
import { renderTerminalMarkdown } from "./terminal_markdown.ts";

/** The lines, and the line each event starts on (same order as `view.events`). */
export interface TerminalSession {
  lines: string[];
  eventStarts: number[];
}

/** Options of {@linkcode renderSessionForTerminal}. */
export interface TerminalSessionOptions {
  /** This event (an index into `view.events`) is marked as the one looked for. */
  mark?: number;
  /** Show tool results in full instead of their first line (default false). */
  unfoldTools?: boolean;
  /** How a stored (UTC) time is shown (default: as stored; `show` passes local time, or UTC with `--utc`). */
  time?: (at: string) => string;
}

/**
 * Renders `view` as terminal lines.
 *
 * @example
 * ```ts ignore
 * const { lines } = renderSessionForTerminal(await cru.show(id), palette({ colour: true }));
 * ```
 */
export function renderSessionForTerminal(
  view: SessionView,
  paint: Palette,
  options: TerminalSessionOptions = {},
): TerminalSession {
  const time = options.time ?? ((at: string) => at);
  const lines = [
    paint.bold(view.title ?? view.id),
    paint.dim(
      `${view.id} · ${view.type} · started ${time(view.started)}${
        view.ended ? ` · ended ${time(view.ended)}` : ""
      } · ${view.events.length} events`,
    ),
  ];
  const eventStarts: number[] = [];
  const contexts = new Map(view.logs.map((log) => [log.file, log.context]));
  let file = view.logs[0]?.file;
  let at: string | undefined;
  view.events.forEach((event, i) => {
    if (event.file !== file) {
      file = event.file;
      const context = contexts.get(event.file);
      lines.push("", paint.yellow(`━━ continued after compaction${context ? `: ${context}` : ""}`));
    }
    if (event.at !== at) {
      lines.push("", paint.dim(`── ${time(event.at)}`));
      at = event.at;
    }
    lines.push("");
    eventStarts.push(lines.length);
    const marker = i === options.mark ? paint.inverse(paint.yellow("▶")) + " " : "";
    lines.push(...eventLines(event, paint, options).map((line, j) => (j === 0 ? marker + line : line)));
  });
  return { lines, eventStarts };
}

function eventLines(event: ReadEvent, paint: Palette, options: TerminalSessionOptions): string[] {
  if (event.role === "tool") {
    const args = JSON.stringify(event.args ?? {});
    const result = event.content.split("\n");
    const head = `${paint.magenta(paint.bold(`▸ ${event.tool}`))} ${paint.dim(args === "{}" ? "" : args)}`;
    if (options.unfoldTools) return [head, ...result.map((line) => `  ${paint.dim("│")} ${line}`)];
    const first = result.find((line) => line.trim() !== "") ?? "";
    const more = result.length > 1 ? paint.dim(` (+${result.length - 1} lines)`) : "";
    return [`${head} ${paint.dim("→")} ${first.trim()}${more}`];
  }
  const colour = event.role === "user"
    ? paint.cyan
    : event.role === "assistant"
    ? paint.green
    : event.role === "error"
    ? paint.red
    : event.role === "thought"
    ? paint.dim
    : paint.yellow;
  const label = paint.bold(colour(`${roleLabel(event.role as LabelledRole)}:`));
  const body = renderTerminalMarkdown(event.content, paint);
  return [label, ...body.map((line) => `  ${line}`)];
}
