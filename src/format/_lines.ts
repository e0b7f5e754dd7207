/**
 * Line-level patterns shared by the log renderer and parser. Both sides must
 * agree on them exactly, so they live in one place.
 *
 * @module
 */
import { TIMESTAMP_PATTERN } from "../model/timestamp.ts";
import { type LabelledRole, roleFromLabel } from "../model/role.ts";
import { isEventMetaLine, META_LINE_START } from "./event_meta_line.ts";

const TURN_HEADING = /^##[ \t]+(\S+(?: \S+)?)[ \t]*$/;
const LABEL = /^\*\*([A-Za-z]+):\*\*([\s\S]*)$/;
const TOOL_LINE = /^\[Tool: ([^\s[\]]+)(?: ([\s\S]*))?\][ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([\s\S]*)$/;

/** Lines that would be read as structure when they start a line (after any backslashes). */
const STRUCTURE_LIKE = [
  /^##[ \t]+\d{4}-\d{2}-\d{2}/, // a turn heading
  /^\*\*[A-Za-z]+:\*\*/, // a label, known or not
  /^\[Tool:/i, // a tool call
  META_LINE_START, // an event's details
];

/** The timestamp of a `## <timestamp>` turn heading, or undefined. */
export function turnHeadingAt(line: string): string | undefined {
  const match = TURN_HEADING.exec(line);
  return match && TIMESTAMP_PATTERN.test(match[1]) ? match[1] : undefined;
}

/** A `**Label:** text` line: the label word and the text after it. */
export function matchLabel(line: string): { label: string; role?: LabelledRole; rest: string } | undefined {
  const match = LABEL.exec(line);
  return match ? { label: match[1], role: roleFromLabel(match[1]), rest: match[2] } : undefined;
}

const TOOL_START = /^\[Tool: ([^\s[\]]+)/;

/**
 * A `[Tool: name …]` line: the name, the raw argument text, and the result when
 * it was written on the same line (`[Tool: search tags=["a"]] Found 12 notes`,
 * as people write it by hand; cru itself writes the result under the line).
 */
export function matchToolLine(line: string): { name: string; argsText: string; result?: string } | undefined {
  const start = TOOL_START.exec(line);
  if (start) {
    const close = closingBracket(line, start[0].length);
    const between = close === undefined ? undefined : line.slice(start[0].length, close);
    const after = close === undefined ? "" : line.slice(close + 1);
    if (between !== undefined && (between === "" || /^[ \t]/.test(between)) && /^([ \t]|$)/.test(after)) {
      const result = after.trim();
      return { name: start[1], argsText: between.replace(/^[ \t]/, ""), ...(result === "" ? {} : { result }) };
    }
  }
  // Arguments whose brackets or quotes do not balance: the line must end with the bracket.
  const match = TOOL_LINE.exec(line);
  return match ? { name: match[1], argsText: match[2] ?? "" } : undefined;
}

/** Index of the `]` that closes a tool line's bracket, skipping JSON strings and nested brackets. */
function closingBracket(line: string, from: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = from; i < line.length; i++) {
    const char = line[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "[" || char === "{") depth++;
    else if (char === "]" || char === "}") {
      if (depth === 0) return char === "]" ? i : undefined;
      depth--;
    }
  }
  return undefined;
}

/** An open code fence: its character and length, per CommonMark. */
export interface Fence {
  char: string;
  length: number;
}

/** The fence a line opens, or undefined. */
export function fenceOpening(line: string): Fence | undefined {
  const match = FENCE_OPEN.exec(line);
  if (!match) return undefined;
  const char = match[1][0];
  if (char === "`" && match[2].includes("`")) return undefined;
  return { char, length: match[1].length };
}

/** True when `line` closes `fence`. */
export function closesFence(fence: Fence, line: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return !!match && match[1][0] === fence.char && match[1].length >= fence.length;
}

/** True when a line is structural: a turn heading, a known label, a tool call or an event's details. */
export function isStructural(line: string): boolean {
  if (turnHeadingAt(line) !== undefined || matchToolLine(line) || isEventMetaLine(line)) return true;
  return matchLabel(line)?.role !== undefined;
}

/**
 * True when a line, with its leading backslashes removed, is something the
 * escape rule covers: structure, a fence line, or nothing at all.
 */
function isEscapable(line: string): boolean {
  const bare = line.replace(/^\\+/, "");
  return bare === "" || fenceOpening(bare) !== undefined || STRUCTURE_LIKE.some((re) => re.test(bare));
}

/** True when `line` must be escaped wherever it appears in event content. */
export function mustEscape(line: string): boolean {
  if (line.startsWith("\\")) return isEscapable(line);
  return STRUCTURE_LIKE.some((re) => re.test(line));
}

/** Removes the one backslash the renderer added, if it added one. */
export function unescapeLine(line: string): string {
  return line.startsWith("\\") && isEscapable(line) ? line.slice(1) : line;
}
