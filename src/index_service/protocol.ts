/**
 * The one definition of what clients may ask a store's index owner and what it
 * answers: a typed map both ends compile against, and the checks the owner
 * runs on every request before it acts (a request is data from another
 * process: it is validated, never trusted).
 *
 * On the wire: JSON lines over a unix socket. A request is `{"id", "method",
 * "params"}`; the owner answers with `{"id", "progress"}` lines while it works,
 * then one `{"id", "result"}` or `{"id", "error": {"code", "message"}}`.
 *
 * @module
 */
import type { IndexFilters, OpenStatus, SearchAnswer } from "../index/search_index_api.ts";
import type { ParseWarning } from "../model/log.ts";
import type { SessionSummary } from "../model/search_result.ts";
import { InvalidInputError } from "../model/errors.ts";

/** What a reindex did. */
export interface ReindexResult {
  files: number;
  events: number;
  seconds: number;
}

/** Every request the owner serves: its parameters and its result. */
export interface IndexRequests {
  /** Is an owner there, and for which database. */
  ping: { params: Record<never, never>; result: { pid: number; status: OpenStatus } };
  /** These logs (store-relative paths) changed: index them before the next answer. */
  notify: { params: { logs: string[] }; result: { queued: number } };
  search: { params: { query: string; filters: IndexFilters }; result: SearchAnswer };
  list: { params: { filters: IndexFilters }; result: SessionSummary[] };
  /** Empty the index and feed it every log again. */
  reindex: { params: Record<never, never>; result: ReindexResult };
  /** Stop serving (tests and `reindex` after a version change use it). */
  stop: { params: Record<never, never>; result: { stopping: true } };
}

/** A method name. */
export type IndexMethod = keyof IndexRequests;

/** The parameters of a method. */
export type ParamsOf<M extends IndexMethod> = IndexRequests[M]["params"];

/** The result of a method. */
export type ResultOf<M extends IndexMethod> = IndexRequests[M]["result"];

/** A request as sent. `db` names the database the client wants, so an owner serving another one steps aside. */
export interface IndexRequest<M extends IndexMethod = IndexMethod> {
  id: number;
  method: M;
  params: ParamsOf<M>;
  db?: string;
}

/** A progress report of a long request. */
export interface IndexProgressReport {
  done: number;
  total: number;
  what: string;
}

/** A line the owner sends back. */
export interface IndexResponse {
  id: number;
  progress?: IndexProgressReport;
  result?: unknown;
  error?: { code: string; message: string };
  /** Warnings to pass on to the user (logs it could not fully read). */
  warnings?: ParseWarning[];
}

const METHODS: readonly IndexMethod[] = ["ping", "notify", "search", "list", "reindex", "stop"];

/** Filter keys and their JSON types. */
const FILTERS: Record<keyof IndexFilters, "string" | "number"> = {
  type: "string",
  since: "number",
  until: "number",
  role: "string",
  tool: "string",
  session: "string",
  tag: "string",
  cwd: "string",
  project: "string",
  branch: "string",
  host: "string",
  model: "string",
  source: "string",
  limit: "number",
};

/** Longest query text the owner accepts. */
const MAX_QUERY = 10_000;

/**
 * Checks a request line's shape; returns the typed request or throws
 * {@linkcode InvalidInputError} naming what was wrong.
 */
export function parseRequest(value: unknown): IndexRequest {
  if (typeof value !== "object" || value === null) throw bad("request", "a JSON object");
  const { id, method, params, db } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(id)) throw bad("id", "an integer");
  if (typeof method !== "string" || !METHODS.includes(method as IndexMethod)) {
    throw bad("method", `one of ${METHODS.join(", ")}`);
  }
  if (db !== undefined && typeof db !== "string") throw bad("db", "a URL");
  const p = (params ?? {}) as Record<string, unknown>;
  if (typeof p !== "object" || Array.isArray(p)) throw bad("params", "an object");
  const checked = checkParams(method as IndexMethod, p);
  return { id: id as number, method: method as IndexMethod, params: checked, db: db as string | undefined };
}

function checkParams(method: IndexMethod, p: Record<string, unknown>): ParamsOf<IndexMethod> {
  switch (method) {
    case "notify": {
      const logs = p.logs;
      if (!Array.isArray(logs) || logs.length > 100_000 || !logs.every(isRelativeLogPath)) {
        throw bad("logs", "store-relative paths of session logs (sessions/<id>/<log>.md)");
      }
      return { logs };
    }
    case "search": {
      if (typeof p.query !== "string" || p.query.length > MAX_QUERY) throw bad("query", "text");
      return { query: p.query, filters: checkFilters(p.filters) };
    }
    case "list":
      return { filters: checkFilters(p.filters) };
    default:
      return {};
  }
}

function checkFilters(value: unknown): IndexFilters {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad("filters", "an object");
  const filters: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const type = FILTERS[key as keyof IndexFilters];
    if (type === undefined) throw bad(`filter ${key}`, `one of ${Object.keys(FILTERS).join(", ")}`);
    if (v === undefined || v === null) continue;
    if (typeof v !== type || (type === "number" && !Number.isFinite(v))) throw bad(`filter ${key}`, `a ${type}`);
    filters[key] = v;
  }
  return filters as IndexFilters;
}

/**
 * A path the owner may read: `sessions/<id>/<name>.md`, nothing else. The
 * owner only ever resolves such paths under its own store.
 */
export function isRelativeLogPath(value: unknown): value is string {
  return typeof value === "string" && /^sessions\/[A-Za-z0-9][A-Za-z0-9._-]*\/[^/\\]+\.md$/.test(value) &&
    !value.includes("/../") && !value.includes("\0");
}

function bad(what: string, expected: string): InvalidInputError {
  return new InvalidInputError(`index request ${what}`, "(not shown)", expected);
}
