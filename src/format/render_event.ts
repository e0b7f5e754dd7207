/**
 * Renders one event as the markdown paragraph(s) a log holds.
 *
 * @module
 */
import type { SessionEvent } from "../model/event.ts";
import { type LabelledRole, roleLabel } from "../model/role.ts";
import { closesFence, type Fence, fenceOpening, mustEscape } from "./_lines.ts";
import { renderEventMetaLine } from "./event_meta_line.ts";
import { renderToolArgs } from "./tool_args.ts";

/** The info string of the fence that wraps a tool result verbatim. */
export const RESULT_FENCE_INFO = "result";

/**
 * Renders an event without its turn heading; its metadata, if any, goes on
 * the line right under it.
 *
 * @example
 * ```ts
 * import { renderEvent } from "./render_event.ts";
 * const text = renderEvent({ role: "user", content: "Hello", at: "2024-01-15T10:30:00Z" });
 * console.assert(text === "**User:** Hello");
 * ```
 */
export function renderEvent(event: SessionEvent): string {
  const text = event.role === "tool" ? renderToolEvent(event) : renderLabelled(event.role, event.content);
  const meta = renderEventMetaLine(event);
  return meta === undefined ? text : `${text}\n${meta}`;
}

function renderLabelled(role: LabelledRole, content: string): string {
  const [first, ...rest] = content.split("\n");
  const labelLine = `**${roleLabel(role)}:**${first === "" ? "" : ` ${first}`}`;
  return [labelLine, ...escapeBody(rest)].join("\n");
}

/**
 * Escapes the lines after the label line so the parser reads them back as
 * they are: structure-like lines, trailing blank lines and fences that would
 * stay open get one leading backslash.
 */
function escapeBody(lines: string[]): string[] {
  let lastKept = lines.length - 1;
  while (lastKept >= 0 && lines[lastKept] === "") lastKept--;
  const escaped = lines.map((line, i) => (i > lastKept || mustEscape(line) ? `\\${line}` : line));
  // A fence left open would swallow the events after it: escape openers until all close.
  for (;;) {
    const opener = unclosedFenceOpener(escaped);
    if (opener === undefined) return escaped;
    escaped[opener] = `\\${escaped[opener]}`;
  }
}

/** The index of the line opening a fence that never closes, or undefined. */
function unclosedFenceOpener(lines: string[]): number | undefined {
  let fence: Fence | undefined;
  let openedAt = -1;
  lines.forEach((line, i) => {
    if (fence) {
      if (closesFence(fence, line)) fence = undefined;
    } else {
      fence = fenceOpening(line);
      if (fence) openedAt = i;
    }
  });
  return fence ? openedAt : undefined;
}

function renderToolEvent(event: SessionEvent): string {
  const args = renderToolArgs(event.args ?? {});
  const toolLine = `[Tool: ${event.tool ?? "unknown"}${args === "" ? "" : ` ${args}`}]`;
  const result = event.content;
  if (result === "") return toolLine;
  if (isPlainParagraph(result)) return `${toolLine}\n${result}`;
  const fence = "`".repeat(Math.max(3, longestBacktickRun(result) + 1));
  return `${toolLine}\n${fence}${RESULT_FENCE_INFO}\n${result}\n${fence}`;
}

/** A result that reads back as written when put right under the tool line. */
function isPlainParagraph(text: string): boolean {
  return text.split("\n").every((line) =>
    line !== "" && !line.startsWith("\\") && !mustEscape(line) && !fenceOpening(line)
  );
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
