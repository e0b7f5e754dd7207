/**
 * Events: the unit a session is made of.
 *
 * @module
 */
import type { Role } from "./role.ts";

/** JSON arguments of a tool call: always an object. */
export type ToolArgs = Record<string, unknown>;

/**
 * One event of a session, as written to and read back from a log.
 *
 * `at` is the time of the `## <timestamp>` turn the event sits under. For
 * `role: "tool"`, `tool` is the tool's name, `args` its arguments and
 * `content` its result.
 */
export interface SessionEvent {
  role: Role;
  content: string;
  at: string;
  tool?: string;
  args?: ToolArgs;
}

/** An event not yet written: the store gives it its time. */
export interface NewEvent {
  role: Role;
  content: string;
  tool?: string;
  args?: ToolArgs;
}
