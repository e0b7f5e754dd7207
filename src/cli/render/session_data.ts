/**
 * A session as `show --json` prints it (and `export --format json|jsonl`):
 * the field names scripts rely on.
 *
 * @module
 */
import type { SessionView } from "../../core/crucible.ts";
import type { ReadEvent } from "../../model/event.ts";
import { type EventMeta, pickEventMeta } from "../../model/event_meta.ts";
import { sessionHeader } from "../../core/session_facts.ts";

/** One event of `show --json`, with its details (model, tokens, cost, duration, tool call id, status) when it has them. */
export interface EventData extends EventMeta {
  role: string;
  content: string;
  at: string;
  file: string;
  line: number;
  tool?: string;
  args?: Record<string, unknown>;
}

/** The event as `show --json` prints it. */
export function eventData(event: ReadEvent): EventData {
  return {
    role: event.role,
    content: event.content,
    at: event.at,
    file: event.file,
    line: event.line,
    ...(event.role === "tool" ? { tool: event.tool, args: event.args } : {}),
    ...pickEventMeta(event),
  };
}

/**
 * The session as `show --json` prints it.
 *
 * @example
 * ```ts ignore
 * console.log(JSON.stringify(sessionData(await cru.show(id))));
 * ```
 */
export function sessionData(view: SessionView): Record<string, unknown> & { events: EventData[] } {
  return {
    ...sessionHeader(view),
    last_activity: view.last_activity,
    files: view.files,
    logs: view.logs,
    events: view.events.map(eventData),
  };
}
