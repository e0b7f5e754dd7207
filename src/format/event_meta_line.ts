/**
 * The line that carries an event's metadata, right under the event:
 *
 * ```markdown
 * **Assistant:** The cache key was stale.
 * <!-- cru: model=claude-sonnet-4-5 tokens_in=1200 tokens_out=300 cost=0.0123 duration_ms=2300 -->
 * ```
 *
 * An HTML comment: rendered markdown hides it, and a person reading the file
 * skims past one line. Values are JSON; plain words stand bare.
 *
 * @module
 */
import { type EventMeta, isEmptyEventMeta, pickEventMeta, type TokenUsage } from "../model/event_meta.ts";
import { parseToolArgs } from "./tool_args.ts";

const OPEN = "<!-- cru:";
const CLOSE = "-->";
/** A whole metadata line (what the parser treats as structure). */
const META_LINE = /^<!-- cru:(.*)-->[ \t]*$/;
/** The start of one: content lines starting so are escaped, as other structure is. */
export const META_LINE_START = /^<!-- cru:/;

/** Token fields as written on the line, and where they go. */
const TOKEN_FIELDS: [string, keyof TokenUsage][] = [
  ["tokens_in", "input"],
  ["tokens_out", "output"],
  ["cache_read", "cache_read"],
  ["cache_write", "cache_write"],
];
const KNOWN_FIELDS = new Set([
  "model",
  "cost",
  "duration_ms",
  "tool_call_id",
  "status",
  ...TOKEN_FIELDS.map(([f]) => f),
]);
/** A string that reads back as itself when written bare. */
const BARE = /^[A-Za-z0-9_][A-Za-z0-9._:/@+-]*$/;

/**
 * Renders the metadata line, or undefined when there is nothing to say.
 *
 * @example
 * ```ts
 * import { renderEventMetaLine } from "./event_meta_line.ts";
 * const line = renderEventMetaLine({ model: "gpt-5", tokens: { input: 10, output: 3 }, status: "ok" });
 * console.assert(line === "<!-- cru: model=gpt-5 tokens_in=10 tokens_out=3 status=ok -->");
 * ```
 */
export function renderEventMetaLine(meta: EventMeta): string | undefined {
  if (isEmptyEventMeta(meta)) return undefined;
  const pairs: string[] = [];
  if (meta.model !== undefined) pairs.push(`model=${renderText(meta.model)}`);
  for (const [field, key] of TOKEN_FIELDS) {
    const value = meta.tokens?.[key];
    if (value !== undefined) pairs.push(`${field}=${value}`);
  }
  if (meta.cost !== undefined) pairs.push(`cost=${JSON.stringify(meta.cost)}`);
  if (meta.duration_ms !== undefined) pairs.push(`duration_ms=${meta.duration_ms}`);
  if (meta.tool_call_id !== undefined) pairs.push(`tool_call_id=${renderText(meta.tool_call_id)}`);
  if (meta.status !== undefined) pairs.push(`status=${meta.status}`);
  return `${OPEN} ${pairs.join(" ")} ${CLOSE}`;
}

/** What a metadata line holds, or the problem that kept it from being read. */
export type ParsedEventMetaLine = { meta: EventMeta; problem?: undefined } | { meta?: undefined; problem: string };

/**
 * Reads a metadata line; undefined when `line` is not one.
 *
 * @example
 * ```ts
 * import { parseEventMetaLine } from "./event_meta_line.ts";
 * const parsed = parseEventMetaLine("<!-- cru: model=gpt-5 tokens_out=3 -->");
 * console.assert(parsed?.meta?.tokens?.output === 3);
 * ```
 */
export function parseEventMetaLine(line: string): ParsedEventMetaLine | undefined {
  const match = META_LINE.exec(line);
  if (!match) return undefined;
  const { args, problem } = parseToolArgs(match[1]);
  if (problem) return { problem: `event details line not understood (${problem.replace("tool arguments", "values")})` };
  const unknown = Object.keys(args).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) return { problem: `unknown event detail ${JSON.stringify(unknown[0])}` };
  const tokens: Record<string, unknown> = {};
  for (const [field, key] of TOKEN_FIELDS) if (args[field] !== undefined) tokens[key] = args[field];
  try {
    return {
      meta: pickEventMeta({
        model: args.model as string | undefined,
        tokens: Object.keys(tokens).length > 0 ? tokens as TokenUsage : undefined,
        cost: args.cost as number | undefined,
        duration_ms: args.duration_ms as number | undefined,
        tool_call_id: args.tool_call_id as string | undefined,
        status: args.status as EventMeta["status"],
      }),
    };
  } catch (error) {
    return { problem: `event details: ${(error as Error).message}` };
  }
}

/** True when `line` is a whole metadata line (well-formed or not). */
export function isEventMetaLine(line: string): boolean {
  return META_LINE.test(line);
}

/** Bare when it reads back as the same string; else JSON, with `<` and `>` escaped so `-->` cannot end the comment. */
function renderText(text: string): string {
  if (BARE.test(text) && !readsAsJson(text)) return text;
  return JSON.stringify(text).replace(/[<>]/g, (char) => (char === "<" ? "\\u003c" : "\\u003e"));
}

function readsAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
