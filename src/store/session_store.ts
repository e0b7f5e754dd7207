/**
 * The markdown store: `.crucible/sessions/<id>/` folders of logs and artifacts.
 * Every write happens under the session's lock and is durable when it returns.
 *
 * @module
 */
import { ensureStoreRoot } from "./store_gitignore.ts";
import {
  copyFileSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { type ParsedLog, parseLog } from "../format/parse_log.ts";
import { renderEvents, renderLogHeader } from "../format/render_log.ts";
import { setFrontmatterKey, setFrontmatterScalar } from "../format/frontmatter.ts";
import { LineSplitter } from "../format/line_splitter.ts";
import type { NewEvent, ReadEvent, SessionEvent } from "../model/event.ts";
import type { WriteReceipt } from "../model/write_receipt.ts";
import {
  FileNotFoundError,
  InvalidInputError,
  SessionExistsError,
  SessionNotFoundError,
  SessionStateError,
} from "../model/errors.ts";
import { CONTINUED_SUFFIX, type Log, type LogMeta, logTitle, type ParseWarning } from "../model/log.ts";
import { logSummaryInput, sessionTitle, summarizeSession } from "../model/session_summary.ts";
import { assertSessionId, isSessionId, newSessionId, typeOfSessionId } from "../model/session_id.ts";
import { defaultHeading, type SessionType } from "../model/session_type.ts";
import { formatTimestamp, TIMESTAMP_PATTERN, timestampMs } from "../model/timestamp.ts";
import { appendDurably, syncFolder, writeAtomically } from "./durable_file.ts";
import { copySessionFolder } from "./session_archive.ts";
import { isLogFileName, logFileName, nextLogName, sortLogNames } from "./log_names.ts";
import { lastTurnAt, readLog, readLogHead } from "./log_reader.ts";
import { type HeldSessionLock, withSessionLock } from "./session_lock.ts";

/** A new turn heading starts with each user event, or when the last one is older than this. */
const TURN_GAP_MS = 60_000;

/** Options of {@linkcode SessionStore}. */
export interface SessionStoreOptions {
  /** The `.crucible` folder. */
  root: string;
  /** How long to wait for a session's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** The clock (tests pass their own). */
  now?: () => Date;
  /** Told about lock records refused and torn tails left uncut (default: ignored). */
  onWarning?: (message: string) => void;
}

/** Options for a new session. */
export interface CreateSessionOptions {
  type: SessionType;
  title?: string;
  tags?: string[];
  /** Extra frontmatter keys (e.g. from plugins, or an import's `source`). */
  extra?: Record<string, unknown>;
  /** A given id (e.g. stable ids for imports) instead of a new one; fails if it exists. */
  id?: string;
  /** A given start time (ISO-8601) instead of now, e.g. an imported session's. */
  started?: string;
}

/** One log of a session, parsed. */
export interface StoredLog {
  file: string;
  log: Log;
  /** The file's size and modification time when it was read. */
  size: number;
  mtimeMs: number;
  /** What was not understood in it. */
  warnings: ParseWarning[];
  /** The 1-based line each event starts on, in the order of `log.events`. */
  eventLines: number[];
}

/** What {@linkcode SessionStore.head} reads. */
export interface SessionHead {
  id: string;
  dir: string;
  type: string;
  title: string | null;
  extra: Record<string, unknown>;
  ended: string | null;
}

/** What {@linkcode SessionStore.readLogLines} tells as it reads a session's logs. */
export interface LogLineReader {
  /** A log begins (oldest first). */
  startFile(file: string): void;
  /** One line of it, CR kept; `complete` is false for a last line without its line break. */
  push(line: string, complete: boolean): void;
  /** The log has ended. */
  endFile(): void;
}

/** Bytes read from a log at a time when streaming it. */
const READ_CHUNK = 1024 * 1024;

/** A change to a log's frontmatter: keys to set (undefined removes one), and a new `# heading`. */
export interface FrontmatterEdit {
  set: Record<string, unknown>;
  heading?: string;
}

/** One log's committed bytes and what they parse to. */
export interface LogSnapshot {
  file: string;
  bytes: Uint8Array;
  parsed: ParsedLog;
  mtimeMs: number;
}

/** A whole session as read from disk. */
export interface StoredSession {
  id: string;
  dir: string;
  type: string;
  title: string | null;
  started: string;
  ended: string | null;
  logs: StoredLog[];
  events: ReadEvent[];
  /** Time of the newest event, or of the newest log's mtime when there are no events. */
  lastActivity: string;
  warnings: ParseWarning[];
}

/**
 * Sessions as markdown folders.
 *
 * @example
 * ```ts ignore
 * import { SessionStore } from "./session_store.ts";
 * const store = new SessionStore({ root: "/tmp/example/.crucible" });
 * const { id } = await store.create({ type: "chat", title: "Example" });
 * await store.append(id, [{ role: "user", content: "Hello" }]);
 * ```
 */
export class SessionStore {
  readonly root: string;
  readonly sessionsDir: string;
  readonly #lockTimeoutMs: number;
  readonly #now: () => Date;
  readonly #warn: (message: string) => void;
  /** What this process last wrote to each log: while size and inode match, the tail is known. */
  readonly #tails = new Map<string, { size: number; ino: number; at: string }>();

  constructor(options: SessionStoreOptions) {
    this.root = options.root;
    this.sessionsDir = join(options.root, "sessions");
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.#now = options.now ?? (() => new Date());
    this.#warn = options.onWarning ?? (() => {});
  }

  /** The folder of a session (checked to be a safe id, not to exist). */
  sessionDir(id: string): string {
    assertSessionId(id);
    return join(this.sessionsDir, id);
  }

  /** Creates a session with its first log; the folder appears whole or not at all. */
  create(options: CreateSessionOptions): WriteReceipt & { dir: string } {
    ensureStoreRoot(this.root);
    mkdirSync(this.sessionsDir, { recursive: true });
    const now = options.started === undefined ? this.#now() : new Date(timestampMs(options.started));
    const started = options.started ?? formatTimestamp(now);
    for (let attempt = 0;; attempt++) {
      const id = options.id ?? newSessionId(options.type, now);
      if (options.id !== undefined) assertSessionId(options.id);
      const dir = join(this.sessionsDir, id);
      if (existsSync(dir)) {
        if (options.id !== undefined) throw new SessionExistsError(id);
        continue;
      }
      const staging = join(this.sessionsDir, `.new-${id}`);
      const name = logFileName(now, []);
      const meta: LogMeta = {
        session_id: id,
        type: options.type,
        started,
        continued_from: null,
        extra: options.extra ?? {},
      };
      if (options.title !== undefined) meta.title = options.title;
      if (options.tags !== undefined && options.tags.length > 0) meta.tags = options.tags;
      try {
        // A failure here (a full disk) leaves no half-made folder behind.
        mkdirSync(staging, { recursive: true });
        writeAtomically(
          join(staging, name),
          renderLogHeader({ meta, heading: options.title ?? defaultHeading(options.type) }),
        );
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        throw error;
      }
      try {
        renameSync(staging, dir);
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        if (options.id !== undefined && existsSync(dir)) throw new SessionExistsError(options.id);
        if (attempt < 5) continue;
        throw error;
      }
      syncFolder(this.sessionsDir);
      return { id, dir, file: join(dir, name), at: started };
    }
  }

  /** Appends events to the session's current log. They are on disk when this returns. */
  async append(id: string, events: readonly NewEvent[]): Promise<WriteReceipt & { events: SessionEvent[] }> {
    const dir = this.#existingDir(id);
    return await this.#exclusive(dir, id, (lock) => {
      const file = this.#currentLog(dir);
      const stat = statSync(file);
      const known = this.#tails.get(file);
      let previousAt: string | null;
      if (known && known.size === stat.size && known.ino === stat.ino) {
        previousAt = known.at; // this process wrote the tail and nobody changed the file since
      } else {
        const head = readLogHead(file, this.#fallback(id, file));
        if (head.log.meta.ended !== undefined) {
          throw new SessionStateError(
            `session ${JSON.stringify(id)} ended at ${head.log.meta.ended}; nothing more can be appended`,
          );
        }
        previousAt = lastTurnAt(file, stat.size);
      }
      const at = this.#turnTime(previousAt, events[0]?.role);
      const written: SessionEvent[] = events.map((event) => ({ ...event, at }));
      const added = appendRecorded(lock, file, stat.size, new TextEncoder().encode(renderEvents(written, previousAt)));
      this.#tails.set(file, { size: stat.size + added, ino: stat.ino, at });
      return { id, file, at, events: written };
    });
  }

  /**
   * Appends events that carry their own times (imports, replays), in the order
   * given: a new turn heading wherever the time changes. Durable on return.
   */
  async appendTimed(id: string, events: readonly SessionEvent[]): Promise<WriteReceipt & { events: SessionEvent[] }> {
    const dir = this.#existingDir(id);
    for (const event of events) {
      if (!TIMESTAMP_PATTERN.test(event.at)) {
        throw new InvalidInputError("event time", event.at, "an ISO-8601 timestamp");
      }
    }
    return await this.#exclusive(dir, id, (lock) => {
      const file = this.#currentLog(dir);
      const stat = statSync(file);
      const previousAt = lastTurnAt(file, stat.size);
      const added = appendRecorded(lock, file, stat.size, new TextEncoder().encode(renderEvents(events, previousAt)));
      const at = events.at(-1)?.at ?? previousAt ?? "";
      this.#tails.set(file, { size: stat.size + added, ino: stat.ino, at });
      return { id, file, at, events: [...events] };
    });
  }

  /** Starts a continuation log whose context line carries `summary`. Returns the new log. */
  async compact(id: string, summary: string, options: { at?: string } = {}): Promise<WriteReceipt> {
    const dir = this.#existingDir(id);
    return await this.#exclusive(dir, id, () => {
      const names = this.#logNames(dir);
      const previous = names.at(-1)!;
      const head = readLogHead(join(dir, previous), this.#fallback(id, join(dir, previous)));
      if (head.log.meta.ended !== undefined) {
        throw new SessionStateError(`session ${JSON.stringify(id)} has ended; it cannot be compacted`);
      }
      // An import starts the continuation at the source's time; never before the log it continues.
      const given = options.at === undefined ? undefined : new Date(options.at);
      const now = given && !Number.isNaN(given.getTime()) && given.getTime() >= Date.parse(head.log.meta.started)
        ? given
        : this.#now();
      const name = nextLogName(now, names);
      const first = names.length === 1
        ? head
        : readLogHead(join(dir, names[0]), this.#fallback(id, join(dir, names[0])));
      const title = first.log.meta.title;
      const meta: LogMeta = {
        session_id: `${id}-${names.length + 1}`,
        type: head.log.meta.type,
        started: formatTimestamp(now),
        continued_from: previous,
        extra: {},
      };
      if (title !== undefined) meta.title = title;
      const heading = `${title ?? defaultHeading(meta.type)}${CONTINUED_SUFFIX}`;
      writeAtomically(join(dir, name), renderLogHeader({ meta, heading, context: summary }));
      return { id, file: join(dir, name), at: meta.started };
    });
  }

  /**
   * Copies a file into the session's `artifacts/` (or writes `content` there
   * instead, e.g. the file's text with secrets redacted) and links it from the
   * log. Only regular files: folders, FIFOs, devices and sockets are refused.
   */
  async attach(
    id: string,
    source: string,
    name?: string,
    content?: Uint8Array,
  ): Promise<WriteReceipt & { artifact: string }> {
    const dir = this.#existingDir(id);
    const stat = statSync(source, { throwIfNoEntry: false });
    if (!stat) throw new FileNotFoundError(source, "file to attach");
    if (!stat.isFile()) {
      const kind = stat.isDirectory()
        ? "a folder"
        : stat.isFIFO()
        ? "a FIFO"
        : stat.isSocket()
        ? "a socket"
        : stat.isCharacterDevice() || stat.isBlockDevice()
        ? "a device"
        : "not a regular file";
      throw new InvalidInputError("file to attach", source, `a regular file (it is ${kind})`);
    }
    const wanted = name ?? basename(source);
    if (!/^[^/\\\0]+$/.test(wanted) || wanted === "." || wanted === ".." || wanted.startsWith(".")) {
      throw new InvalidInputError("artifact name", wanted, "a file name without '/', '\\' or a leading '.'");
    }
    const artifacts = join(dir, "artifacts");
    const existing = lstatSync(artifacts, { throwIfNoEntry: false });
    if (existing && !existing.isDirectory()) {
      throw new SessionStateError(
        `${artifacts} is ${existing.isSymbolicLink() ? "a symbolic link" : "not a folder"}; ` +
          "cru does not follow links out of the store (replace it with a folder)",
      );
    }
    mkdirSync(artifacts, { recursive: true });
    const finalName = uniqueName(
      wanted,
      (candidate) => lstatSync(join(artifacts, candidate), { throwIfNoEntry: false }) !== undefined,
    );
    const staging = join(artifacts, `.${finalName}.${crypto.randomUUID().slice(0, 8)}.tmp`);
    try {
      if (content === undefined) copyFileSync(source, staging);
      else writeAtomically(staging, content);
      renameSync(staging, join(artifacts, finalName));
    } catch (error) {
      rmSync(staging, { force: true }); // a full disk leaves no partial copy behind
      throw error;
    }
    syncFolder(artifacts);
    try {
      const receipt = await this.append(id, [{ role: "note", content: `Attached [[artifacts/${finalName}]]` }]);
      return { id, file: receipt.file, at: receipt.at, artifact: join(artifacts, finalName) };
    } catch (error) {
      rmSync(join(artifacts, finalName), { force: true });
      throw error;
    }
  }

  /** The session's artifacts that are regular files (links and hidden staging files are left out), sorted. */
  artifactFiles(id: string): string[] {
    const artifacts = join(this.#existingDir(id), "artifacts");
    if (!lstatSync(artifacts, { throwIfNoEntry: false })?.isDirectory()) return [];
    return readdirSync(artifacts, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
      .map((entry) => join(artifacts, entry.name))
      .sort();
  }

  /**
   * Rewrites some of the session's files under its exclusive lock, each
   * atomically: `transform` gets each file's text and returns the new text,
   * or undefined to leave it. Only the session's own logs and artifacts.
   * Returns the files rewritten.
   */
  async rewriteFiles(
    id: string,
    files: readonly string[],
    transform: (text: string, file: string) => string | undefined,
  ): Promise<string[]> {
    const dir = this.#existingDir(id);
    return await this.#exclusive(dir, id, () => {
      const own = new Set([...this.#logNames(dir).map((name) => join(dir, name)), ...this.artifactFiles(id)]);
      const rewritten: string[] = [];
      for (const file of files) {
        if (!own.has(file)) throw new InvalidInputError("file", file, `a log or artifact of session ${id}`);
        const text = readFileSync(file, "utf8");
        const next = transform(text, file);
        if (next === undefined || next === text) continue;
        writeAtomically(file, next);
        this.#tails.delete(file);
        rewritten.push(file);
      }
      return rewritten;
    });
  }

  /** Marks the session ended (`ended:` in the current log's frontmatter). Ending twice keeps the first time. */
  async end(id: string): Promise<WriteReceipt & { alreadyEnded: boolean }> {
    const dir = this.#existingDir(id);
    return await this.#exclusive(dir, id, () => {
      const file = this.#currentLog(dir);
      const parsed = readLog(file, this.#fallback(id, file));
      if (parsed.log.meta.ended !== undefined) return { id, file, at: parsed.log.meta.ended, alreadyEnded: true };
      if (parsed.frontmatterBroken) {
        throw new SessionStateError(
          `cannot mark ${file} ended: its frontmatter is not valid YAML (fix it by hand first)`,
        );
      }
      // A CRLF file is rewritten with LF endings: a mix would read differently.
      const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n");
      const close = text.indexOf("\n---", 3);
      const ended = formatTimestamp(this.#now());
      const yaml = setFrontmatterScalar(text.slice(4, close + 1), "ended", ended);
      writeAtomically(file, `---\n${yaml}${text.slice(close + 1)}`);
      return { id, file, at: ended, alreadyEnded: false };
    });
  }

  /**
   * Rewrites the frontmatter of the session's first or last log, atomically
   * and under the session's exclusive lock. `edit` sees the log's meta and
   * heading as they are under the lock and says what to change (nothing, when
   * it returns undefined). Only the changed keys' lines are touched.
   */
  async editFrontmatter(
    id: string,
    which: "first" | "last",
    edit: (meta: LogMeta, heading: string) => FrontmatterEdit | undefined,
  ): Promise<{ id: string; file: string; changed: boolean }> {
    const dir = this.#existingDir(id);
    return await this.#exclusive(dir, id, () => {
      const names = this.#logNames(dir);
      const file = join(dir, which === "first" ? names[0] : names.at(-1)!);
      const parsed = readLogHead(file, this.#fallback(id, file));
      const change = edit(parsed.log.meta, parsed.log.heading);
      if (change === undefined) return { id, file, changed: false };
      if (parsed.frontmatterBroken) {
        throw new SessionStateError(`cannot change ${file}: its frontmatter is not valid YAML (fix it by hand first)`);
      }
      // A CRLF file is rewritten with LF endings: a mix would read differently.
      const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n");
      const close = text.indexOf("\n---", 3);
      let yaml = text.slice(4, close + 1);
      for (const [key, value] of Object.entries(change.set)) yaml = setFrontmatterKey(yaml, key, value);
      let body = text.slice(close + 1);
      if (change.heading !== undefined) {
        const heading = `# ${change.heading.replace(/\s+/g, " ").trim()}`;
        body = /^---\n(?:[ \t]*\n)*# [^\n]*/.test(body)
          ? body.replace(/^(---\n(?:[ \t]*\n)*)# [^\n]*/, (_, before: string) => `${before}${heading}`)
          : body;
      }
      writeAtomically(file, `---\n${yaml}${body}`);
      return { id, file, changed: true };
    });
  }

  /** Reads a whole session: every log, every event. */
  async read(id: string): Promise<StoredSession> {
    const dir = this.#existingDir(id);
    return await this.#shared(dir, id, (lock) => {
      const logs = this.#logNames(dir).map((name) => {
        const file = join(dir, name);
        const stat = statSync(file);
        const committed = lock.committedSize(name);
        const parsed = readLog(file, this.#fallback(id, file), committed);
        return {
          file,
          log: parsed.log,
          size: committed ?? stat.size,
          mtimeMs: stat.mtimeMs,
          warnings: parsed.warnings,
          eventLines: parsed.eventLines,
        };
      });
      return summarize(id, dir, logs);
    });
  }

  /**
   * Reads one log under its session's shared lock: the bytes that hold whole
   * events (an append in progress or interrupted is left out), parsed.
   */
  async readLogFile(id: string, file: string): Promise<LogSnapshot> {
    const dir = this.#existingDir(id);
    // Only a log of this session, and never through a link: the path may come from another process.
    if (dirname(file) !== dir || !isLogFileName(basename(file))) {
      throw new InvalidInputError("log file", file, `a log (*.md) directly in ${dir}`);
    }
    return await this.#shared(dir, id, (lock) => {
      const stat = lstatSync(file);
      if (!stat.isFile()) {
        throw new SessionStateError(
          `${file} is not a regular file (a link?); cru does not follow links out of the store`,
        );
      }
      const all = readFileSync(file);
      const committed = lock.committedSize(basename(file)) ?? all.length;
      const bytes = all.subarray(0, Math.min(committed, all.length));
      const parsed = parseLog(new TextDecoder().decode(bytes), { file, fallback: this.#fallback(id, file) });
      return { file, bytes, parsed, mtimeMs: stat.mtimeMs };
    });
  }

  /**
   * Streams a session's logs, oldest first, a line at a time under the
   * session's shared lock: only committed bytes (an append in progress or cut
   * short is left out), a chunk at a time, so memory stays bounded whatever
   * the size of the logs.
   */
  async readLogLines(id: string, reader: LogLineReader): Promise<void> {
    const dir = this.#existingDir(id);
    await this.#shared(dir, id, async (lock) => {
      for (const name of this.#logNames(dir)) {
        const file = join(dir, name);
        const committed = lock.committedSize(name);
        reader.startFile(file);
        const splitter = new LineSplitter({ keepCR: true, file });
        if (committed !== 0) {
          const range = committed === undefined ? {} : { end: committed - 1 };
          for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK, ...range })) {
            for (const line of splitter.push(chunk as Uint8Array)) reader.push(line, true);
          }
        }
        for (const line of splitter.end()) reader.push(line, false);
        reader.endFile();
      }
    });
  }

  /** Every log of every session, with its size and modification time, without reading them. */
  allLogs(): { id: string; file: string; size: number; mtimeMs: number }[] {
    const logs: { id: string; file: string; size: number; mtimeMs: number }[] = [];
    for (const id of this.ids()) {
      const dir = join(this.sessionsDir, id);
      let names: string[];
      try {
        names = readdirSync(dir).filter(isLogFileName);
      } catch {
        continue; // removed meanwhile
      }
      for (const name of names) {
        try {
          const stat = lstatSync(join(dir, name)); // a planted link is never read into the index
          if (stat.isFile()) logs.push({ id, file: join(dir, name), size: stat.size, mtimeMs: stat.mtimeMs });
        } catch {
          // removed meanwhile
        }
      }
    }
    return logs;
  }

  /**
   * A session's type and extra frontmatter (from its first log), title (as
   * {@linkcode sessionTitle} picks it) and whether it ended (from its last),
   * without reading its events.
   */
  head(id: string): SessionHead {
    const dir = this.#existingDir(id);
    const heads = new Map<string, Log>();
    const headOf = (name: string): Log => {
      let head = heads.get(name);
      if (!head) heads.set(name, head = readLogHead(join(dir, name), this.#fallback(id, join(dir, name))).log);
      return head;
    };
    const names = this.#logNames(dir);
    const { meta } = headOf(names[0]);
    const title = sessionTitle(function* () {
      for (const name of names) yield logTitle(headOf(name));
    }());
    const ended = headOf(names.at(-1)!).meta.ended;
    return { id, dir, type: meta.type, title, extra: meta.extra, ended: ended ?? null };
  }

  /**
   * Session ids, most recently written first (by their newest log's
   * modification time; it needs no reading), for `@last`.
   */
  recentIds(): string[] {
    const newest = new Map<string, number>();
    for (const log of this.allLogs()) newest.set(log.id, Math.max(newest.get(log.id) ?? -Infinity, log.mtimeMs));
    return [...newest.keys()].sort((a, b) => newest.get(b)! - newest.get(a)! || (a < b ? 1 : a > b ? -1 : 0));
  }

  /**
   * Copies a session, whole, into another store's `sessions/` folder under
   * its shared lock: the copy appears complete or not at all. Returns its folder.
   */
  async copyTo(id: string, sessionsDir: string): Promise<string> {
    const dir = this.#existingDir(id);
    const target = join(sessionsDir, id);
    if (existsSync(target)) throw new SessionExistsError(id, sessionsDir);
    mkdirSync(sessionsDir, { recursive: true });
    return await this.#shared(dir, id, () => {
      const staging = join(sessionsDir, `.copy-${id}-${crypto.randomUUID().slice(0, 8)}`);
      copySessionFolder(id, dir, staging);
      try {
        renameSync(staging, target);
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        if (existsSync(target)) throw new SessionExistsError(id, sessionsDir);
        throw error;
      }
      syncFolder(sessionsDir);
      return target;
    });
  }

  /** Ids of all sessions, oldest first by id. */
  ids(): string[] {
    if (!existsSync(this.sessionsDir)) return [];
    return readdirSync(this.sessionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isSessionId(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  /** True when a session with this id exists. */
  has(id: string): boolean {
    return existsSync(this.sessionDir(id));
  }

  /** Absolute paths of a session's logs, oldest first. */
  logFiles(id: string): string[] {
    const dir = this.#existingDir(id);
    return this.#logNames(dir).map((name) => join(dir, name));
  }

  #existingDir(id: string): string {
    const dir = this.sessionDir(id);
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) throw new SessionNotFoundError(id, this.sessionsDir);
    if (!stat.isDirectory()) {
      throw new SessionStateError(
        `${dir} is ${stat.isSymbolicLink() ? "a symbolic link" : "not a folder"}; ` +
          "cru does not follow links out of the store (replace it with the session folder)",
      );
    }
    return dir;
  }

  /** Runs `work` holding the session's lock exclusively (writers). */
  #exclusive<T>(dir: string, id: string, work: (lock: HeldSessionLock) => T): Promise<T> {
    return this.#locked(dir, id, true, work);
  }

  /** Runs `work` sharing the session's lock (readers). */
  #shared<T>(dir: string, id: string, work: (lock: HeldSessionLock) => T): Promise<T> {
    return this.#locked(dir, id, false, work);
  }

  #locked<T>(dir: string, id: string, exclusive: boolean, work: (lock: HeldSessionLock) => T): Promise<T> {
    const what = `the lock of session ${id}`;
    return withSessionLock(dir, { exclusive, timeoutMs: this.#lockTimeoutMs, what, warn: this.#warn }, work);
  }

  #logNames(dir: string): string[] {
    const entries = readdirSync(dir, { withFileTypes: true }).filter((entry) => isLogFileName(entry.name));
    for (const entry of entries) {
      if (!entry.isFile()) {
        throw new SessionStateError(
          `${join(dir, entry.name)} is ${entry.isSymbolicLink() ? "a symbolic link" : "not a regular file"}; ` +
            "cru does not follow links out of the store (replace it with the log itself)",
        );
      }
    }
    const names = sortLogNames(entries.map((entry) => entry.name));
    if (names.length === 0) throw new SessionStateError(`session folder ${dir} holds no log (*.md) file`);
    return names;
  }

  #currentLog(dir: string): string {
    return join(dir, this.#logNames(dir).at(-1)!);
  }

  #fallback(id: string, file: string): Pick<LogMeta, "session_id" | "type" | "started"> {
    return { session_id: id, type: typeOfSessionId(id), started: formatTimestamp(statSync(file).mtime) };
  }

  /** The turn time for new events: a new turn for a user, after a pause, or in a log without turns. */
  #turnTime(previousAt: string | null, firstRole: string | undefined): string {
    const now = this.#now();
    if (previousAt === null || firstRole === "user") return formatTimestamp(now);
    const previousMs = timestampMs(previousAt);
    if (Number.isNaN(previousMs) || now.getTime() - previousMs > TURN_GAP_MS || now.getTime() < previousMs) {
      return formatTimestamp(now);
    }
    return previousAt;
  }
}

/** `name`, or `name-2.ext`, `name-3.ext`… when taken. */
function uniqueName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 2;; n++) if (!taken(`${stem}-${n}${ext}`)) return `${stem}-${n}${ext}`;
}

/** The session as read, its title and times by the same rule as the index's listing ({@linkcode summarizeSession}). */
function summarize(id: string, dir: string, logs: StoredLog[]): StoredSession {
  const events = logs.flatMap(({ file, log, eventLines }) =>
    log.events.map((event, i) => ({ ...event, file, line: eventLines[i] ?? 1 }))
  );
  const summary = summarizeSession(logs.map(({ file, log, mtimeMs }) => logSummaryInput(file, id, log, mtimeMs)));
  return {
    id,
    dir,
    type: summary.type,
    title: summary.title,
    started: summary.started,
    ended: summary.ended,
    logs,
    events,
    lastActivity: summary.last_activity,
    warnings: logs.flatMap((l) => l.warnings),
  };
}

/**
 * Appends `bytes` to `file` (now `size` bytes) under the lock's record of the
 * append: a crash mid-write is repaired by the next writer; a failed write (a
 * full disk) is cut back at once, so no torn event stays in the log.
 */
function appendRecorded(lock: HeldSessionLock, file: string, size: number, bytes: Uint8Array): number {
  lock.beginAppend(basename(file), size, bytes);
  let added: number;
  try {
    added = appendDurably(file, bytes);
  } catch (error) {
    try {
      if (statSync(file).size > size) truncateSync(file, size);
      lock.endAppend();
    } catch {
      // the record stays: the next writer cuts the log back
    }
    throw error;
  }
  lock.endAppend();
  return added;
}
