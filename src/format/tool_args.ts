/**
 * The argument part of a `[Tool: name key=value …]` line: values are JSON.
 *
 * @module
 */
import type { ToolArgs } from "../model/event.ts";

const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Renders tool arguments as `key=value` pairs with JSON values, or as one JSON
 * object when a key could not be read back as a bare word.
 *
 * @example
 * ```ts
 * import { renderToolArgs } from "./tool_args.ts";
 * console.assert(renderToolArgs({ tags: ["project"] }) === 'tags=["project"]');
 * ```
 */
export function renderToolArgs(args: ToolArgs): string {
  const keys = Object.keys(args);
  if (keys.length === 0) return "";
  if (!keys.every((key) => SAFE_KEY.test(key))) return JSON.stringify(args);
  return keys.map((key) => `${key}=${JSON.stringify(args[key] ?? null)}`).join(" ");
}

/** Result of reading an argument text: the arguments, and a problem if part was not JSON. */
export interface ParsedToolArgs {
  args: ToolArgs;
  problem?: string;
}

/**
 * Reads the argument part of a tool line. Bare words that are not JSON are kept
 * as strings (people write `path=notes.md`); text that cannot be read at all is
 * kept whole under the key `_` with a problem reported.
 */
export function parseToolArgs(text: string): ParsedToolArgs {
  const trimmed = text.trim();
  if (trimmed === "") return { args: {} };
  if (trimmed.startsWith("{")) {
    try {
      const value = JSON.parse(trimmed);
      if (value && typeof value === "object" && !Array.isArray(value)) return { args: value };
    } catch { /* fall through to the lenient reading below */ }
    return { args: { _: trimmed }, problem: "tool arguments are not a JSON object" };
  }
  const args: ToolArgs = {};
  let position = 0;
  while (position < trimmed.length) {
    const pair = /^([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(trimmed.slice(position));
    if (!pair) {
      return {
        args: { _: trimmed },
        problem: `cannot read tool arguments at ${JSON.stringify(trimmed.slice(position, position + 20))}`,
      };
    }
    position += pair[0].length;
    const end = jsonValueEnd(trimmed, position);
    const raw = trimmed.slice(position, end);
    // defineProperty, not assignment: a key named __proto__ must stay an ordinary key.
    Object.defineProperty(args, pair[1], {
      value: readValue(raw),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    position = end;
    while (trimmed[position] === " " || trimmed[position] === "\t") position++;
  }
  return { args };
}

function readValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The index just past the JSON value (or bare word) that starts at `start`. */
function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i + 1;
    } else if ((char === " " || char === "\t") && depth === 0) return i;
  }
  return text.length;
}
