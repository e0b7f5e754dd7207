/**
 * The contract between the search engine (`src/index/`) and the index service
 * that feeds it (`src/index_service/`): what goes in, what comes out. The
 * engine is pure TypeScript over {@linkcode IndexStorage}; the service reads
 * markdown through the store and hands the engine {@linkcode IndexedLog}s.
 *
 * @module
 */
import type { SearchHit, SessionSummary } from "../model/search_result.ts";
import type { LogFields } from "../model/session_summary.ts";
import type { IndexStorage } from "./index_storage.ts";
import type { Fingerprint } from "./types.ts";

/** One event of a log, as the engine indexes it. */
export interface IndexedEvent {
  /** Position of the event in its file (0, 1, 2 …). */
  seq: number;
  /** 1-based line of the event's first line in its file, for `file:line`. */
  line: number;
  role: string;
  /** The text; for a tool call, the tool's result. */
  content: string;
  /** ISO-8601 time of the event's turn. */
  at: string;
  /** The tool's name, for tool calls. */
  tool?: string;
  /** The tool's arguments as JSON text, for tool calls (searchable). */
  args?: string;
}

/**
 * The role of a continuation log's compaction summary: searchable like an
 * event, but not one of the session's events (not counted, not its activity).
 */
export const SUMMARY_ROLE = "summary";

/** Session-level facts the filters use; each optional (hand-written logs have none). */
export interface LogFacts {
  model?: string;
  cwd?: string;
  host?: string;
  branch?: string;
  /** The git remote, or the working folder's name when there is none. */
  project?: string;
  source?: string;
}

/** One log file and all it holds. */
export interface IndexedLog extends LogFields {
  /** Store-relative path, `sessions/<id>/<log>.md`: the key. */
  file: string;
  facts: LogFacts;
  fingerprint: Fingerprint;
  events: IndexedEvent[];
}

/** Filters of search and listing; they combine. Times are ms since the epoch, inclusive. */
export interface IndexFilters {
  type?: string;
  since?: number;
  until?: number;
  /** Search only: event role / tool name. */
  role?: string;
  tool?: string;
  /** Only this session. */
  session?: string;
  tag?: string;
  /** A folder and everything below it. */
  cwd?: string;
  project?: string;
  branch?: string;
  host?: string;
  model?: string;
  source?: string;
  /** At most this many results: search defaults to 20, listing to all. */
  limit?: number;
}

/** What a search gives back. */
export interface SearchAnswer {
  /** Best first, at most `limit`. `file` is store-relative; `line` is the event's line. */
  hits: SearchHit[];
  /** Every match, not only those shown. */
  total: number;
}

/** What opening found. */
export type OpenStatus = "ok" | "created" | "rebuilt";

/**
 * The engine. Writes go to an in-memory tail that is searchable at once;
 * `flush()` writes the tail out as a segment and commits. Not safe for
 * overlapping writes: the owner serialises them.
 */
export interface SearchIndex {
  readonly status: OpenStatus;
  /** Makes the index hold exactly this log's events (unchanged events keep their documents). */
  putLog(log: IndexedLog): void;
  /** Forgets a log (its documents become tombstones). */
  removeLog(file: string): void;
  /** What the index holds per file (committed and in the tail). */
  fingerprints(): ReadonlyMap<string, Fingerprint>;
  search(query: string, filters?: IndexFilters): Promise<SearchAnswer>;
  listSessions(filters?: IndexFilters): SessionSummary[];
  /** Documents in the tail, not yet written out. */
  readonly tailSize: number;
  /**
   * True while anything awaits a commit: tail documents, but also tombstones and
   * file records (a removed log, or a rewrite that only dropped events, adds no
   * document yet must be flushed to be persisted). `flush()` is a no-op otherwise.
   */
  readonly uncommitted: boolean;
  flush(): Promise<void>;
  /** Runs one tiered merge if one is due; true when it merged. */
  merge(): Promise<boolean>;
  /** Drops everything. */
  clear(): Promise<void>;
}

/** Opens the engine over a storage. */
export type OpenSearchIndex = (storage: IndexStorage) => Promise<SearchIndex>;
