/**
 * The shapes the index takes in and gives back. The core feeds the index
 * {@linkcode IndexedLog}s read from the store; the index never reads markdown.
 *
 * @module
 */

/**
 * What the index knew about a log file when it indexed it. The core compares
 * it with the file on disk to find logs the index has missed.
 */
export interface Fingerprint {
  /** File size in bytes. */
  size: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
  /** A hash of the text that was indexed (the core chooses the algorithm). */
  hash: string;
}

/** One event of a log, as the index stores it. */
export interface IndexedEvent {
  /** Position of the event in its file, an integer ≥ 0, increasing; with the file, the event's key. */
  seq: number;
  role: string;
  /** The text; for a tool call, the tool's result. */
  content: string;
  /** ISO-8601 time of the event's turn. */
  at: string;
  /** The tool's name, for tool calls; searched with the content. */
  tool?: string;
}

/** One log file and all it holds, keyed by its absolute path. */
export interface IndexedLog {
  /** Absolute path of the log file: the key. */
  file: string;
  /** The session the file belongs to: the session folder's id, also for continuation logs. */
  sessionId: string;
  sessionType: string;
  title: string | null;
  /** ISO-8601 `started` of the log's frontmatter. */
  started: string;
  /** ISO-8601 `ended` of the log's frontmatter, or null. */
  ended: string | null;
  fingerprint: Fingerprint;
  events: IndexedEvent[];
}

/** Filters of {@linkcode SessionIndex.search} and {@linkcode SessionIndex.listSessions}; they combine. */
export interface SearchFilters {
  /** Only sessions of this type. */
  type?: string;
  /** Only from this time on, ms since the epoch (inclusive). */
  since?: number;
  /** Only up to this time, ms since the epoch (inclusive). */
  until?: number;
  /** At most this many results: search defaults to 20, listing to all. */
  limit?: number;
}

export type { SearchHit, SessionSummary } from "../model/search_result.ts";

/** The marks around matched words in {@linkcode SearchHit.snippet} and its cut ends. */
export const SNIPPET_MARKS = { open: "«", close: "»", cut: "…" } as const;
