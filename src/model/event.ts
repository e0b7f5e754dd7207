/**
 * Events: the unit a session is made of.
 *
 * @module
 */
import { InvalidInputError } from "./errors.ts";
import { type EventMeta, pickEventMeta } from "./event_meta.ts";
import { isRole, type Role, ROLES } from "./role.ts";

export type { EventMeta, EventStatus, TokenUsage } from "./event_meta.ts";

/** JSON arguments of a tool call: always an object. */
export type ToolArgs = Record<string, unknown>;

/**
 * One event of a session, as written to and read back from a log.
 *
 * `at` is the time of the `## <timestamp>` turn the event sits under. For
 * `role: "tool"`, `tool` is the tool's name, `args` its arguments and
 * `content` its result. The {@linkcode EventMeta} fields (model, tokens,
 * cost, duration, tool call id, status) are optional.
 */
export interface SessionEvent extends EventMeta {
  role: Role;
  content: string;
  at: string;
  tool?: string;
  args?: ToolArgs;
}

/** An event as written (or read back), with the log file it is in. */
export interface StoredEvent extends SessionEvent {
  file: string;
}

/** An event as read back from its log: also the 1-based line it starts on. */
export interface ReadEvent extends StoredEvent {
  line: number;
}

/** An event not yet written: the store gives it its time. */
export interface NewEvent extends EventMeta {
  role: Role;
  content: string;
  tool?: string;
  args?: ToolArgs;
}

/** A tool name as it can stand in a `[Tool: name …]` line. */
const TOOL_NAME = /^[^\s[\]]{1,200}$/;

/**
 * Checks an event before it is written and returns it with its text made
 * well-formed Unicode (a lone surrogate cannot be stored as UTF-8).
 *
 * @example
 * ```ts
 * import { validateNewEvent } from "./event.ts";
 * const event = validateNewEvent({ role: "tool", tool: "grep", args: { q: "x" }, content: "3 hits" });
 * console.assert(event.tool === "grep");
 * ```
 */
export function validateNewEvent(event: NewEvent): NewEvent {
  if (!isRole(event.role)) throw new InvalidInputError("role", String(event.role), `one of ${ROLES.join(", ")}`);
  if (typeof event.content !== "string") throw InvalidInputError.withheld("content", "text");
  const content = event.content.toWellFormed();
  const meta = pickEventMeta(event);
  if (event.role !== "tool") {
    if (event.tool !== undefined || event.args !== undefined) {
      throw new InvalidInputError("event", event.role, "tool and args only on a tool event");
    }
    return { role: event.role, content, ...meta };
  }
  const tool = event.tool ?? "";
  if (!TOOL_NAME.test(tool)) throw new InvalidInputError("tool name", tool, "a name without spaces or brackets");
  const args = event.args ?? {};
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw InvalidInputError.withheld("tool args", "a JSON object");
  }
  return { role: "tool", tool, args: JSON.parse(JSON.stringify(args).toWellFormed()), content, ...meta };
}
