/**
 * Rows as stored: logs and events turned into database records, and back.
 *
 * @module
 */
import { RecordId } from "surrealdb";
import { InvalidInputError } from "../model/errors.ts";
import { formatTimestamp, timestampMs } from "../model/timestamp.ts";
import type { IndexedEvent, IndexedLog, SearchFilters } from "./types.ts";

/** An `event` row. */
export interface EventRow {
  id: RecordId;
  file: string;
  session_id: string;
  type: string;
  seq: number;
  role: string;
  tool?: string;
  at: string;
  /** `at` in ms; the log's start (or its file time) when `at` cannot be read. */
  at_ms: number;
  /** What is searched: the tool's name, then the content. */
  text: string;
}

/** A `log` row without its counts. */
export interface LogRow {
  file: string;
  session_id: string;
  type: string;
  title: string | null;
  started: string;
  started_ms?: number;
  ended: string | null;
  size: number;
  mtime_ms: number;
  hash: string;
}

/** Counts of a log's events, kept on its row. */
export interface LogCounts {
  events: number;
  /** Greatest `seq`, -1 without events. */
  last_seq: number;
  /** Newest event time, absent without events. */
  last_ms?: number;
}

/** The record id of a log. */
export function logId(file: string): RecordId {
  return new RecordId("log", file);
}

/** Checks what the index relies on; throws {@linkcode InvalidInputError}. */
export function checkLog(log: IndexedLog): void {
  if (typeof log.file !== "string" || log.file === "") {
    throw new InvalidInputError("log file", String(log.file), "a path");
  }
  if (typeof log.sessionId !== "string" || log.sessionId === "") {
    throw new InvalidInputError("session id", String(log.sessionId), "a session id");
  }
  const seen = new Set<number>();
  for (const event of log.events) {
    if (!Number.isSafeInteger(event.seq) || event.seq < 0 || seen.has(event.seq)) {
      throw new InvalidInputError(`event seq in ${log.file}`, String(event.seq), "a unique integer ≥ 0");
    }
    seen.add(event.seq);
  }
}

/** The `log` row of a log, counts aside. */
export function logRow(log: IndexedLog): LogRow {
  return {
    file: log.file,
    session_id: log.sessionId,
    type: log.sessionType,
    title: log.title,
    started: log.started,
    started_ms: finite(timestampMs(log.started)),
    ended: log.ended,
    size: log.fingerprint.size,
    mtime_ms: log.fingerprint.mtimeMs,
    hash: log.fingerprint.hash,
  };
}

/** The `event` rows of a log. */
export function eventRows(log: IndexedLog, events: IndexedEvent[] = log.events): EventRow[] {
  const fallbackMs = finite(timestampMs(log.started)) ?? log.fingerprint.mtimeMs;
  return events.map((event) => {
    const row: EventRow = {
      id: new RecordId("event", [log.file, event.seq]),
      file: log.file,
      session_id: log.sessionId,
      type: log.sessionType,
      seq: event.seq,
      role: event.role,
      at: event.at,
      at_ms: finite(timestampMs(event.at)) ?? fallbackMs,
      text: event.tool ? `${event.tool}\n${event.content}` : event.content,
    };
    if (event.tool) row.tool = event.tool;
    return row;
  });
}

/** The counts of a complete list of events. */
export function countEvents(rows: EventRow[]): LogCounts {
  const counts: LogCounts = { events: rows.length, last_seq: -1 };
  for (const row of rows) {
    counts.last_seq = Math.max(counts.last_seq, row.seq);
    counts.last_ms = Math.max(counts.last_ms ?? row.at_ms, row.at_ms);
  }
  return counts;
}

/** An ISO-8601 time for ms since the epoch, in whole seconds like every time cru shows. */
export function isoFromMs(ms: number): string {
  return formatTimestamp(new Date(ms));
}

/** Checks filters and builds the `WHERE` conditions for them (values are always bound). */
export function filterClauses(
  filters: SearchFilters,
  fields: { type: string; since: string; until: string },
): { clauses: string[]; vars: Record<string, unknown> } {
  const clauses: string[] = [];
  const vars: Record<string, unknown> = {};
  if (filters.type !== undefined) {
    clauses.push(`${fields.type} = $type`);
    vars.type = filters.type;
  }
  for (const key of ["since", "until"] as const) {
    const value = filters[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value)) throw new InvalidInputError(key, String(value), "a time in ms since the epoch");
    clauses.push(`${fields[key]} ${key === "since" ? ">=" : "<="} $${key}`);
    vars[key] = value;
  }
  if (filters.limit !== undefined && (!Number.isSafeInteger(filters.limit) || filters.limit < 1)) {
    throw new InvalidInputError("limit", String(filters.limit), "a whole number ≥ 1");
  }
  return { clauses, vars };
}

function finite(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
