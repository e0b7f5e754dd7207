/**
 * The session index: what the core writes to and asks. A pure wrapper over
 * SurrealDB; every write is one transaction, so a stored fingerprint always
 * comes with all of its file's events.
 *
 * @module
 */
import type { Surreal } from "surrealdb";
import { IndexUnavailableError, WaitTimeoutError } from "../model/errors.ts";
import { closeSurreal, connectSurreal, displayUrl, type OpenIndexOptions } from "./connect.ts";
import { defineSchema, dropSchema, ensureSchema, MAX_SEQ, type SchemaStatus } from "./schema.ts";
import { makeSnippet, RAW_MARKS } from "./snippet.ts";
import { KeyedLock } from "./_keyed_lock.ts";
import { markPieces, piecesOf } from "./_highlight.ts";
import { checkLog, countEvents, eventRows, filterClauses, isoFromMs, logId, logRow } from "./_rows.ts";
import type { Fingerprint, IndexedLog, SearchFilters, SearchHit, SessionSummary } from "./types.ts";

/** Options of {@linkcode openIndex}. */
export interface SessionIndexOptions extends OpenIndexOptions {
  /** Bound on each call, ms (default 120 000; a large log's events are indexed at ~1–2k per second). */
  operationTimeoutMs?: number;
}

/** Options of {@linkcode SessionIndex.appendEvents}. */
export interface AppendOptions {
  /**
   * The fingerprint the file had before these events were written. When given,
   * the append is applied only if the index holds exactly that fingerprint
   * for the file, so it cannot paper over events the index missed.
   */
  previous?: Fingerprint;
}

/** Search hits when {@linkcode SearchFilters.limit} is not given. */
export const DEFAULT_SEARCH_LIMIT = 20;

/**
 * An open index. Every call is bounded in time. Calls may overlap: writes to
 * one session run one after the other within this process (SurrealDB's
 * transactions would otherwise lose updates), writes to different sessions
 * run at once. Across processes (a shared server), two writers of one session
 * can leave its summary stale until its next write.
 */
export interface SessionIndex {
  /** What opening found: `ok`, or `created`/`rebuilt` (empty: the core must feed it every log). */
  readonly schema: SchemaStatus;
  /** Deletes the file's events, inserts these, stores the fingerprint and updates the session. */
  replaceLog(log: IndexedLog): Promise<void>;
  /**
   * Adds events written after those already indexed for the file (the fast
   * path of dual write); the fingerprint replaces the stored one. Events with
   * a `seq` the index already holds for the file replace those and all after.
   * Returns false, changing nothing, when `options.previous` is given and
   * differs from the stored fingerprint (the caller should then
   * {@linkcode SessionIndex.replaceLog}).
   */
  appendEvents(log: IndexedLog, options?: AppendOptions): Promise<boolean>;
  /** Forgets files that are gone from disk: their events, fingerprints, and their sessions if emptied. */
  removeLogs(files: string[]): Promise<void>;
  /** Forgets a session and all its files. */
  removeSession(sessionId: string): Promise<void>;
  /** The fingerprint of every file the index knows, by path. */
  fingerprints(): Promise<Map<string, Fingerprint>>;
  /**
   * Full-text search over event text (tool name and content) and session
   * titles; every word of `query` must match (stemmed: "running" finds
   * "runs"). Best first by BM25; filters combine (`since`/`until` on the
   * event's time; for a title hit, on the session's span). One hit per
   * event, plus `role: "title"` hits for sessions whose title matches (their
   * scores come from the titles' own BM25 statistics). Returns [] for a query
   * without words.
   */
  search(query: string, filters?: SearchFilters): Promise<SearchHit[]>;
  /** Sessions, newest `last_activity` first; `since`/`until` apply to `last_activity`. */
  listSessions(filters?: SearchFilters): Promise<SessionSummary[]>;
  /** Drops every row and redefines the schema (before a full reindex). */
  clear(): Promise<void>;
  /**
   * Compacts the store. After many writes (a reindex) the next open of an
   * embedded store replays its log, which takes seconds; compacting first
   * makes it fast again (measured: 0.5 s at 20k events, 2.3 s at 100k; the
   * next open then takes ~0.07 s instead of ~2 s).
   */
  compact(): Promise<void>;
  /**
   * Closes the connection; never waits longer than `ms` (default 2 000).
   * Processes that defined the full-text index must still end with an explicit
   * exit: the engine keeps them alive.
   */
  close(ms?: number): Promise<void>;
}

/**
 * Opens (and if needed creates) the index. Throws `IndexBusyError` when
 * another process holds an embedded store, `WaitTimeoutError` when opening
 * takes longer than `timeoutMs`, `IndexUnavailableError` otherwise.
 *
 * @example
 * ```ts ignore
 * import { embeddedIndexUrl, openIndex } from "./mod.ts";
 * const index = await openIndex({ url: embeddedIndexUrl("/tmp/cru-example/index") });
 * await index.replaceLog({
 *   file: "/tmp/cru-example/sessions/chat-1/2024-01-15-1030.md",
 *   sessionId: "chat-1", sessionType: "chat", title: null,
 *   started: "2024-01-15T10:30:00Z", ended: null,
 *   fingerprint: { size: 120, mtimeMs: 1705314600000, hash: "abc" },
 *   events: [{ seq: 0, role: "user", content: "The build runs slowly", at: "2024-01-15T10:30:00Z" }],
 * });
 * const hits = await index.search("running build");
 * console.log(hits[0].snippet); // "The «build» «runs» slowly"
 * await index.close();
 * ```
 */
export async function openIndex(options: SessionIndexOptions): Promise<SessionIndex> {
  const db = await connectSurreal(options);
  const timeoutMs = options.operationTimeoutMs ?? 120_000;
  try {
    const schema = await bounded(
      ensureSchema(db),
      timeoutMs,
      `the index at ${displayUrl(options.url)} to check its schema`,
    );
    return new SurrealSessionIndex(db, schema, displayUrl(options.url), timeoutMs);
  } catch (error) {
    void closeSurreal(db);
    throw error;
  }
}

/** Deletes all events of `$file`: its key range. */
const DELETE_FILE_EVENTS = "DELETE event:[$file, 0]..=[$file, $max_seq] RETURN NONE;";

/**
 * Writes `$events`. Not `INSERT`: in SurrealDB 3.0.2 an `INSERT` in the
 * transaction that deleted the same keys fails with "already exists". Rows
 * are always deleted first, because changing a row's text in place costs the
 * full-text index time that grows with the square of the rows changed.
 */
const WRITE_EVENTS = "FOR $row IN $events { UPSERT $row.id CONTENT $row RETURN NONE; };";

/** Refreshes the file's session, and the one it belonged to before if that differs. */
const REFRESH_SESSIONS = `fn::cru_refresh_session($sid);
IF $old_sid != NONE AND $old_sid != $sid { fn::cru_refresh_session($old_sid); };`;

class SurrealSessionIndex implements SessionIndex {
  #db: Surreal;
  #url: string;
  #timeoutMs: number;
  #closed = false;
  /** Writes to one session run one at a time (see {@linkcode KeyedLock}); different sessions run at once. */
  #lock = new KeyedLock();
  readonly schema: SchemaStatus;

  constructor(db: Surreal, schema: SchemaStatus, url: string, timeoutMs: number) {
    this.#db = db;
    this.schema = schema;
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  async replaceLog(log: IndexedLog): Promise<void> {
    checkLog(log);
    const events = eventRows(log);
    await this.#lock.run([log.sessionId], () =>
      this.#run(
        `index ${log.file}`,
        `BEGIN TRANSACTION;
LET $old_sid = (SELECT VALUE session_id FROM ONLY $log_id);
${DELETE_FILE_EVENTS}
${WRITE_EVENTS}
UPSERT $log_id CONTENT $log RETURN NONE;
${REFRESH_SESSIONS}
COMMIT TRANSACTION;`,
        {
          log_id: logId(log.file),
          log: { ...logRow(log), ...countEvents(events) },
          events,
          file: log.file,
          sid: log.sessionId,
          max_seq: MAX_SEQ,
        },
      ));
  }

  async appendEvents(log: IndexedLog, options: AppendOptions = {}): Promise<boolean> {
    checkLog(log);
    const events = eventRows(log);
    const added = countEvents(events);
    const previous = options.previous;
    // Every LET comes before the first write: in SurrealDB 3.0.2 a LET that
    // follows a write inside an IF block is NONE to the writes after it.
    const results = await this.#lock.run([log.sessionId], () =>
      this.#run<unknown[]>(
        `append to ${log.file}`,
        `BEGIN TRANSACTION;
LET $prev = (SELECT * FROM ONLY $log_id);
LET $old_sid = $prev.session_id;
LET $ok = ($expect = NONE) OR ($prev != NONE AND $prev.size = $expect.size
  AND $prev.mtime_ms = $expect.mtimeMs AND $prev.hash = $expect.hash);
LET $overlap = $ok AND $prev != NONE AND $first_seq != NONE AND $first_seq <= $prev.last_seq;
LET $kept = IF $overlap { SELECT seq, at_ms FROM event:[$file, 0]..[$file, $first_seq] } ELSE { [] };
LET $counts = IF $prev = NONE {
  $added
} ELSE IF $overlap {
  {
    events: array::len($kept) + $added.events,
    last_seq: math::max(array::concat($kept.seq, [$added.last_seq])),
    last_ms: math::max(array::concat($kept.at_ms, [$added.last_ms])[WHERE $this != NONE AND $this != NULL]),
  }
} ELSE {
  {
    events: $prev.events + $added.events,
    last_seq: math::max([$prev.last_seq, $added.last_seq]),
    last_ms: math::max([$prev.last_ms, $added.last_ms][WHERE $this != NONE AND $this != NULL]),
  }
};
IF $overlap { DELETE event:[$file, $first_seq]..=[$file, $max_seq] RETURN NONE; };
IF $ok { ${WRITE_EVENTS} };
IF $ok { UPSERT $log_id CONTENT object::extend($log, $counts) RETURN NONE; };
IF $ok { fn::cru_refresh_session($sid); };
IF $ok AND $old_sid != NONE AND $old_sid != $sid { fn::cru_refresh_session($old_sid); };
COMMIT TRANSACTION;
RETURN $ok;`,
        {
          log_id: logId(log.file),
          log: logRow(log),
          events,
          added,
          first_seq: events.reduce<number | undefined>(
            (min, event) => Math.min(min ?? event.seq, event.seq),
            undefined,
          ),
          expect: previous,
          file: log.file,
          sid: log.sessionId,
          max_seq: MAX_SEQ,
        },
      ));
    return results.at(-1) === true;
  }

  async removeLogs(files: string[]): Promise<void> {
    // One transaction per file: deleting a large file's events from the
    // full-text index takes a while, and each file is then done or not.
    for (const file of new Set(files)) {
      const [sid] = await this.#run<[string | undefined]>(
        `read the session of ${file}`,
        "SELECT VALUE session_id FROM ONLY $log_id;",
        { log_id: logId(file) },
      );
      if (typeof sid !== "string") continue;
      await this.#lock.run([sid], () =>
        this.#run(
          `forget ${file}`,
          `BEGIN TRANSACTION;
LET $old_sid = (SELECT VALUE session_id FROM ONLY $log_id);
${DELETE_FILE_EVENTS}
DELETE $log_id RETURN NONE;
IF $old_sid != NONE { fn::cru_refresh_session($old_sid); };
COMMIT TRANSACTION;`,
          { log_id: logId(file), file, max_seq: MAX_SEQ },
        ));
    }
  }

  async removeSession(sessionId: string): Promise<void> {
    const [files] = await this.#run<[string[]]>(
      `list the files of ${sessionId}`,
      "SELECT VALUE file FROM log WHERE session_id = $sid;",
      { sid: sessionId },
    );
    await this.removeLogs(files);
    await this.#run(`forget ${sessionId}`, `DELETE type::record("session", $sid) RETURN NONE;`, { sid: sessionId });
  }

  async fingerprints(): Promise<Map<string, Fingerprint>> {
    const [rows] = await this.#run<[Array<{ file: string; size: number; mtime_ms: number; hash: string }>]>(
      "read fingerprints",
      "SELECT file, size, mtime_ms, hash FROM log;",
    );
    return new Map(rows.map((row) => [row.file, { size: row.size, mtimeMs: row.mtime_ms, hash: row.hash }]));
  }

  async search(query: string, filters: SearchFilters = {}): Promise<SearchHit[]> {
    const limit = filters.limit ?? DEFAULT_SEARCH_LIMIT;
    const events = filterClauses(filters, { type: "type", since: "at_ms", until: "at_ms" });
    const titles = filterClauses(filters, { type: "type", since: "last_ms", until: "started_ms" });
    type Row = Omit<SearchHit, "snippet" | "score"> & {
      text: string;
      at_ms?: number;
      last_ms?: number;
      score?: number;
    };
    // Ranking first, on as little as possible; the text only of the rows kept.
    const [, eventRows, scores, titleRows, queryTokens] = await this.#run<[unknown, Row[], number[], Row[], string[]]>(
      "search",
      `LET $top = SELECT id, at_ms, file, seq, search::score(1) AS score
  FROM event WHERE text @1@ $q${and(events.clauses)}
  ORDER BY score DESC, at_ms DESC, file, seq LIMIT $limit;
SELECT session_id, type, file, seq, role, tool, at, at_ms, text FROM $top.id;
RETURN $top.score;
SELECT session_id, type, title_file AS file, started AS at, last_ms,
    search::score(1) AS score, search::highlight($open, $close, 1) AS text
  FROM session WHERE title @1@ $q${and(titles.clauses)}
  ORDER BY score DESC, last_ms DESC, session_id LIMIT $limit;
RETURN search::analyze("cru_text", $q);`,
      { q: query, limit, open: RAW_MARKS.open, close: RAW_MARKS.close, ...events.vars, ...titles.vars },
    );
    const matched = await this.#matchedPieces(eventRows.map((row) => row.text ?? ""), queryTokens);
    const hits = [
      ...eventRows.map((row, i) => ({
        hit: toHit({ ...row, score: scores[i], text: markPieces(row.text ?? "", matched) }, row.role),
        ms: row.at_ms ?? 0,
      })),
      ...titleRows.map((row) => ({ hit: toHit({ ...row, score: row.score ?? 0 }, "title"), ms: row.last_ms ?? 0 })),
    ];
    hits.sort((a, b) =>
      b.hit.score - a.hit.score || b.ms - a.ms || compare(a.hit.file, b.hit.file) ||
      (a.hit.seq ?? -1) - (b.hit.seq ?? -1)
    );
    return hits.slice(0, limit).map(({ hit }) => hit);
  }

  /** The pieces of `texts` that the analyzer turns into one of `queryTokens`. */
  async #matchedPieces(texts: string[], queryTokens: string[]): Promise<Set<string>> {
    const pieces = piecesOf(texts);
    if (pieces.length === 0 || queryTokens.length === 0) return new Set();
    const [tokens] = await this.#run<[string[][]]>(
      "mark matches",
      `RETURN array::map($pieces, |$piece| search::analyze("cru_text", $piece));`,
      { pieces },
    );
    const wanted = new Set(queryTokens);
    return new Set(pieces.filter((_, i) => tokens[i]?.some((token) => wanted.has(token))));
  }

  async listSessions(filters: SearchFilters = {}): Promise<SessionSummary[]> {
    const { clauses, vars } = filterClauses(filters, { type: "type", since: "last_ms", until: "last_ms" });
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(" AND ")}` : "";
    const limit = filters.limit !== undefined ? " LIMIT $limit" : "";
    type Row = Omit<SessionSummary, "id" | "last_activity"> & { session_id: string; last_ms?: number };
    const [rows] = await this.#run<[Row[]]>(
      "list sessions",
      `SELECT session_id, type, title, started, ended, events, last_ms FROM session${where}
  ORDER BY last_ms DESC, session_id${limit};`,
      { ...vars, limit: filters.limit },
    );
    return rows.map((row) => ({
      id: row.session_id,
      type: row.type,
      title: row.title ?? null,
      started: row.started,
      last_activity: typeof row.last_ms === "number" ? isoFromMs(row.last_ms) : row.started,
      events: row.events,
      ended: row.ended ?? null,
    }));
  }

  async clear(): Promise<void> {
    await bounded(dropSchema(this.#db).then(() => defineSchema(this.#db)), this.#timeoutMs, "the index to clear");
  }

  async compact(): Promise<void> {
    await this.#run("compact", "ALTER SYSTEM COMPACT;");
  }

  async close(ms = 2_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeSurreal(this.#db, ms);
  }

  /** Runs one query, bounded in time, retrying transaction conflicts a few times. */
  async #run<T extends unknown[]>(what: string, sql: string, vars?: Record<string, unknown>): Promise<T> {
    if (this.#closed) throw new IndexUnavailableError(this.#url, "it was closed");
    for (let attempt = 1;; attempt++) {
      try {
        const responses = await bounded(this.#db.query(sql, vars).responses(), this.#timeoutMs, `the index to ${what}`);
        const failures = responses.filter((response) => !response.success).map((response) => response.error);
        // In a failed transaction every statement reports failure; the cause is the one that says something else.
        if (failures.length > 0) {
          throw failures.find((error) => !/failed transaction/.test(error.message)) ?? failures[0];
        }
        return responses.map((response) => response.success ? response.result : undefined) as T;
      } catch (error) {
        if (attempt >= 6 || !isConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
      }
    }
  }
}

function toHit(
  row: Omit<SearchHit, "snippet"> & { text: string },
  role: string,
): SearchHit {
  const hit: SearchHit = {
    session_id: row.session_id,
    type: row.type,
    file: row.file,
    at: row.at,
    role,
    snippet: makeSnippet(row.text ?? ""),
    score: row.score,
  };
  if (role !== "title") hit.seq = row.seq;
  if (row.tool) hit.tool = row.tool;
  return hit;
}

function and(clauses: string[]): string {
  return clauses.map((clause) => ` AND ${clause}`).join("");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SurrealDB reports conflicting concurrent transactions with a message saying they can be retried. */
function isConflict(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return /conflict|can be retried/i.test(text);
}

/** Waits for `promise` at most `ms`, then throws {@linkcode WaitTimeoutError} naming `what`. */
async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new WaitTimeoutError(what, ms)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
