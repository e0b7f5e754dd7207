/**
 * Import of other tools' transcripts (aider, SpecStory, Claude Code / Codex JSONL)
 * as ordinary cru sessions. Files are streamed a chunk at a time and events are
 * written in batches, so memory stays bounded whatever the size of a file.
 *
 * Each source session gets a stable id, `<type>-<format>-<hash>`, the hash
 * taken over what the session is — the source's own session id when it has
 * one, else its marker and its first turn — never over the file's path, so
 * importing the file again, or a copy of it from elsewhere, finds the
 * sessions made before. A source session without any event makes no session. Those
 * sessions are read back (streamed, under their shared lock) to count the
 * events that stand for source events; the source's events up to that count
 * are skipped and the rest appended. An event that grew since (a live file)
 * gets its new text as a `(continued)` event; a tool call written before its
 * result came gets the result the same way.
 *
 * @module
 */
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { type SessionEvent, validateNewEvent } from "../model/event.ts";
import { FileNotFoundError, InvalidInputError, SessionExistsError, WaitTimeoutError } from "../model/errors.ts";
import type { ParseWarning } from "../model/log.ts";
import { IMPORT_SESSION_TYPES, type ImportSessionType, isImportSessionType } from "../model/session_type.ts";
import { formatTimestamp, TIMESTAMP_PATTERN } from "../model/timestamp.ts";
import { titleFromText } from "../model/session_title.ts";
import { continuationContent } from "../format/continuation.ts";
import { LineSplitter } from "../format/line_splitter.ts";
import { SessionLogScanner, type SessionScan } from "../format/session_log_scanner.ts";
import {
  SOURCE_FORMATS,
  type SourceCompaction,
  type SourceEvent,
  type SourceFormat,
  SourceFormatError,
  type SourceItem,
  type SourceSession,
} from "./parsers/source_item.ts";
import { createSourceParser } from "./parsers/source_parser.ts";
import { modelFromHead } from "./parsers/source_model.ts";
import type { CreateSessionOptions, SessionStore } from "../store/session_store.ts";
import { ensureStoreRoot } from "../store/store_gitignore.ts";
import { openLockFile } from "../runtime/lock_file.ts";

/** Formats `import` reads. */
export const IMPORT_FORMATS = [...SOURCE_FORMATS, "auto"] as const;
/** One of {@linkcode IMPORT_FORMATS}. */
export type ImportFormat = typeof IMPORT_FORMATS[number];

/** Options of {@linkcode importSources}. */
export interface ImportOptions {
  from: ImportFormat;
  /** Session type of the imported sessions (default: chat for aider/SpecStory, agent for JSONL). */
  type?: ImportSessionType;
  /** Runs on each event before it is written (the `event:before-append` hook: redaction); null drops it. */
  transform?: (event: SessionEvent, sessionId: string) => Promise<SessionEvent | null>;
  /** Events per write (default 1000); a write is also made once 4 MB of text wait. */
  batchEvents?: number;
  /**
   * Creates a new imported session (default: the store's `create`). The core
   * passes its own, which starts it as any new session: `session:before-start`
   * and `session:start` run around the store's create.
   */
  createSession?: (options: ImportedSessionOptions) => Promise<unknown>;
}

/** What a new imported session is created with: its id is fixed by what it is, its start by the source. */
export type ImportedSessionOptions = CreateSessionOptions & { id: string; type: ImportSessionType };

/** One session an import created or extended. */
export interface ImportedSession {
  id: string;
  source: string;
  source_path: string;
  created: boolean;
  /** Events written by this import (0 when it was already up to date). */
  events: number;
}

/** What an import did. */
export interface ImportReport {
  files: number;
  sessions: ImportedSession[];
  events: number;
  warnings: ParseWarning[];
  /** Files found in folders that are not transcripts cru reads (each also has a warning). */
  skipped: string[];
}

/** What an event dropped by a plugin leaves in its place, so later imports still line up. */
export const DROPPED_EVENT_NOTE = "(an imported event was dropped by a plugin)";

/** Bytes read from a transcript at a time. */
export const READ_CHUNK = 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;
const BATCH_CHARS = 4 * 1024 * 1024;
/** How long an import waits for another one into the same store to finish. */
const IMPORT_LOCK_TIMEOUT_MS = 10 * 60_000;
/** The lock that keeps two imports into one store from counting the same events and both appending them. */
const IMPORT_LOCK_NAME = ".import.lock";
const TRANSCRIPT_FILE = /\.(md|markdown|jsonl)$/i;
const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

/**
 * Imports files or folders of other tools' transcripts. Re-importing a file
 * adds only what is new in it.
 *
 * @example
 * ```ts ignore
 * import { SessionStore } from "../store/session_store.ts";
 * import { importSources } from "./import_service.ts";
 * const store = new SessionStore({ root: "/tmp/example/.crucible" });
 * const report = await importSources(store, ["project/.aider.chat.history.md"], { from: "auto" });
 * console.log(report.sessions.map((s) => s.id));
 * ```
 */
export async function importSources(
  store: SessionStore,
  paths: string[],
  options: ImportOptions,
): Promise<ImportReport> {
  if (!(IMPORT_FORMATS as readonly string[]).includes(options.from)) {
    throw new InvalidInputError("--from", String(options.from), `one of ${IMPORT_FORMATS.join(", ")}`);
  }
  if (options.type !== undefined && !isImportSessionType(options.type)) {
    throw new InvalidInputError("--type", String(options.type), `one of ${IMPORT_SESSION_TYPES.join(", ")}`);
  }
  if (paths.length === 0) throw new InvalidInputError("paths", "", "one or more files or folders to import");
  const files = collectFiles(paths, resolve(store.root));
  // A named file in the wrong format fails the import before anything is written.
  for (const file of files) if (file.named) sniffFormat(file.path, options.from);
  const report: ImportReport = { files: 0, sessions: [], events: 0, warnings: [], skipped: [] };
  await withImportLock(store.root, async () => {
    for (const file of files) {
      try {
        await importFile(store, file.path, options, report);
        report.files++;
      } catch (error) {
        if (file.named || !(error instanceof SourceFormatError)) throw error;
        report.skipped.push(file.path);
        report.warnings.push({ file: file.path, line: error.line, message: `skipped: ${messageAfterPlace(error)}` });
      }
    }
  });
  report.events = report.sessions.reduce((sum, session) => sum + session.events, 0);
  return report;
}

/** Runs `work` as the only import into the store (an import cron job overlapping itself waits, bounded). */
export async function withImportLock(root: string, work: () => Promise<void>): Promise<void> {
  ensureStoreRoot(root);
  const lock = openLockFile(join(root, IMPORT_LOCK_NAME));
  try {
    const deadline = Date.now() + IMPORT_LOCK_TIMEOUT_MS;
    for (let pause = 5; !lock.tryLock(true); pause = Math.min(pause * 2, 200)) {
      if (Date.now() >= deadline) {
        throw new WaitTimeoutError(`another cru session import into ${root} to finish`, IMPORT_LOCK_TIMEOUT_MS);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    try {
      await work();
    } finally {
      lock.unlock();
    }
  } finally {
    lock.close();
  }
}

/** What an imported session's id is made from. */
export interface ImportedSessionKey {
  type: string;
  format: SourceFormat;
  /** What the session is: the source's session id, or its marker and first turn (see {@linkcode sessionIdentity}). */
  identity: string;
}

/**
 * The id an imported session gets: `<type>-<format>-<hash of its identity>`,
 * the same every time it is imported, from wherever.
 *
 * @example
 * ```ts
 * import { importedSessionId } from "./import_service.ts";
 * const id = importedSessionId({ type: "chat", format: "aider", identity: "# aider chat started at …" });
 * console.assert(/^chat-aider-[0-9a-f]{16}$/.test(id));
 * ```
 */
export function importedSessionId(session: ImportedSessionKey): string {
  const hash = createHash("sha256").update(`${session.format}\n${session.identity}`).digest("hex").slice(0, 16);
  return `${session.type}-${session.format}-${hash}`;
}

/**
 * What a source session is, whatever file it is read from: the source's own
 * session id when it has one (SpecStory v2, Claude Code, Codex), else its
 * marker, start and title with the first line of its first event (aider's
 * headers carry only a time, which two people's histories can share).
 */
export function sessionIdentity(start: SourceSession, first: SessionEvent): string {
  const own = start.meta.source_session;
  if (start.format !== "aider" && typeof own === "string" && own !== "") return `session ${own}`;
  const firstLine = first.content.split("\n", 1)[0].trimEnd();
  return [
    start.key,
    start.started,
    start.title ?? "",
    `${first.role}${first.tool ? ` ${first.tool}` : ""}: ${firstLine}`,
  ]
    .join("\n");
}

interface FoundFile {
  path: string;
  /** Named on the command line (an error if unreadable), or found in a folder (skipped with a warning). */
  named: boolean;
}

function collectFiles(paths: string[], storeRoot: string): FoundFile[] {
  const found = new Map<string, FoundFile>();
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (path === storeRoot || SKIPPED_FOLDERS.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else if (TRANSCRIPT_FILE.test(entry.name) && isFile(path) && !found.has(path)) {
        found.set(path, { path, named: false });
      }
    }
  };
  for (const given of paths) {
    const path = resolve(given);
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new FileNotFoundError(given, "file or folder to import");
    }
    if (isDir) walk(path);
    else found.set(path, { path, named: true });
  }
  return [...found.values()];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** How far into a transcript its model is looked for (the first assistant message comes early). */
const MODEL_PEEK_BYTES = 256 * 1024;

/** The first `bytes` of a file as text ("" when it cannot be read). */
function readHead(path: string, bytes: number): string {
  try {
    const fd = openSync(path, "r");
    try {
      const buffer = new Uint8Array(bytes);
      const read = readSync(fd, buffer, 0, bytes, 0);
      return new TextDecoder().decode(buffer.subarray(0, read));
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}

/** Reads the start of a file far enough to know it is in the format (throws SourceFormatError if not). */
export function sniffFormat(path: string, from: ImportFormat): void {
  let bytes: Uint8Array;
  let whole: boolean;
  try {
    const fd = openSync(path, "r");
    try {
      const buffer = new Uint8Array(SNIFF_BYTES);
      const read = readSync(fd, buffer, 0, SNIFF_BYTES, 0);
      bytes = buffer.subarray(0, read);
      whole = read < SNIFF_BYTES;
    } finally {
      closeSync(fd);
    }
  } catch {
    throw new FileNotFoundError(path, "file to import");
  }
  const parser = createSourceParser(from, { file: path, fallbackTime: "1970-01-01T00:00:00Z" });
  const splitter = new LineSplitter();
  const lines = [...splitter.push(bytes), ...(whole ? splitter.end() : [])];
  for (const line of lines) if (parser.push(line).some((item) => item.kind === "session")) return;
  if (whole) parser.end();
}

async function importFile(store: SessionStore, path: string, options: ImportOptions, report: ImportReport) {
  const mtime = formatTimestamp(statSync(path).mtime);
  const parser = createSourceParser(options.from, { file: path, fallbackTime: mtime });
  const sessions = new SourceSessions(store, path, options, report);
  const take = (items: SourceItem[]) => sessions.take(items);
  const splitter = new LineSplitter({ file: path });
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
    for (const line of splitter.push(chunk as Uint8Array)) {
      const items = parser.push(line);
      if (items.length > 0) await take(items);
    }
  }
  for (const line of splitter.end()) await take(parser.push(line));
  await take(parser.end());
  await sessions.finish();
}

/**
 * Takes a file's parsed items into its sessions, one session after the other.
 * A source session is opened in the store only when its first event comes:
 * that event is part of what it is (its id), and a session without any makes
 * nothing.
 */
export class SourceSessions {
  readonly #store: SessionStore;
  readonly #path: string;
  readonly #options: ImportOptions;
  readonly #report: ImportReport;
  /** The source session read last, until its first event opens it. */
  #pending: SourceSession | undefined;
  /** Compactions the source recorded before the session's first event. */
  #early: SourceCompaction[] = [];
  /** The session the items go to now. */
  current: SessionImport | undefined;

  constructor(store: SessionStore, path: string, options: ImportOptions, report: ImportReport) {
    this.#store = store;
    this.#path = path;
    this.#options = options;
    this.#report = report;
  }

  async take(items: SourceItem[]): Promise<void> {
    for (const item of items) {
      if (item.kind === "session") {
        await this.finish();
        this.#pending = item;
      } else if (item.kind === "compaction") {
        if (this.current) await this.current.compact(item);
        else this.#early.push(item);
      } else if (item.kind === "event") {
        // Parsers put events only after a session; a stray one would be a parser bug.
        if (!this.#pending) throw new Error(`${this.#path}:${item.line}: event before any session`);
        if (!this.current) {
          this.current = await SessionImport.open(this.#store, this.#path, this.#pending, item, {
            options: this.#options,
            report: this.#report,
          });
          for (const early of this.#early.splice(0)) await this.current.compact(early);
        }
        await this.current.add(item);
      } else {
        this.#report.warnings.push({ file: this.#path, line: item.line, message: item.message });
      }
    }
  }

  /** The source session read last has ended: writes what waits, or says it had nothing to import. */
  async finish(): Promise<void> {
    if (this.current) await this.current.finish();
    else if (this.#pending) {
      const pending = this.#pending;
      const what = pending.format === "aider" ? pending.key.replace(/^# /, "") : "this session";
      this.#report.warnings.push({
        file: this.#path,
        line: pending.line,
        message: `${what} has no turns: nothing imported`,
      });
    }
    this.current = undefined;
    this.#pending = undefined;
    this.#early = [];
  }
}

/** One session of a file being imported: lines the source's events up with what is already there. */
export class SessionImport {
  readonly #store: SessionStore;
  readonly #path: string;
  readonly #start: SourceSession;
  readonly #options: ImportOptions;
  readonly #report: ImportReport;
  readonly #entry: ImportedSession;
  readonly #scan: SessionScan;
  #seen = 0;
  #stopped = false;
  #batch: SessionEvent[] = [];
  #batchChars = 0;

  private constructor(
    store: SessionStore,
    path: string,
    start: SourceSession,
    options: ImportOptions,
    report: ImportReport,
    entry: ImportedSession,
    scan: SessionScan,
  ) {
    this.#store = store;
    this.#path = path;
    this.#start = start;
    this.#options = options;
    this.#report = report;
    this.#entry = entry;
    this.#scan = scan;
  }

  /**
   * Reads how far an earlier import of the session got (from this file or a copy of it); a new
   * session is created with its first batch of events, which gives it its title.
   */
  static async open(
    store: SessionStore,
    path: string,
    start: SourceSession,
    first: SourceEvent,
    { options, report }: { options: ImportOptions; report: ImportReport },
  ): Promise<SessionImport> {
    const type = options.type ?? (start.format === "aider" || start.format === "specstory" ? "chat" : "agent");
    const id = importedSessionId({ type, format: start.format, identity: sessionIdentity(start, first.event) });
    const exists = store.has(id);
    const scan = exists ? await scanSession(store, id) : { sourceEvents: 0, last: undefined, openTools: new Map() };
    const entry: ImportedSession = { id, source: start.format, source_path: path, created: false, events: 0 };
    report.sessions.push(entry);
    const session = new SessionImport(store, path, start, options, report, entry, scan);
    session.#type = exists ? undefined : type;
    return session;
  }

  /** Set while the session is still to be created (as this type). */
  #type: ImportSessionType | undefined;

  /** Creates the session, titled by the first user message of its first batch unless the source titled it. */
  async #create(type: ImportSessionType, batch: SessionEvent[]): Promise<void> {
    const start = this.#start;
    const extra: Record<string, unknown> = { source: start.format, source_path: this.#path };
    if (start.key !== "") extra.source_line = start.line;
    Object.assign(extra, start.meta);
    if (start.key === "" && extra.model === undefined) {
      const model = modelFromHead(start.format, readHead(this.#path, MODEL_PEEK_BYTES));
      if (model !== undefined) extra.model = model;
    }
    extra.imported = formatTimestamp(new Date());
    const firstUser = batch.find((event) => event.role === "user");
    const title = start.title ?? (firstUser ? titleFromText(firstUser.content) : undefined);
    try {
      const options: ImportedSessionOptions = { type, id: this.#entry.id, title, started: start.started, extra };
      if (this.#options.createSession) await this.#options.createSession(options);
      else this.#store.create(options);
      this.#entry.created = true;
    } catch (error) {
      if (!(error instanceof SessionExistsError)) throw error; // made meanwhile by another import
    }
  }

  /** The source's next event: skipped if imported before, else written (in batches). */
  async add(item: SourceEvent): Promise<void> {
    const index = this.#seen++;
    if (this.#stopped) return;
    const scan = this.#scan;
    if (index < scan.sourceEvents - 1) {
      // Imported before; only a tool call written before its result came may have more now.
      if (!scan.openTools.has(index) || item.event.role !== "tool" || item.event.content === "") return;
      const ready = await this.#prepare(item);
      if (ready.role === "tool" && ready.content !== "") {
        await this.#write({ ...ready, content: continuationContent(ready.content) });
      }
      return;
    }
    const ready = await this.#prepare(item);
    if (index > scan.sourceEvents - 1) return await this.#write(ready);
    // The last event imported before: the same, grown (a live file), or changed.
    const last = scan.last!;
    if (ready.role === last.role && ready.tool === last.tool && ready.content.startsWith(last.content)) {
      if (ready.content.length > last.content.length) {
        await this.#write({ ...ready, content: continuationContent(ready.content.slice(last.content.length)) });
      }
      return;
    }
    this.#stopped = true;
    this.#report.warnings.push({
      file: this.#path,
      line: item.line,
      message: `this event differs from event ${index + 1} of session ${this.#entry.id}, imported from here ` +
        "before: the file was changed, not just added to, so nothing more is imported into that session " +
        "(remove the session to import the file afresh)",
    });
  }

  /**
   * The source compacted its context: what follows goes into a continuation
   * log. Only when what follows is new (a re-import passes it by); the
   * compaction is no event, so the counts that line a re-import up hold.
   */
  async compact(item: SourceCompaction): Promise<void> {
    if (this.#stopped || this.#seen < this.#scan.sourceEvents) return;
    await this.#flush(true);
    await this.#store.compact(this.#entry.id, item.summary, { at: item.at });
  }

  /** The session's id. */
  get id(): string {
    return this.#entry.id;
  }

  /** Writes the events that wait in the batch (a follower, at the end of what was read so far). */
  async flushPending(): Promise<void> {
    await this.#flush();
  }

  /** The source session has ended: writes what waits and checks nothing went missing. */
  async finish(): Promise<void> {
    await this.#flush();
    if (!this.#stopped && this.#seen < this.#scan.sourceEvents) {
      this.#report.warnings.push({
        file: this.#path,
        line: this.#start.line,
        message: `session ${this.#entry.id} holds ${this.#scan.sourceEvents} events imported from here, but the ` +
          `file now has ${this.#seen}: it was cut or rewritten, so nothing was imported into that session`,
      });
    }
  }

  /** The event as it will be written: checked, given a time, passed through the transform. */
  async #prepare(item: SourceEvent): Promise<SessionEvent> {
    const at = TIMESTAMP_PATTERN.test(item.event.at) ? item.event.at : this.#start.started;
    let ready: SessionEvent = { ...validateNewEvent(item.event), at };
    if (this.#options.transform) {
      const changed = await this.#options.transform(ready, this.#entry.id);
      ready = changed === null ? { role: "note", content: DROPPED_EVENT_NOTE, at } : changed;
      ready = { ...validateNewEvent(ready), at: TIMESTAMP_PATTERN.test(ready.at) ? ready.at : at };
    }
    return ready;
  }

  async #write(event: SessionEvent): Promise<void> {
    this.#batch.push(event);
    this.#batchChars += event.content.length;
    if (this.#batch.length >= (this.#options.batchEvents ?? 1000) || this.#batchChars >= BATCH_CHARS) {
      await this.#flush();
    }
  }

  /** Writes the batch; `create` makes the session even with nothing to write (a compaction needs it). */
  async #flush(create = false): Promise<void> {
    if (this.#batch.length === 0 && !(create && this.#type !== undefined)) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchChars = 0;
    if (this.#type !== undefined) {
      await this.#create(this.#type, batch);
      this.#type = undefined;
    }
    if (batch.length === 0) return;
    await this.#store.appendTimed(this.#entry.id, batch);
    this.#entry.events += batch.length;
  }
}

/** Reads a session's logs (through the store, which holds their lock) to see how far earlier imports got. */
async function scanSession(store: SessionStore, id: string): Promise<SessionScan> {
  const scanner = new SessionLogScanner();
  await store.readLogLines(id, scanner);
  return scanner.result();
}

/** A SourceFormatError's message without its `file:line: ` prefix (the warning carries those). */
function messageAfterPlace(error: SourceFormatError): string {
  const prefix = `${error.file}:${error.line}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
