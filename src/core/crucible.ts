/**
 * The facade the CLI and the library use: one store, its sessions, the index
 * owner for queries, and the plugins' hooks around every write.
 *
 * @module
 */
import { existsSync, lstatSync, readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type NewEvent, validateNewEvent } from "../model/event.ts";
import {
  EventVetoedError,
  InvalidInputError,
  SessionExistsError,
  SessionNotFoundError,
  SessionStateError,
  StoreNotFoundError,
} from "../model/errors.ts";
import type { SessionFacts } from "../model/session_facts.ts";
import { sessionFacts } from "./session_facts.ts";
import { resolveSessionRef } from "../model/session_ref.ts";
import { defaultHeading } from "../model/session_type.ts";
import { folderBytes, SessionArchive } from "../store/session_archive.ts";
import { collectStats, type StatsOptions, type StatsReport } from "./session_stats.ts";
import type { ParseWarning } from "../model/log.ts";
import { typeOfSessionId } from "../model/session_id.ts";
import { isSessionType, SESSION_TYPES, type SessionType } from "../model/session_type.ts";
import type { ReadEvent } from "../model/event.ts";
import type { WriteReceipt } from "../model/write_receipt.ts";
import type { SessionStore } from "../store/session_store.ts";
import { readStoreConfig, type StoreConfig } from "../store/store_config.ts";
import type { SearchHit, SessionSummary } from "../model/search_result.ts";
import type { IndexProgress } from "../index_service/index_client.ts";
import type { IndexPort } from "../index_service/index_port.ts";
import { type CleanupHooks, type CleanupOptions, type CleanupReport, cleanupSessions } from "./cleanup.ts";
import { type AuditReport, auditSessions, type SecretRules } from "./audit_sessions.ts";
import { type ImportOptions, type ImportReport, importSources } from "../import/import_service.ts";
import { FOLLOWED_FORMATS, SourceFollower } from "../import/source_follower.ts";
import type { IndexFilters } from "../index/search_index_api.ts";
import { SessionHandle } from "./session_handle.ts";
import type { PluginRuntime } from "./plugin_runtime.ts";
import type { HookSession, ReindexSummary, SessionDraft } from "../hooks/hook_map.ts";
import type { HookRunner, HookVeto } from "../hooks/hook_runner.ts";
import type { PluginInfo, PluginServices } from "../plugin/plugin_host.ts";

/** Where an append landed, and which events plugins vetoed. */
export interface AppendReceipt extends WriteReceipt {
  vetoed: HookVeto[];
}

/** What a reindex did (what `index:after-reindex` hooks see), with what could not be read. */
export interface ReindexReport extends ReindexSummary {
  warnings: ParseWarning[];
}

/** One log of a session as `show` presents it: the first, then each continuation. */
export interface LogView {
  file: string;
  started: string;
  /** The compaction summary a continuation log starts with, or null. */
  context: string | null;
}

/** A file in a session's `artifacts/` folder. */
export interface ArtifactView {
  name: string;
  path: string;
  bytes: number;
}

/** A session as `show` presents it. */
export interface SessionView extends SessionFacts {
  id: string;
  type: string;
  title: string | null;
  tags: string[];
  started: string;
  ended: string | null;
  last_activity: string;
  files: string[];
  /** Each log: the first, then each continuation with the summary `compact --summary` gave it. */
  logs: LogView[];
  events: ReadEvent[];
  warnings: ParseWarning[];
}

/** One row of `list`. */
export type SessionListing = SessionSummary;

/** Filters of `list` and `search`; they combine. Times are ms since the epoch. */
export type SessionFilters = IndexFilters;

/** Options of {@linkcode Crucible.newSession}. */
export interface NewSessionOptions {
  type?: SessionType | string;
  title?: string;
  tags?: string[];
  /** Session facts for the frontmatter (`model`, `cwd`, `host`, `source`); plugins may add more (git-context: `git`). */
  model?: string;
  cwd?: string;
  host?: string;
  source?: string;
  extra?: Record<string, unknown>;
}

/** What {@linkcode Crucible.delete} did. */
export interface DeleteReport {
  /** Sessions removed from disk and index. */
  deleted: string[];
  /** Sessions a plugin kept (`session:before-cleanup`), with the plugin's name. */
  kept: { id: string; plugin: string }[];
}

/** What a {@linkcode Crucible} is made of (built by {@linkcode openCrucible}). */
export interface CrucibleParts {
  store: SessionStore;
  index: IndexPort;
  plugins: PluginRuntime;
  /** The folder plugins see as theirs (`ctx.cwd`). */
  cwd: string;
  warn: (message: string) => void;
}

/**
 * A cru store: create sessions, append events, read and list them. Open one
 * with {@linkcode openCrucible} (`open` in mod.ts).
 *
 * @example
 * ```ts ignore
 * import { openCrucible } from "./open_crucible.ts";
 * const cru = openCrucible({ dir: "/tmp/example/.crucible" });
 * const { id } = await cru.newSession({ type: "chat", title: "Example" });
 * await cru.append(id, { role: "user", content: "Hello" });
 * console.log((await cru.show(id)).events);
 * ```
 */
export class Crucible {
  readonly root: string;
  readonly #store: SessionStore;
  readonly #index: IndexPort;
  readonly #plugins: PluginRuntime;
  readonly #cwd: string;
  readonly #warn: (message: string) => void;
  readonly #sessions = new Map<string, HookSession>();

  /** Wires the parts together; stores are opened with {@linkcode openCrucible}, which builds them. */
  constructor(root: string, parts: CrucibleParts) {
    this.root = root;
    this.#store = parts.store;
    this.#index = parts.index;
    this.#plugins = parts.plugins;
    this.#cwd = parts.cwd;
    this.#warn = parts.warn;
  }

  /**
   * Loads the plugins (once) and returns their hooks. A plugin writing from its
   * own setup gets the hooks registered so far instead of waiting on itself.
   */
  async #hooks(): Promise<HookRunner> {
    if (this.#plugins.calledFromSetup) return this.#plugins.hooks;
    await this.#plugins.ready(() => this.#pluginServices());
    return this.#plugins.hooks;
  }

  /** The plugins, where they came from and the hooks they registered. */
  async plugins(): Promise<PluginInfo[]> {
    return await this.#plugins.ready(() => this.#pluginServices());
  }

  #pluginServices(): PluginServices {
    return {
      cwd: this.#cwd,
      report: this.#warn,
      openSession: async (plugin, options) => {
        const session = this.#openPluginSession(plugin, options.title) ??
          await this.openSession({ title: options.title, tags: options.tags, type: "plugin", extra: { plugin } });
        return {
          id: session.id,
          append: async (event) => {
            const { file, at } = await session.append(event);
            return { file, at };
          },
          end: async () => void await session.end(),
        };
      },
      search: async (query, filters) => (await this.search(query, filters)).hits,
    };
  }

  /** The plugin's own unended session with this title, if it has one (plugins reopen theirs across processes). */
  #openPluginSession(plugin: string, title: string | undefined): SessionHandle | undefined {
    for (const id of this.#store.ids().filter((id) => id.startsWith("plugin-")).reverse()) {
      const head = this.#store.head(id);
      if (head.extra.plugin === plugin && head.title === (title ?? null) && head.ended === null) {
        return new SessionHandle(this, id);
      }
    }
    return undefined;
  }

  /** A session as hooks see it (read once per process). */
  #hookSession(id: string): HookSession {
    let session = this.#sessions.get(id);
    if (!session) {
      session = this.#store.head(id);
      this.#sessions.set(id, session);
    }
    return session;
  }

  /** Creates a session and returns its id, folder and first log. Plugins may add to its frontmatter. */
  async newSession(options: NewSessionOptions = {}): Promise<WriteReceipt & { dir: string }> {
    return await this.#startSession(await this.#hooks(), checkSessionOptions(options));
  }

  /**
   * Starts a session as every new one starts (`cru session new`, plugins,
   * imports): `session:before-start` may change the draft or refuse it, the
   * store creates it, `session:start` is told. `fixed` is what an import
   * decides itself: the id and the start time.
   */
  async #startSession(
    hooks: HookRunner,
    draft: SessionDraft & { type: SessionType },
    fixed: { id?: string; started?: string } = {},
  ): Promise<WriteReceipt & { dir: string }> {
    const started = await hooks.waterfall("session:before-start", draft);
    if (started.veto) throw new EventVetoedError(started.veto.plugin, "a new session", started.veto.reason);
    const final = started.value ?? draft;
    const created = this.#store.create({ ...final, type: draft.type, extra: final.extra, ...fixed });
    await this.#changed(created.file);
    const session = { id: created.id, type: draft.type, title: final.title ?? null, dir: created.dir };
    this.#sessions.set(created.id, session);
    await hooks.parallel("session:start", session);
    return created;
  }

  /** Creates a session and returns a handle on it. */
  async openSession(options: NewSessionOptions = {}): Promise<SessionHandle> {
    const { id } = await this.newSession(options);
    return new SessionHandle(this, id);
  }

  /**
   * Reading never writes: a read of a store that does not exist fails before
   * anything (an index owner above all) could create a folder for it.
   */
  #requireStore(): void {
    let isDir = false;
    try {
      isDir = statSync(this.root).isDirectory();
    } catch {
      // missing: reported below
    }
    if (!isDir) throw new StoreNotFoundError(this.root);
  }

  /** The ids of the store's sessions, oldest first (from the folder names; reads no log, starts no index). */
  sessionIds(): string[] {
    return this.#store.ids();
  }

  /** A handle on an existing session (fails with SessionNotFoundError when there is none). */
  session(id: string): SessionHandle {
    if (!this.#store.has(id)) throw new SessionNotFoundError(id, this.#store.sessionsDir);
    return new SessionHandle(this, id);
  }

  /**
   * Appends one or more events; they are durable when the promise resolves.
   * Plugins may change them first, or veto them: vetoed events are listed in
   * the receipt, and when all are vetoed nothing is written and it rejects
   * with {@linkcode EventVetoedError}.
   */
  async append(id: string, events: NewEvent | readonly NewEvent[]): Promise<AppendReceipt> {
    const list = (Array.isArray(events) ? events : [events]) as readonly NewEvent[];
    if (list.length === 0) throw new InvalidInputError("events", "[]", "at least one event");
    const valid = list.map(validateNewEvent);
    const hooks = await this.#hooks();
    const session = this.#hookSession(id);
    const { events: accepted, vetoed } = await this.#beforeAppend(hooks, valid, session);
    if (accepted.length === 0) throw new EventVetoedError(vetoed[0].plugin, id, vetoed[0].reason);
    for (const veto of vetoed) {
      this.#warn(`plugin ${veto.plugin} vetoed an event for ${id} (${veto.hook}); it was not written`);
    }
    const written = await this.#store.append(id, accepted);
    await this.#changed(written.file);
    for (const event of written.events) {
      await hooks.parallel("event:after-append", { ...event, file: written.file }, session);
    }
    return { id: written.id, file: written.file, at: written.at, vetoed };
  }

  /** Runs `event:before-append` on each event: changed events are checked again, vetoed ones left out. */
  async #beforeAppend(
    hooks: HookRunner,
    events: NewEvent[],
    session: HookSession,
  ): Promise<{ events: NewEvent[]; vetoed: HookVeto[] }> {
    if (!hooks.has("event:before-append")) return { events, vetoed: [] };
    const accepted: NewEvent[] = [];
    const vetoed: HookVeto[] = [];
    for (const event of events) {
      const result = await hooks.waterfall("event:before-append", event, session);
      if (result.veto) {
        vetoed.push(result.veto);
        continue;
      }
      try {
        accepted.push(validateNewEvent(result.value));
      } catch (error) {
        this.#warn(`a plugin turned an event into an invalid one (${(error as Error).message}); writing it as it came`);
        accepted.push(event);
      }
    }
    return { events: accepted, vetoed };
  }

  /** Text entering a session other than as an event, run through `event:before-append` as a note. */
  async #screened(hooks: HookRunner, id: string, text: string): Promise<string> {
    this.#store.logFiles(id); // the session must exist
    const { events, vetoed } = await this.#beforeAppend(
      hooks,
      [{ role: "note", content: text }],
      this.#hookSession(id),
    );
    if (events.length === 0) throw new EventVetoedError(vetoed[0].plugin, id, vetoed[0].reason);
    return events[0].content;
  }

  /** Starts a continuation log after compaction; `summary` is the context it carries. */
  async compact(id: string, summary: string): Promise<WriteReceipt> {
    if (summary.trim() === "") throw new InvalidInputError("--summary", summary, "some text");
    const hooks = await this.#hooks();
    // The summary is text entering the session: plugins that change or veto events (redaction) see it as a note.
    summary = await this.#screened(hooks, id, summary);
    const receipt = await this.#store.compact(id, summary);
    await this.#changed(receipt.file);
    await hooks.parallel("session:compact", this.#hookSession(id), { file: receipt.file, summary });
    return receipt;
  }

  /** Copies `file` into the session's artifacts and links it from the log. */
  async attach(
    id: string,
    file: string,
    options: { name?: string } = {},
  ): Promise<WriteReceipt & { artifact: string }> {
    const hooks = await this.#hooks();
    // An attached text file is text entering the session too: screened like a note; other files are copied as they are.
    const text = readAttachableText(file);
    const screened = text === undefined ? undefined : await this.#screened(hooks, id, text);
    const content = screened === undefined || screened === text ? undefined : new TextEncoder().encode(screened);
    const receipt = await this.#store.attach(id, file, options.name, content);
    await this.#changed(receipt.file);
    return receipt;
  }

  /** Marks a session ended. */
  async end(id: string): Promise<WriteReceipt & { alreadyEnded: boolean }> {
    const hooks = await this.#hooks();
    const receipt = await this.#store.end(id);
    await this.#changed(receipt.file);
    if (!receipt.alreadyEnded) await hooks.parallel("session:end", this.#hookSession(id));
    return receipt;
  }

  /** Reads a whole session. */
  async show(id: string): Promise<SessionView> {
    this.#requireStore();
    const session = await this.#store.read(id);
    const first = session.logs[0].log.meta;
    return {
      id: session.id,
      type: session.type,
      title: session.title,
      tags: first.tags ?? [],
      ...sessionFacts(first.extra),
      started: session.started,
      ended: session.ended,
      last_activity: session.lastActivity,
      files: session.logs.map((log) => log.file),
      logs: session.logs.map(({ file, log }) => ({ file, started: log.meta.started, context: log.context ?? null })),
      events: session.events,
      warnings: session.warnings,
    };
  }

  /** The files in a session's `artifacts/` folder, by name. */
  artifacts(id: string): ArtifactView[] {
    // The store's listing: regular files only, and none when artifacts/ itself is a link out of the store.
    return this.#store.artifactFiles(id)
      .map((path) => ({ name: basename(path), path, bytes: lstatSync(path).size }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The events as the `event:before-append` plugins (redact-secrets and the
   * user's) would write them today: for sharing sessions recorded before a rule
   * existed. An event a plugin vetoes comes back with its content withheld.
   */
  async redacted<E extends NewEvent>(events: readonly E[], id: string): Promise<E[]> {
    const hooks = await this.#hooks();
    const session = this.#hookSession(id);
    const result: E[] = [];
    for (const event of events) {
      const plain: NewEvent = { role: event.role, content: event.content };
      if (event.role === "tool") Object.assign(plain, { tool: event.tool, args: event.args ?? {} });
      const { events: [kept], vetoed } = await this.#beforeAppend(hooks, [plain], session);
      result.push(
        kept
          ? { ...event, content: kept.content, ...(event.role === "tool" ? { args: kept.args } : {}) }
          : { ...event, content: `[withheld by plugin ${vetoed[0]?.plugin ?? "?"}]` },
      );
    }
    return result;
  }

  /** The store's settings from `config.yaml` (defaults when there is none). */
  config(): StoreConfig {
    return readStoreConfig(this.root);
  }

  /** The session's logs as they are on disk, one after the other. */
  markdown(id: string): string {
    this.#requireStore();
    return this.#store.logFiles(id).map((file) => readFileSync(file, "utf8")).join("\n");
  }

  /**
   * Full-text search over event content, tool names and arguments, titles and
   * tags, ranked best first (BM25). Every event acknowledged before the call
   * is seen. `total` counts every match, not only the hits returned.
   */
  async search(
    query: string,
    filters: SessionFilters = {},
    onProgress?: IndexProgress,
  ): Promise<{ hits: SearchHit[]; total: number; warnings: ParseWarning[] }> {
    if (query.trim() === "") throw new InvalidInputError("query", query, "one or more words");
    this.#requireStore();
    if (!this.#hasSessions()) return { hits: [], total: 0, warnings: [] };
    const answer = await this.#index.request("search", { query, filters }, onProgress);
    const hits = answer.result.hits.map((hit) => ({ ...hit, file: this.#absolute(hit.file) }));
    return { hits, total: answer.result.total, warnings: answer.warnings };
  }

  /** Sessions matching the filters, newest activity first, from the index. */
  async list(
    filters: SessionFilters = {},
    onProgress?: IndexProgress,
  ): Promise<{ sessions: SessionListing[]; warnings: ParseWarning[] }> {
    this.#requireStore();
    if (!this.#hasSessions()) return { sessions: [], warnings: [] };
    const answer = await this.#index.request("list", { filters }, onProgress);
    return { sessions: answer.result, warnings: answer.warnings };
  }

  /** Rebuilds the index from the markdown alone. */
  async reindex(onProgress?: IndexProgress): Promise<ReindexReport> {
    this.#requireStore();
    const answer = await this.#index.request("reindex", {}, onProgress);
    const { files, events, seconds } = answer.result;
    const summary = { sessions: this.#store.ids().length, events, files, seconds };
    await (await this.#hooks()).parallel("index:after-reindex", summary);
    return { ...summary, warnings: answer.warnings };
  }

  /** Tells a running index owner which logs changed, before the write that changed them returns. */
  async #changed(...files: string[]): Promise<void> {
    await this.#index.notify(files.map((file) => relative(this.root, file).split(sep).join("/")));
  }

  /**
   * Whether the store holds a sessions folder. Without one there is nothing to
   * find, and a query must create nothing (no index folder, no owner) in a
   * folder that may not be a store at all (`CRU_DIR=/`).
   */
  #hasSessions(): boolean {
    return existsSync(this.#store.sessionsDir);
  }

  /** A store-relative path made absolute. */
  #absolute(file: string): string {
    return isAbsolute(file) ? file : join(this.root, file);
  }

  /** Removes or archives sessions whose last activity is older than `options.olderThanMs`. */
  async cleanup(options: CleanupOptions): Promise<CleanupReport> {
    const hooks = await this.#hooks();
    const cleanupHooks: CleanupHooks = {
      beforeRemove: async (candidate, action) => {
        const veto = await hooks.bail("session:before-cleanup", { ...candidate, action });
        if (veto) this.#warn(`plugin ${veto.plugin} kept ${candidate.id} (session:before-cleanup)`);
        return veto === undefined;
      },
      afterRemove: (candidate, action, archivedTo) =>
        hooks.parallel("session:after-cleanup", { ...candidate, action, archivedTo }),
    };
    return await cleanupSessions(this.#store, options, cleanupHooks);
  }

  /**
   * Re-scans stored sessions with `rules` (today's redaction), reporting kinds
   * and counts, never the secrets; with `fix`, redacts them in place.
   */
  async audit(rules: SecretRules, options: { ids?: string[]; fix?: boolean } = {}): Promise<AuditReport> {
    for (const id of options.ids ?? []) this.#store.logFiles(id); // each must exist
    const report = await auditSessions(this.#store, { rules, ids: options.ids, fix: options.fix });
    for (const session of report.sessions) {
      if (session.fixed) await this.#changed(...session.files.map((f) => f.file).filter((f) => f.endsWith(".md")));
    }
    return report;
  }

  /** Imports other tools' transcripts as sessions; re-importing a file adds only what is new. */
  async importSources(
    paths: string[],
    options: Omit<ImportOptions, "transform" | "createSession">,
  ): Promise<ImportReport> {
    return await this.#imported(
      await importSources(this.#store, paths, this.#importOptions(options, await this.#hooks())),
    );
  }

  /**
   * Follows one Claude Code or Codex transcript as it is written: each `step()`
   * imports what was added since the last (the first: as {@linkcode importSources}
   * would), reading only the new bytes.
   */
  followSource(
    path: string,
    options: Omit<ImportOptions, "transform" | "createSession">,
  ): { step(): Promise<ImportReport> } {
    if (!FOLLOWED_FORMATS.includes(options.from)) {
      throw new InvalidInputError("format to follow", options.from, FOLLOWED_FORMATS.join(" or "));
    }
    let follower: SourceFollower | undefined;
    return {
      step: async () => {
        follower ??= new SourceFollower(this.#store, path, this.#importOptions(options, await this.#hooks()));
        return await this.#imported(await follower.step());
      },
    };
  }

  /** An import writes as the rest of cru does: new sessions start through the hooks, events pass `event:before-append`. */
  #importOptions(options: Omit<ImportOptions, "transform" | "createSession">, hooks: HookRunner): ImportOptions {
    return {
      ...options,
      transform: this.#importTransform(hooks),
      createSession: ({ id, started, type, title, tags, extra }) =>
        this.#startSession(hooks, { type, title, tags, extra: extra ?? {} }, { id, started }),
    };
  }

  /** Imported events go through `event:before-append` (redaction) like appended ones. */
  #importTransform(hooks: HookRunner): ImportOptions["transform"] {
    return async (event, sessionId) => {
      // A new imported session is created with its first batch, after its first events went through here.
      const session = this.#sessions.get(sessionId) ??
        (this.#store.has(sessionId) ? this.#hookSession(sessionId) : {
          id: sessionId,
          type: typeOfSessionId(sessionId),
          title: null,
          dir: this.#store.sessionDir(sessionId),
        });
      const { events, vetoed } = await this.#beforeAppend(hooks, [event], session);
      for (const veto of vetoed) {
        this.#warn(`plugin ${veto.plugin} vetoed an imported event for ${sessionId}; it was not written`);
      }
      return events.length === 0 ? null : { ...events[0], at: event.at };
    };
  }

  /** Tells the index about the logs an import wrote to. */
  async #imported(report: ImportReport): Promise<ImportReport> {
    for (const session of report.sessions) {
      if (session.events > 0) await this.#changed(...this.#store.logFiles(session.id));
    }
    return report;
  }

  /**
   * The session a reference names: a full id, a unique prefix of one, `@last`
   * (the most recently written session) or `@last~N` (N before it). An
   * ambiguous prefix throws {@linkcode AmbiguousSessionIdError} naming the candidates.
   */
  resolveId(ref: string): string {
    this.#requireStore();
    return resolveSessionRef(ref, {
      ids: this.#store.ids(),
      recent: () => this.#store.recentIds(),
      where: this.#store.sessionsDir,
    });
  }

  /** Gives a session a new title (in its first log's frontmatter, and its `# heading` when that was the title). */
  async rename(id: string, title: string): Promise<{ id: string; file: string; title: string; changed: boolean }> {
    checkTitle(title);
    // A title is text entering the session: plugins that change or veto events (redaction) see it as a note.
    const clean = checkTitle(await this.#screened(await this.#hooks(), id, title));
    const result = await this.#store.editFrontmatter(id, "first", (meta, heading) => {
      if (meta.title === clean) return undefined;
      const headingWasTitle = heading === "" || heading === meta.title || heading === defaultHeading(meta.type);
      return { set: { title: clean }, ...(headingWasTitle ? { heading: clean } : {}) };
    });
    await this.#afterEdit(id, result);
    return { id, file: result.file, title: clean, changed: result.changed };
  }

  /** Adds tags to a session (those it has already stay once). Returns all its tags. */
  async tag(
    id: string,
    tags: readonly string[],
  ): Promise<{ id: string; file: string; tags: string[]; changed: boolean }> {
    checkTags(tags);
    const hooks = await this.#hooks();
    const wanted: string[] = [];
    for (const tag of tags) wanted.push(await this.#screened(hooks, id, tag));
    checkTags(wanted);
    let after: string[] = [];
    const result = await this.#store.editFrontmatter(id, "first", (meta) => {
      const before = meta.tags ?? [];
      after = [...new Set([...before, ...wanted])];
      return after.length === before.length ? undefined : { set: { tags: after } };
    });
    await this.#afterEdit(id, result);
    return { id, file: result.file, tags: after, changed: result.changed };
  }

  /** Removes tags from a session (absent ones are ignored). Returns the tags it keeps. */
  async untag(
    id: string,
    tags: readonly string[],
  ): Promise<{ id: string; file: string; tags: string[]; changed: boolean }> {
    const unwanted = new Set(checkTags(tags));
    let after: string[] = [];
    const result = await this.#store.editFrontmatter(id, "first", (meta) => {
      const before = meta.tags ?? [];
      after = before.filter((tag) => !unwanted.has(tag));
      return after.length === before.length ? undefined : { set: { tags: after.length > 0 ? after : undefined } };
    });
    await this.#afterEdit(id, result);
    return { id, file: result.file, tags: after, changed: result.changed };
  }

  /** Clears `ended`, so events can be appended again. */
  async reopen(id: string): Promise<{ id: string; file: string; changed: boolean }> {
    const result = await this.#store.editFrontmatter(
      id,
      "last",
      (meta) => meta.ended === undefined ? undefined : { set: { ended: undefined } },
    );
    await this.#afterEdit(id, result);
    return result;
  }

  async #afterEdit(id: string, result: { file: string; changed: boolean }): Promise<void> {
    if (!result.changed) return;
    this.#sessions.delete(id); // hooks see the new title
    await this.#changed(result.file);
  }

  /**
   * Deletes sessions from disk and index. Each is first offered to the
   * `session:before-cleanup` hook (action `remove`): a plugin may keep it.
   */
  async delete(ids: readonly string[]): Promise<DeleteReport> {
    const hooks = await this.#hooks();
    const archive = new SessionArchive(this.#store);
    const report: DeleteReport = { deleted: [], kept: [] };
    for (const id of [...new Set(ids)]) {
      const files = this.#store.logFiles(id);
      const head = await this.#store.read(id);
      const candidate = { id, dir: head.dir, lastActivity: head.lastActivity, bytes: folderBytes(head.dir) };
      const veto = await hooks.bail("session:before-cleanup", { ...candidate, action: "remove" });
      if (veto) {
        this.#warn(`plugin ${veto.plugin} kept ${id} (session:before-cleanup)`);
        report.kept.push({ id, plugin: veto.plugin });
        continue;
      }
      const moved = await archive.move(id);
      if (moved.status !== "removed") continue;
      this.#sessions.delete(id);
      await this.#changed(...files);
      report.deleted.push(id);
      await hooks.parallel("session:after-cleanup", { ...candidate, action: "remove" });
    }
    for (const warning of archive.settle()) this.#warn(warning);
    return report;
  }

  /**
   * Copies a session, whole, into another store (its `.crucible` folder);
   * with `move` it leaves this one (under its lock, across filesystems too).
   * The other store's index takes it in on its next query.
   */
  async transfer(id: string, toStore: string, options: { move?: boolean } = {}): Promise<{ id: string; to: string }> {
    const target = join(resolve(toStore), "sessions");
    if (resolve(target) === resolve(this.#store.sessionsDir)) {
      throw new InvalidInputError("--to", toStore, "another store than the session's own");
    }
    if (this.#store.logFiles(id).length === 0) throw new SessionNotFoundError(id, this.#store.sessionsDir);
    if (!options.move) return { id, to: await this.#store.copyTo(id, target) };
    const files = this.#store.logFiles(id);
    const archive = new SessionArchive(this.#store);
    if (archive.archivedCopy(id, target) !== "none") throw new SessionExistsError(id, target);
    const moved = await archive.move(id, { archiveDir: target });
    for (const warning of archive.settle()) this.#warn(warning);
    if (moved.status !== "archived") throw new SessionStateError(`session ${JSON.stringify(id)} went away meanwhile`);
    this.#sessions.delete(id);
    await this.#changed(...files);
    return { id, to: moved.to };
  }

  /** Tokens, cost, sessions and events by day, model, project and tool, read from the markdown. */
  async stats(options: StatsOptions = {}): Promise<StatsReport> {
    return await collectStats(this.#store, options);
  }
}

/** Attached files up to this size are screened by plugins when they are text. */
const SCREENED_ATTACHMENT_BYTES = 16 * 1024 * 1024;

/** A file's text when it is a regular, UTF-8 text file small enough to screen; undefined otherwise. */
function readAttachableText(file: string): string | undefined {
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size > SCREENED_ATTACHMENT_BYTES) return undefined;
    const bytes = readFileSync(file);
    if (bytes.includes(0)) return undefined;
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined; // not text, or not readable: the store says why when it copies
  }
}

/** Checks new-session options and turns them into the draft hooks see. */
function checkSessionOptions(options: NewSessionOptions): SessionDraft & { type: SessionType } {
  const type = options.type ?? "chat";
  if (!isSessionType(type)) throw new InvalidInputError("session type", type, `one of ${SESSION_TYPES.join(", ")}`);
  if (options.title !== undefined && options.title.trim() === "") {
    throw new InvalidInputError("title", options.title, "some text");
  }
  if (options.tags !== undefined && options.tags.length > 0) checkTags(options.tags);
  const extra: Record<string, unknown> = { ...options.extra };
  for (const key of ["model", "cwd", "host", "source"] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (!/^[^\p{Cc}]{1,500}$/u.test(value) || value.trim() !== value) {
      throw new InvalidInputError(key, value, "one line of text without surrounding spaces");
    }
    extra[key] = value;
  }
  return { type, title: options.title, tags: options.tags, extra };
}

/** Checks a title: one line of text. */
function checkTitle(title: string): string {
  const clean = title.replace(/\s+/g, " ").trim();
  if (clean === "") throw new InvalidInputError("title", title, "some text");
  return clean;
}

/** Checks tags: words without spaces or commas. */
function checkTags(tags: readonly string[]): string[] {
  if (tags.length === 0) throw new InvalidInputError("tags", "", "one or more tags");
  for (const tag of tags) {
    if (!/^[^\s,]+$/.test(tag)) throw new InvalidInputError("tag", tag, "a word without spaces or commas");
  }
  return [...tags];
}
