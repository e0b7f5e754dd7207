/**
 * The index's schema, with a version stored in the database. On a version
 * mismatch every table of the index is dropped and defined again, and the
 * caller is told so that it feeds the index again from the markdown.
 *
 * Tables:
 * - `event`: one row per event, key `[file, seq]`; `text` (tool name and
 *   content) carries the full-text index.
 * - `log`: one row per log file, key `file`: fingerprint, frontmatter, counts.
 * - `session`: one row per session, recomputed from its logs by
 *   `fn::cru_refresh_session` in the same transaction as every write;
 *   `title` carries a second full-text index.
 * - `meta:schema`: `{ version }`.
 *
 * @module
 */
import type { Surreal } from "surrealdb";

/** Bump when a definition below changes: stores with another version are rebuilt. */
export const SCHEMA_VERSION = 1;

/** What opening found: a matching schema, an empty database, or another version that was dropped. */
export type SchemaStatus = "ok" | "created" | "rebuilt";

/** The greatest `seq` an event may have: the upper bound of a file's key range. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** Tables, functions and analyzers the index owns; only these are ever dropped. */
const TABLES = ["event", "log", "session", "meta"];
const FUNCTIONS = ["cru_plain", "cru_refresh_session"];
const ANALYZERS = ["cru_text"];

/**
 * Definitions of the current version. `IF NOT EXISTS` everywhere: two
 * processes may define a fresh remote database at once, and redefining a
 * full-text index would reindex every row.
 */
const DEFINITIONS = String.raw`
-- Punctuation would otherwise become tokens that every query must match. One
-- character for one keeps the offsets that highlighting relies on.
DEFINE FUNCTION IF NOT EXISTS fn::cru_plain($text: string) -> string {
  RETURN string::replace($text, <regex>"[^\\p{L}\\p{N}\\s]", " ");
};
DEFINE ANALYZER IF NOT EXISTS cru_text FUNCTION fn::cru_plain
  TOKENIZERS blank,class FILTERS lowercase,ascii,snowball(english);

DEFINE TABLE IF NOT EXISTS meta SCHEMALESS;
DEFINE TABLE IF NOT EXISTS event SCHEMALESS;
DEFINE TABLE IF NOT EXISTS log SCHEMALESS;
DEFINE TABLE IF NOT EXISTS session SCHEMALESS;

DEFINE INDEX IF NOT EXISTS event_text ON event FIELDS text FULLTEXT ANALYZER cru_text BM25(1.2,0.75) HIGHLIGHTS;
DEFINE INDEX IF NOT EXISTS log_session ON log FIELDS session_id;
DEFINE INDEX IF NOT EXISTS session_type ON session FIELDS type;
DEFINE INDEX IF NOT EXISTS session_activity ON session FIELDS last_ms;
DEFINE INDEX IF NOT EXISTS session_title ON session FIELDS title FULLTEXT ANALYZER cru_text BM25(1.2,0.75) HIGHLIGHTS;

-- A session is its logs taken together: first log's start and title, newest
-- log's end, newest event (or newest file time when there is none).
DEFINE FUNCTION IF NOT EXISTS fn::cru_refresh_session($sid: string) {
  LET $logs = SELECT * FROM log WHERE session_id = $sid ORDER BY started_ms, file;
  IF array::len($logs) = 0 {
    DELETE type::record("session", $sid);
    RETURN NONE;
  };
  LET $titled = $logs[WHERE title != NONE AND title != NULL];
  LET $event_ms = $logs[WHERE last_ms != NONE AND last_ms != NULL].last_ms;
  LET $last_ms = IF array::len($event_ms) > 0 { math::max($event_ms) } ELSE { math::max($logs.mtime_ms) };
  LET $title = IF array::len($titled) > 0 { $titled[0].title } ELSE { NULL };
  LET $title_file = IF array::len($titled) > 0 { $titled[0].file } ELSE { $logs[0].file };
  LET $prev = (SELECT * FROM ONLY type::record("session", $sid));
  LET $next = {
    session_id: $sid,
    type: $logs[0].type,
    title: $title,
    title_file: $title_file,
    started: $logs[0].started,
    started_ms: $logs[0].started_ms,
    ended: array::last($logs).ended,
    events: math::sum($logs.events),
    files: array::len($logs),
    last_ms: $last_ms,
  };
  IF $prev = NONE OR $prev.title != $next.title {
    UPSERT type::record("session", $sid) CONTENT $next RETURN NONE;
  } ELSE {
    -- Leaves the title alone so its full-text entry is not rewritten.
    UPDATE type::record("session", $sid) MERGE object::remove($next, "title") RETURN NONE;
  };
  RETURN NONE;
};
`;

/**
 * Makes sure the database holds the current schema; drops the index's
 * tables first when it holds another version.
 */
export async function ensureSchema(db: Surreal): Promise<SchemaStatus> {
  const [, version] = await db.query<[unknown, unknown]>(
    "DEFINE TABLE IF NOT EXISTS meta SCHEMALESS; SELECT VALUE version FROM ONLY meta:schema;",
  ).collect();
  if (version === SCHEMA_VERSION) return "ok";
  const [info] = await db.query<[{ tables?: Record<string, unknown> }]>("INFO FOR DB").collect();
  const hasData = Object.keys(info?.tables ?? {}).some((table) => table !== "meta");
  if ((version !== undefined && version !== null) || hasData) {
    await dropSchema(db);
    await defineSchema(db);
    return "rebuilt";
  }
  await defineSchema(db);
  return "created";
}

/** Defines the current schema and records its version. */
export async function defineSchema(db: Surreal): Promise<void> {
  await db.query(
    `BEGIN TRANSACTION;\n${DEFINITIONS}\nUPSERT meta:schema SET version = $version RETURN NONE;\nCOMMIT TRANSACTION;`,
    {
      version: SCHEMA_VERSION,
    },
  ).collect();
}

/** Removes the index's tables (with their rows and indexes), functions and analyzers. */
export async function dropSchema(db: Surreal): Promise<void> {
  const statements = [
    ...TABLES.map((name) => `REMOVE TABLE IF EXISTS ${name};`),
    ...FUNCTIONS.map((name) => `REMOVE FUNCTION IF EXISTS fn::${name};`),
    ...ANALYZERS.map((name) => `REMOVE ANALYZER IF EXISTS ${name};`),
  ];
  await db.query(statements.join("\n")).collect();
}
