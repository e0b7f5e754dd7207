/**
 * A session read a page at a time, so a long session never floods an agent's
 * context: at most `limit` events and about `maxChars` characters of text per
 * page, an event too long for a page cut with a note saying so.
 *
 * @module
 */
import type { SessionView } from "../core/crucible.ts";
import type { ToolArgs } from "../model/event.ts";
import { type EventMeta, pickEventMeta } from "../model/event_meta.ts";
import { sessionHeader } from "../core/session_facts.ts";

/** Events per page unless asked otherwise. */
export const DEFAULT_PAGE_EVENTS = 50;
/** The most events a page may hold. */
export const MAX_PAGE_EVENTS = 500;
/** Characters of event text per page unless asked otherwise. */
export const DEFAULT_PAGE_CHARS = 20_000;

/** Which page to read. */
export interface PageOptions {
  /** Index of the first event (0 is the session's first). */
  offset?: number;
  /** At most this many events. */
  limit?: number;
  /** About this many characters of event text at most (one event is always given, cut if need be). */
  maxChars?: number;
}

/** One event on a page, with its details (model, tokens, cost …) when it has them. */
export interface PageEvent extends EventMeta {
  index: number;
  role: string;
  at: string;
  file: string;
  /** The 1-based line of `file` the event starts on. */
  line: number;
  tool?: string;
  args?: ToolArgs;
  content: string;
  /** Set when `content` was cut to fit the page: the event's full length in characters. */
  full_length?: number;
}

/** A page of a session. */
export interface SessionPage {
  [key: string]: unknown;
  id: string;
  type: string;
  title: string | null;
  tags: string[];
  started: string;
  ended: string | null;
  files: string[];
  total_events: number;
  offset: number;
  events: PageEvent[];
  /** The offset of the next page, or null after the last event. */
  next_offset: number | null;
}

/**
 * Cuts one page out of a session.
 *
 * @example
 * ```ts
 * import { sessionPage } from "./session_page.ts";
 * const events = [1, 2, 3].map((n) => ({ role: "user" as const, content: `event ${n}`, at: "2024-01-15T10:30:00Z", file: "a.md", line: 8 + 2 * n }));
 * const logs = [{ file: "a.md", started: "2024-01-15T10:30:00Z", context: null }];
 * const view = { id: "chat-a", type: "chat", title: null, started: "2024-01-15T10:30:00Z", ended: null, last_activity: "", files: ["a.md"], logs, events, warnings: [] };
 * const page = sessionPage(view, { offset: 1, limit: 1 });
 * console.assert(page.events[0].content === "event 2" && page.next_offset === 2);
 * ```
 */
export function sessionPage(view: SessionView, options: PageOptions = {}): SessionPage {
  const offset = Math.max(0, options.offset ?? 0);
  const limit = Math.min(Math.max(1, options.limit ?? DEFAULT_PAGE_EVENTS), MAX_PAGE_EVENTS);
  const budget = Math.max(1, options.maxChars ?? DEFAULT_PAGE_CHARS);
  const events: PageEvent[] = [];
  let used = 0;
  let index = offset;
  for (; index < view.events.length && events.length < limit; index++) {
    const event = view.events[index];
    const room = budget - used;
    if (events.length > 0 && event.content.length > room) break; // starts the next page
    const cut = event.content.length > room;
    const content = cut ? event.content.slice(0, room) : event.content;
    used += content.length;
    events.push({
      index,
      role: event.role,
      at: event.at,
      file: event.file,
      line: event.line,
      ...(event.tool === undefined ? {} : { tool: event.tool }),
      ...(event.args === undefined ? {} : { args: event.args }),
      content,
      ...(cut ? { full_length: event.content.length } : {}),
      ...pickEventMeta(event),
    });
  }
  return {
    ...sessionHeader(view),
    files: view.files,
    total_events: view.events.length,
    offset,
    events,
    next_offset: index < view.events.length ? index : null,
  };
}
