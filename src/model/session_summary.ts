/**
 * The one rule that makes a session's summary out of its logs: used by the
 * index when listing, and by the store and the CLI when they summarise a
 * session themselves.
 *
 * @module
 */
import type { SessionSummary } from "./search_result.ts";
import { formatTimestamp } from "./timestamp.ts";

/** What the summary needs to know about one log of the session. */
export interface LogSummaryInput {
  /** Store-relative or absolute path: only orders logs that started at the same time. */
  file: string;
  sessionId: string;
  sessionType: string;
  title: string | null;
  tags: string[];
  /** ISO-8601 `started` of the log. */
  started: string;
  ended: string | null;
  events: number;
  /** Time of the log's newest event in ms, or null without events. */
  lastEventMs: number | null;
  /** Modification time of the log file in ms (last activity of a session without events). */
  mtimeMs: number;
}

/**
 * Summarises a session from its logs (any order): the first log (earliest
 * `started`) gives id, type and `started`; the title is the first log's title
 * that has one; `last_activity` is the newest event's time, else the newest
 * log's mtime; `ended` is the newest log's; tags are every log's, each once.
 * Throws a `RangeError` for no logs.
 *
 * @example
 * ```ts
 * import { summarizeSession } from "./session_summary.ts";
 * const log = {
 *   file: "a.md", sessionId: "chat-1", sessionType: "chat", title: "Fix", tags: ["x"],
 *   started: "2024-01-15T10:30:00Z", ended: null, events: 2, lastEventMs: Date.parse("2024-01-15T10:31:00Z"), mtimeMs: 0,
 * };
 * const summary = summarizeSession([log]);
 * console.assert(summary.title === "Fix" && summary.last_activity === "2024-01-15T10:31:00Z");
 * ```
 */
export function summarizeSession(logs: readonly LogSummaryInput[]): SessionSummary {
  if (logs.length === 0) throw new RangeError("a session summary needs at least one log");
  const ordered = [...logs].sort(byStart);
  const first = ordered[0];
  const newest = ordered[ordered.length - 1];
  let lastEventMs: number | null = null;
  let events = 0;
  const tags: string[] = [];
  for (const log of ordered) {
    events += log.events;
    if (log.lastEventMs !== null && (lastEventMs === null || log.lastEventMs > lastEventMs)) {
      lastEventMs = log.lastEventMs;
    }
    for (const tag of log.tags) if (!tags.includes(tag)) tags.push(tag);
  }
  return {
    id: first.sessionId,
    type: first.sessionType,
    title: ordered.find((log) => log.title !== null && log.title !== "")?.title ?? null,
    tags,
    started: first.started,
    last_activity: formatTimestamp(new Date(lastEventMs ?? newest.mtimeMs)),
    events,
    ended: newest.ended,
  };
}

/** The summary's `last_activity` in ms, for sorting and time filters. */
export function lastActivityMs(summary: SessionSummary): number {
  return Date.parse(summary.last_activity);
}

function byStart(a: LogSummaryInput, b: LogSummaryInput): number {
  const at = Date.parse(a.started);
  const bt = Date.parse(b.started);
  if (at !== bt && !Number.isNaN(at) && !Number.isNaN(bt)) return at - bt;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}
