/**
 * The one place that reads the facade's search hits and session listings for
 * the browser: a row per result, the query sent, and where a row's event is in
 * its session. When hits change shape, only this file changes.
 *
 * @module
 */
import { basename } from "node:path";
import type { Crucible, SessionFilters, SessionListing, SessionView } from "../../core/crucible.ts";
import type { SearchHit } from "../../model/search_result.ts";
import type { BrowseQuery } from "./browse_query.ts";

/** One line of the result list. */
export interface BrowseRow {
  sessionId: string;
  type: string;
  /** ISO time of the event (or the session's last activity). */
  at: string;
  /** The event's role, `title`, or `session` for a listed session. */
  role: string;
  tool?: string;
  /** One line, matched words marked `«like this»`. */
  snippet: string;
  /** The event's log (absolute or store-relative), when the row is an event. */
  file?: string;
  /** The event's 1-based line in its log, when known. */
  line?: number;
  /** The event's position in its log, when known. */
  seq?: number;
}

/** What one query gives the browser. */
export interface BrowseResults {
  rows: BrowseRow[];
  /** Every match, when the index says (else the rows shown). */
  total: number;
}

/** How many results the browser asks for. */
export const BROWSE_LIMIT = 100;

/** A search hit as a row. */
export function rowFromHit(hit: SearchHit): BrowseRow {
  return {
    sessionId: hit.session_id,
    type: hit.type,
    at: hit.at,
    role: hit.role,
    ...(hit.tool === undefined ? {} : { tool: hit.tool }),
    snippet: hit.snippet,
    ...(hit.role === "title" ? {} : { file: hit.file }),
    ...(hit.role === "title" ? {} : { line: hit.line }),
    ...(typeof hit.seq === "number" ? { seq: hit.seq } : {}),
  };
}

/** A listed session as a row. */
export function rowFromSession(session: SessionListing): BrowseRow {
  return {
    sessionId: session.id,
    type: session.type,
    at: session.last_activity,
    role: "session",
    snippet: `${session.title ?? "(untitled)"} · ${session.events} ${session.events === 1 ? "event" : "events"}`,
  };
}

/**
 * Runs a query through the facade: a search when there are words, else the
 * sessions with the newest activity (a listing knows no role or tool).
 */
export async function runBrowseQuery(cru: Crucible, query: BrowseQuery): Promise<BrowseResults> {
  const { type, since, until, role, tool } = query.filters;
  const filters: SessionFilters = {
    ...(type === undefined ? {} : { type }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    limit: BROWSE_LIMIT,
  };
  if (query.words.trim() === "") {
    if (role !== undefined || tool !== undefined) return { rows: [], total: 0 };
    const { sessions } = await cru.list(filters);
    return { rows: sessions.map(rowFromSession), total: sessions.length };
  }
  const answer = await cru.search(query.words, {
    ...filters,
    ...(role === undefined ? {} : { role }),
    ...(tool === undefined ? {} : { tool }),
  });
  return { rows: answer.hits.map(rowFromHit), total: answer.total };
}

/**
 * The index in `view.events` of the row's event: by its log and line when the
 * index gives lines, else by its position in the log; -1 for a title or a
 * session row, or when the log changed since.
 */
export function eventIndexOf(view: SessionView, row: BrowseRow): number {
  if (row.file === undefined) return -1;
  const log = basename(row.file);
  if (row.line !== undefined) {
    const i = view.events.findIndex((e) => basename(e.file) === log && e.line === row.line);
    if (i >= 0) return i;
  }
  if (row.seq !== undefined) {
    let n = 0;
    for (let i = 0; i < view.events.length; i++) {
      if (basename(view.events[i].file) !== log) continue;
      if (n === row.seq) return i;
      n++;
    }
  }
  return -1;
}
