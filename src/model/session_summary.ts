/**
 * The one rule that makes a session's summary out of its logs: used by the
 * index when listing, and by the store and the CLI when they summarise a
 * session themselves.
 *
 * @module
 */
import { type Log, logTitle } from "./log.ts";
import type { SessionSummary } from "./search_result.ts";
import { formatTimestamp, normalizeTimestamp } from "./timestamp.ts";

/** What a log says about its session: shared by the summary, the index's file records and what the index is fed. */
export interface LogFields {
  /** Store-relative or absolute path: only orders logs that started at the same time. */
  file: string;
  /** The session folder's id (also for continuation logs). */
  sessionId: string;
  sessionType: string;
  title: string | null;
  tags: string[];
  /** ISO-8601 `started` of the log. */
  started: string;
  /** ISO-8601 `ended`, or null. */
  ended: string | null;
  /** ISO-8601 time the log was imported (frontmatter `imported:`), or null/absent when it was not. */
  imported?: string | null;
}

/** What the summary needs to know about one log of the session. */
export interface LogSummaryInput extends LogFields {
  events: number;
  /** Time of the log's newest event in ms, or null without events. */
  lastEventMs: number | null;
  /** Modification time of the log file in ms (last activity of a session without events). */
  mtimeMs: number;
}

/**
 * What the summary needs from one parsed log, with its times read as the
 * index reads them: `started` falls back to the file's mtime, an event
 * without a readable time counts at the log's start.
 *
 * @example
 * ```ts
 * import { logSummaryInput } from "./session_summary.ts";
 * const log = {
 *   meta: { session_id: "chat-a", type: "chat", started: "2024-01-15 10:30", continued_from: null, extra: {} },
 *   heading: "Deploy notes",
 *   events: [{ role: "user" as const, content: "hi", at: "2024-01-15T10:31:00Z" }],
 * };
 * const input = logSummaryInput("a.md", "chat-a", log, 0);
 * console.assert(input.title === "Deploy notes" && input.started === "2024-01-15T10:30:00Z");
 * ```
 */
export function logSummaryInput(file: string, sessionId: string, log: Log, mtimeMs: number): LogSummaryInput {
  const { meta } = log;
  const started = normalizeTimestamp(meta.started, formatTimestamp(new Date(mtimeMs)));
  let lastEventMs: number | null = null;
  for (const event of log.events) {
    const time = Date.parse(normalizeTimestamp(event.at, started));
    if (!Number.isNaN(time) && (lastEventMs === null || time > lastEventMs)) lastEventMs = time;
  }
  const imported = typeof meta.extra.imported === "string" ? normalizeTimestamp(meta.extra.imported, null) : null;
  return {
    file,
    sessionId,
    sessionType: meta.type,
    title: logTitle(log),
    tags: meta.tags ?? [],
    started,
    ended: meta.ended === undefined ? null : normalizeTimestamp(meta.ended, null),
    events: log.events.length,
    lastEventMs,
    mtimeMs,
    imported,
  };
}

/**
 * A session's title from its logs' titles, oldest log first: the first one
 * there is (a continuation keeps its first log's title).
 */
export function sessionTitle(titles: Iterable<string | null>): string | null {
  for (const title of titles) if (title !== null && title !== "") return title;
  return null;
}

/**
 * Summarises a session from its logs (any order): the first log (earliest
 * `started`) gives id, type and `started`; the title is the first log's title
 * that has one; `last_activity` is the newest event's time, else the newest
 * log's mtime, but never before the first log's `imported:` time (cleanup must
 * not remove a fresh import of old chats); `ended` is the newest log's; tags
 * are every log's, each once.
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
    title: sessionTitle(ordered.map((log) => log.title)),
    tags,
    started: first.started,
    last_activity: formatTimestamp(new Date(Math.max(lastEventMs ?? newest.mtimeMs, importedMs(first)))),
    events,
    ended: newest.ended,
  };
}

/** The summary's `last_activity` in ms, for sorting and time filters. */
export function lastActivityMs(summary: SessionSummary): number {
  return Date.parse(summary.last_activity);
}

function importedMs(log: LogSummaryInput): number {
  const ms = log.imported ? Date.parse(log.imported) : NaN;
  return Number.isNaN(ms) ? -Infinity : ms;
}

function byStart(a: LogSummaryInput, b: LogSummaryInput): number {
  const at = Date.parse(a.started);
  const bt = Date.parse(b.started);
  if (at !== bt && !Number.isNaN(at) && !Number.isNaN(bt)) return at - bt;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}
