/**
 * What queries return: search hits and session listings. The index produces
 * them; the CLI, the library and plugins consume them.
 *
 * @module
 */

/**
 * One search hit: an event whose text (tool name and content) matches, or a
 * session whose title matches (`role: "title"`).
 */
export interface SearchHit {
  session_id: string;
  type: string;
  /** The log file holding the event (for a title hit, the log that carries the title). */
  file: string;
  /** The event's time (for a title hit, the session's start). */
  at: string;
  /** The event's role, or `"title"` for a title hit. */
  role: string;
  /**
   * A window of text around the first match, on one line, matched words
   * marked `«like this»`, cut ends marked `…` .
   */
  snippet: string;
  /** BM25 relevance, higher is better; 0 when every matched word is in half the documents or more. */
  score: number;
  /** The event's position in its file (absent for title hits). */
  seq?: number;
  /**
   * 1-based line of the event in `file` (for a title hit, 1), for `file:line`.
   * Optional only while the old FULLTEXT index, which does not know it, remains.
   */
  line: number;
  /** The tool's name, for tool calls. */
  tool?: string;
}

/** One session as listed: its logs taken together. */
export interface SessionSummary {
  id: string;
  type: string;
  /** The title of its first log that has one, or null. */
  title: string | null;
  /**
   * The tags of all its logs, each once, in order of first appearance.
   * Optional only while the old FULLTEXT index, which does not know them, remains.
   */
  tags?: string[];
  /** `started` of its first log. */
  started: string;
  /** Time of its newest event (the newest log's mtime when it has no events), ISO-8601. */
  last_activity: string;
  /** Events in all its logs. */
  events: number;
  /** `ended` of its newest log, or null. */
  ended: string | null;
  /** Its facts (see model/session_facts.ts), when the index keeps them. */
  model?: string;
  cwd?: string;
  host?: string;
  branch?: string;
  project?: string;
  source?: string;
}
