/**
 * The facade the CLI and the library use: one store, its sessions, and (later)
 * the index and hooks wired in.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { type NewEvent, validateNewEvent } from "../model/event.ts";
import { InvalidInputError, SessionNotFoundError } from "../model/errors.ts";
import type { ParseWarning } from "../model/log.ts";
import { isSessionType, SESSION_TYPES, type SessionType } from "../model/session_type.ts";
import { timestampMs } from "../model/timestamp.ts";
import {
  type CreateSessionOptions,
  SessionStore,
  type StoredEvent,
  type WriteReceipt,
} from "../store/session_store.ts";
import { findStoreDir } from "../store/store_location.ts";
import { cwd, env, home } from "../runtime/process.ts";
import type { SearchHit } from "../index/types.ts";
import type { IndexProgress } from "./index_client.ts";
import { IndexLink } from "./index_link.ts";
import { type CleanupHooks, type CleanupOptions, type CleanupReport, cleanupSessions } from "./cleanup.ts";
import { type ImportOptions, type ImportReport, importSources } from "./import_sessions.ts";
import { indexConnection } from "./index_settings.ts";
import { SessionHandle } from "./session_handle.ts";

/** Options of {@linkcode Crucible.open}. */
export interface OpenOptions {
  /** The `.crucible` folder; by default `CRU_DIR`, the nearest `.crucible/`, or `~/.crucible`. */
  dir?: string;
  /** Where the search for the nearest `.crucible/` starts (default: the current folder). */
  cwd?: string;
  /** How long to wait for a session's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** The clock (tests pass their own). */
  now?: () => Date;
  /** A SurrealDB server for the index (`ws://…`, `http://…`) instead of the embedded one. */
  db?: string;
  /** How long to wait for the index owner to start (default 60 s). */
  indexStartTimeoutMs?: number;
}

/** One search hit, best first. */
export type { SearchHit } from "../index/types.ts";

/** What a reindex did. */
export interface ReindexReport {
  sessions: number;
  events: number;
  files: number;
  seconds: number;
  warnings: ParseWarning[];
}

/** A session as `show` presents it. */
export interface SessionView {
  id: string;
  type: string;
  title: string | null;
  started: string;
  ended: string | null;
  last_activity: string;
  files: string[];
  events: StoredEvent[];
  warnings: ParseWarning[];
}

/** One row of `list`. */
export interface SessionListing {
  id: string;
  type: string;
  title: string | null;
  started: string;
  last_activity: string;
  events: number;
  ended: string | null;
}

/** Filters of `list` (and later `search`); times are ms since the epoch. */
export interface SessionFilters {
  type?: string;
  since?: number;
  until?: number;
  limit?: number;
}

/** Options of {@linkcode Crucible.newSession}. */
export interface NewSessionOptions {
  type?: SessionType | string;
  title?: string;
  tags?: string[];
  extra?: Record<string, unknown>;
}

/**
 * A cru store: create sessions, append events, read and list them.
 *
 * @example
 * ```ts ignore
 * import { Crucible } from "./crucible.ts";
 * const cru = Crucible.open({ dir: "/tmp/example/.crucible" });
 * const { id } = await cru.newSession({ type: "chat", title: "Example" });
 * await cru.append(id, { role: "user", content: "Hello" });
 * console.log((await cru.show(id)).events);
 * ```
 */
export class Crucible {
  readonly root: string;
  readonly #store: SessionStore;
  readonly #index: IndexLink;

  private constructor(root: string, store: SessionStore, index: IndexLink) {
    this.root = root;
    this.#store = store;
    this.#index = index;
  }

  /** Opens the store (it is created on first write). */
  static open(options: OpenOptions = {}): Crucible {
    const root = findStoreDir({ dir: options.dir, envDir: env("CRU_DIR"), cwd: options.cwd ?? cwd(), home: home() });
    const store = new SessionStore({ root, lockTimeoutMs: options.lockTimeoutMs, now: options.now });
    const index = new IndexLink({
      root,
      connection: indexConnection(root, options.db),
      startTimeoutMs: options.indexStartTimeoutMs,
    });
    return new Crucible(root, store, index);
  }

  /** Creates a session and returns its id, folder and first log. */
  // Not async: create() is synchronous, and a bad option should reject, not throw, hence the wrapper.
  newSession(options: NewSessionOptions = {}): Promise<WriteReceipt & { dir: string }> {
    try {
      return Promise.resolve(this.#createSession(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #createSession(options: NewSessionOptions): WriteReceipt & { dir: string } {
    const type = options.type ?? "chat";
    if (!isSessionType(type)) throw new InvalidInputError("session type", type, `one of ${SESSION_TYPES.join(", ")}`);
    if (options.title !== undefined && options.title.trim() === "") {
      throw new InvalidInputError("title", options.title, "some text");
    }
    for (const tag of options.tags ?? []) {
      if (!/^[^\s,]+$/.test(tag)) throw new InvalidInputError("tag", tag, "a word without spaces or commas");
    }
    const create: CreateSessionOptions = { type, title: options.title, tags: options.tags, extra: options.extra };
    return this.#store.create(create);
  }

  /** Creates a session and returns a handle on it. */
  async openSession(options: NewSessionOptions = {}): Promise<SessionHandle> {
    const { id } = await this.newSession(options);
    return new SessionHandle(this, id);
  }

  /** A handle on an existing session (fails with SessionNotFoundError when there is none). */
  session(id: string): SessionHandle {
    if (!this.#store.has(id)) throw new SessionNotFoundError(id, this.#store.sessionsDir);
    return new SessionHandle(this, id);
  }

  /** Appends one or more events; they are durable when the promise resolves. */
  async append(id: string, events: NewEvent | readonly NewEvent[]): Promise<WriteReceipt> {
    const list = (Array.isArray(events) ? events : [events]) as readonly NewEvent[];
    if (list.length === 0) throw new InvalidInputError("events", "[]", "at least one event");
    const valid = list.map(validateNewEvent);
    const { id: written, file, at } = await this.#store.append(id, valid);
    this.#index.notify(written, file);
    return { id: written, file, at };
  }

  /** Starts a continuation log after compaction; `summary` is the context it carries. */
  async compact(id: string, summary: string): Promise<WriteReceipt> {
    if (summary.trim() === "") throw new InvalidInputError("--summary", summary, "some text");
    return await this.#store.compact(id, summary);
  }

  /** Copies `file` into the session's artifacts and links it from the log. */
  attach(id: string, file: string, options: { name?: string } = {}): Promise<WriteReceipt & { artifact: string }> {
    return this.#store.attach(id, file, options.name);
  }

  /** Marks a session ended. */
  end(id: string): Promise<WriteReceipt & { alreadyEnded: boolean }> {
    return this.#store.end(id);
  }

  /** Reads a whole session. */
  async show(id: string): Promise<SessionView> {
    const session = await this.#store.read(id);
    return {
      id: session.id,
      type: session.type,
      title: session.title,
      started: session.started,
      ended: session.ended,
      last_activity: session.lastActivity,
      files: session.logs.map((log) => log.file),
      events: session.events,
      warnings: session.warnings,
    };
  }

  /** The session's logs as they are on disk, one after the other. */
  markdown(id: string): string {
    return this.#store.logFiles(id).map((file) => readFileSync(file, "utf8")).join("\n");
  }

  /**
   * Full-text search over event content, tool names and titles, ranked best
   * first. Every event acknowledged before the call is seen.
   */
  async search(
    query: string,
    filters: SessionFilters = {},
    onProgress?: IndexProgress,
  ): Promise<{ hits: SearchHit[]; warnings: ParseWarning[] }> {
    if (query.trim() === "") throw new InvalidInputError("query", query, "one or more words");
    const answer = await this.#index.request<SearchHit[]>("search", { query, filters }, onProgress);
    return { hits: answer.result, warnings: answer.warnings };
  }

  /** Sessions matching the filters, newest activity first, from the index. */
  async list(
    filters: SessionFilters = {},
    onProgress?: IndexProgress,
  ): Promise<{ sessions: SessionListing[]; warnings: ParseWarning[] }> {
    const answer = await this.#index.request<SessionListing[]>("list", { filters }, onProgress);
    return { sessions: answer.result, warnings: answer.warnings };
  }

  /** Rebuilds the index from the markdown alone. */
  async reindex(onProgress?: IndexProgress): Promise<ReindexReport> {
    const answer = await this.#index.request<{ files: number; events: number; seconds: number }>(
      "reindex",
      {},
      onProgress,
    );
    const { files, events, seconds } = answer.result;
    return { sessions: this.#store.ids().length, events, files, seconds, warnings: answer.warnings };
  }

  /** Removes or archives sessions whose last activity is older than `options.olderThanMs`. */
  async cleanup(options: CleanupOptions): Promise<CleanupReport> {
    return await cleanupSessions(this.#store, options, this.#cleanupHooks());
  }

  /** Imports other tools' transcripts as sessions; re-importing a file adds only what is new. */
  async importSources(paths: string[], options: Omit<ImportOptions, "transform">): Promise<ImportReport> {
    return await importSources(this.#store, paths, { ...options, transform: this.#eventTransform() });
  }

  /** The cleanup callbacks plugins take part through. */
  #cleanupHooks(): CleanupHooks {
    return {};
  }

  /** What runs on each event before it is written (plugins' `event:before-append`). */
  #eventTransform(): ImportOptions["transform"] {
    return undefined;
  }

  /** Waits (at most `ms`) until the index owner has taken the events appended so far. */
  async flushIndex(ms = 2_000): Promise<void> {
    await this.#index.flush(ms);
  }

  /** Sessions matching the filters, newest activity first, read from the markdown without the index. */
  async listFromMarkdown(
    filters: SessionFilters = {},
  ): Promise<{ sessions: SessionListing[]; warnings: ParseWarning[] }> {
    const sessions: SessionListing[] = [];
    const warnings: ParseWarning[] = [];
    for (const id of this.#store.ids()) {
      let view: SessionView;
      try {
        view = await this.show(id);
      } catch (error) {
        warnings.push({ file: this.#store.sessionDir(id), line: 0, message: (error as Error).message });
        continue;
      }
      const last = timestampMs(view.last_activity);
      if (filters.type !== undefined && view.type !== filters.type) continue;
      if (filters.since !== undefined && last < filters.since) continue;
      if (filters.until !== undefined && last > filters.until) continue;
      sessions.push({
        id: view.id,
        type: view.type,
        title: view.title,
        started: view.started,
        last_activity: view.last_activity,
        events: view.events.length,
        ended: view.ended,
      });
    }
    sessions.sort((a, b) => timestampMs(b.last_activity) - timestampMs(a.last_activity) || (a.id < b.id ? 1 : -1));
    return { sessions: filters.limit === undefined ? sessions : sessions.slice(0, filters.limit), warnings };
  }
}
