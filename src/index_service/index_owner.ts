/**
 * The index owner: the one process per store that holds the index database
 * and runs the search engine over it. Started on demand by clients
 * (`index_client.ts`), it answers the requests of `protocol.ts` on a unix
 * socket and exits when idle.
 *
 * Why a process of its own: the embedded engine allows one process per store,
 * cannot be closed and reopened in a process, and keeps its process alive. So
 * no command and no library user opens it; they ask the owner.
 *
 * Keeping level with the markdown costs what changed: appends through cru name
 * their log before they return, the watcher names what else changed (hand
 * edits, imports, cleanup), and a full sweep runs when the owner starts — and
 * before every query only if watching is unavailable. New events go to the
 * engine's in-memory tail, searchable at once, and are written out as a
 * segment in batches; a killed owner loses only the tail, which the next one
 * reads again from the markdown.
 *
 * @module
 */
import { appendFileSync, chmodSync, existsSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { closeSurreal, connectSurreal, displayUrl, embeddedIndexUrl } from "../index/connect.ts";
import type { SearchIndex } from "../index/search_index_api.ts";
import { openSearchIndex } from "../index/search_index.ts";
import { SurrealStorage } from "../index/surreal_storage.ts";
import { CruError } from "../model/errors.ts";
import type { ParseWarning } from "../model/log.ts";
import { openLockFile } from "../runtime/lock_file.ts";
import { processId } from "../runtime/process.ts";
import { SessionStore } from "../store/session_store.ts";
import { connectSocket } from "./socket.ts";
import { type FeedReport, LogFeeder } from "./log_feeder.ts";
import { LogWatcher } from "./log_watcher.ts";
import {
  databaseDir,
  indexDir,
  ownerErrorPath,
  ownerLockPath,
  ownerLogPath,
  ownerSocketPath,
  prepareIndexDir,
} from "./owner_paths.ts";
import {
  type IndexMethod,
  type IndexRequest,
  type IndexResponse,
  type ParamsOf,
  parseRequest,
  type ResultOf,
} from "./protocol.ts";
import type { IndexConnection } from "./index_settings.ts";

/** Options of {@linkcode runIndexOwner}. */
export interface IndexOwnerOptions {
  root: string;
  connection: IndexConnection;
  /** Exit after this long without requests (default 60 s). */
  idleMs?: number;
  /** How long to wait for an owner that is shutting down to let go of the index (default 30 s). */
  lockWaitMs?: number;
}

/** The tail is written out as a segment once it holds this many documents… */
const FLUSH_DOCS = 8_192;
/** …or after this long without new writes. */
const FLUSH_QUIET_MS = 3_000;
/** During a reindex, segments of this many documents. */
const REINDEX_SEGMENT_DOCS = 100_000;

/**
 * Runs the owner until it is idle. Resolves with the exit code; the caller
 * must then exit the process (the engine keeps it alive otherwise).
 */
export async function runIndexOwner(options: IndexOwnerOptions): Promise<number> {
  const { root } = options;
  prepareIndexDir(root);
  const log = (line: string) => {
    try {
      appendFileSync(ownerLogPath(root), `${new Date().toISOString()} [${processId()}] ${line}\n`, { mode: 0o600 });
    } catch {
      // the log is for people debugging; never a reason to fail
    }
  };
  const fail = (message: string) => {
    log(message);
    try {
      writeFileSync(ownerErrorPath(root), message, { mode: 0o600 });
    } catch {
      // the disk may be full: the client then reports that the owner did not start
    }
    return 1;
  };
  const lock = openLockFile(ownerLockPath(root));
  // The holder may be serving (then leave it be) or finishing its shutdown (then wait for it, bounded).
  const deadline = Date.now() + (options.lockWaitMs ?? 30_000);
  while (!lock.tryLock(true)) {
    const serving = await connectSocket(ownerSocketPath(root));
    if (serving) {
      serving.destroy();
      log("another owner serves this index; leaving it to that one");
      return 0;
    }
    if (Date.now() > deadline) {
      return fail(`another process holds ${ownerLockPath(root)} and does not answer on its socket`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  rmSync(ownerErrorPath(root), { force: true });
  let opened: Opened;
  try {
    opened = await openWithHealing(root, options.connection, log);
  } catch (error) {
    return fail(`cannot open the index: ${(error as Error).message}`);
  }
  log(`serving ${opened.where} (${opened.index.status})`);
  const owner = new Owner(root, opened, options, log);
  try {
    return await owner.serve();
  } catch (error) {
    await opened.close().catch(() => {});
    return fail(`cannot serve on ${ownerSocketPath(root)}: ${firstLine(error)}`);
  }
}

interface Opened {
  index: SearchIndex;
  close: () => Promise<void>;
  compact: () => Promise<void>;
  where: string;
  /** Said once to the first client: what healing did. */
  notice?: string;
}

/**
 * Opens the index; an embedded one that cannot be opened or read (damaged
 * files, an unknown format) is moved aside to `index.broken-<time>/` (the
 * newest kept for a bug report, older ones removed) and a new one is built from
 * the markdown. The index is derived: a broken one never stops a user who
 * still has the markdown.
 */
async function openWithHealing(root: string, connection: IndexConnection, log: (line: string) => void) {
  try {
    return await openIndexAt(root, connection);
  } catch (error) {
    if (connection.url !== undefined || (error as CruError).code === "index_busy") throw error;
    const aside = join(root, `index.broken-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    log(`the index could not be opened (${(error as Error).message}); moving it to ${aside} and rebuilding`);
    for (const old of brokenCopies(root)) rmSync(join(root, old), { recursive: true, force: true });
    if (existsSync(databaseDir(root))) renameSync(databaseDir(root), aside);
    const opened = await openIndexAt(root, connection);
    return {
      ...opened,
      notice: `the index was damaged (${firstLine(error)}); it was moved to ${aside} and rebuilt from the markdown`,
    };
  }
}

async function openIndexAt(root: string, connection: IndexConnection): Promise<Opened> {
  const url = connection.url ?? embeddedIndexUrl(databaseDir(root));
  const db = await connectSurreal({ ...connection, url });
  try {
    const storage = await SurrealStorage.open(db);
    await storage.sweepFiles();
    const index = await openSearchIndex(storage);
    return {
      index,
      where: displayUrl(url),
      close: () => closeSurreal(db),
      compact: async () => {
        if (connection.url === undefined) await db.query("ALTER SYSTEM COMPACT;");
      },
    };
  } catch (error) {
    void closeSurreal(db);
    throw error;
  }
}

function brokenCopies(root: string): string[] {
  try {
    return readdirSync(root).filter((name) => name.startsWith("index.broken-"));
  } catch {
    return [];
  }
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0];
}

/** A request's outcome: its result and the warnings found while answering it. */
interface Answer {
  result: unknown;
  warnings: ParseWarning[];
}

class Owner {
  readonly #root: string;
  readonly #opened: Opened;
  readonly #index: SearchIndex;
  readonly #feeder: LogFeeder;
  readonly #watcher: LogWatcher;
  readonly #idleMs: number;
  readonly #db: string | undefined;
  readonly #log: (line: string) => void;
  /** One job at a time: the engine is not safe for overlapping writes. */
  #queue: Promise<unknown> = Promise.resolve();
  #pending = new Map<net.Socket, Set<number>>();
  #lastActivity = Date.now();
  #running = 0;
  /** Logs named by appends or the watcher, not yet read. */
  #dirty = new Set<string>();
  /** A sweep is owed (at start, and when the watcher may have missed something). */
  #sweepOwed = true;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #notice: string | undefined;
  /** Warnings found while catching up (also in the background), told once, with the next answer. */
  #undelivered: ParseWarning[] = [];

  constructor(root: string, opened: Opened, options: IndexOwnerOptions, log: (line: string) => void) {
    this.#root = root;
    this.#opened = opened;
    this.#index = opened.index;
    this.#notice = opened.notice;
    const store = new SessionStore({ root });
    this.#feeder = new LogFeeder(store, this.#index);
    this.#watcher = new LogWatcher(store.sessionsDir, (path) => this.#changed(path));
    this.#idleMs = options.idleMs ?? 60_000;
    this.#db = options.connection.url === undefined ? undefined : displayUrl(options.connection.url);
    this.#log = log;
    if (!this.#watcher.healthy) log("cannot watch the sessions folder; sweeping before every query instead");
  }

  async serve(): Promise<number> {
    const socketPath = ownerSocketPath(this.#root);
    rmSync(socketPath, { force: true }); // left by an owner that died; we hold the owner lock
    const server = net.createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
    chmodSync(socketPath, 0o600);
    // The start-up sweep runs at once, so the first query usually finds it done.
    this.#enqueue(async () => {
      const started = performance.now();
      const report = await this.#catchUp();
      const took = Math.round(performance.now() - started);
      this.#log(`start-up sweep of ${report.scanned} logs took ${took} ms (${report.files} read)`);
    });
    const reason = await new Promise<string>((resolve) => {
      const timer = setInterval(() => {
        if (!existsSync(this.#root)) resolve("the store folder is gone");
        else if (!existsSync(socketPath)) resolve("the socket was removed");
        else if (this.#running === 0 && Date.now() - this.#lastActivity > this.#idleMs) resolve("idle");
      }, Math.min(1_000, this.#idleMs));
      this.#shutdown = (why) => {
        clearInterval(timer);
        resolve(why);
      };
    });
    this.#log(`stopping: ${reason}`);
    server.close();
    this.#watcher.close();
    clearTimeout(this.#flushTimer);
    if (existsSync(this.#root)) {
      rmSync(socketPath, { force: true });
      await this.#queue;
      await this.#persist().catch((error: Error) => this.#log(`final flush failed: ${error.message}`));
      // Compacting now spares the next owner seconds of log replay when it opens.
      await this.#opened.compact().catch((error: Error) => this.#log(`compact failed: ${error.message}`));
    }
    await this.#opened.close().catch(() => {});
    return 0;
  }

  #shutdown: (why: string) => void = () => {};

  /** The watcher saw a change: a log, or a whole session folder (created, removed, archived). */
  #changed(path: string): void {
    if (path.endsWith(".md")) {
      this.#dirty.add(path);
    } else {
      for (const file of this.#index.fingerprints().keys()) if (file.startsWith(`${path}/`)) this.#dirty.add(file);
      this.#sweepOwed = true; // a new folder's logs are found by listing it: a sweep does that
    }
  }

  #accept(socket: net.Socket): void {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 16 * 1024 * 1024) {
        socket.destroy(); // no request is that large: a confused or hostile client
        return;
      }
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.trim() !== "") this.#receive(socket, line);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => this.#pending.delete(socket));
  }

  #receive(socket: net.Socket, line: string): void {
    let request: IndexRequest;
    try {
      request = parseRequest(JSON.parse(line));
    } catch (error) {
      const id = (() => {
        try {
          return Number(JSON.parse(line).id) || -1;
        } catch {
          return -1;
        }
      })();
      return send(socket, { id, error: { code: "bad_request", message: (error as Error).message } });
    }
    this.#lastActivity = Date.now();
    if (request.method === "notify") {
      // Acknowledged at once: the append that sent it returns, and the next answer reads these logs first.
      for (const file of (request.params as ParamsOf<"notify">).logs) this.#dirty.add(file);
      send(socket, { id: request.id, result: { queued: this.#dirty.size } satisfies ResultOf<"notify"> });
      this.#enqueue(() => this.#catchUp());
      return;
    }
    this.#running++;
    const ids = this.#pending.get(socket) ?? new Set<number>();
    ids.add(request.id);
    this.#pending.set(socket, ids);
    this.#enqueue(async () => {
      // A client that gave up is not answered: its work would only delay the others.
      if (socket.destroyed) return;
      try {
        const { result, warnings } = await this.#handle(request);
        send(socket, { id: request.id, result, ...(warnings.length ? { warnings } : {}) });
      } catch (error) {
        this.#log(`${request.method} failed: ${(error as Error).stack ?? (error as Error).message}`);
        send(socket, {
          id: request.id,
          error: { code: (error as CruError).code ?? "index_error", message: (error as Error).message },
        });
      }
    }).finally(() => {
      ids.delete(request.id);
      this.#running--;
      this.#lastActivity = Date.now();
    });
  }

  #enqueue(job: () => Promise<unknown>): Promise<void> {
    const run = this.#queue.then(job).then(() => {}, (error: Error) => this.#log(`job failed: ${error.message}`));
    this.#queue = run;
    return run;
  }

  /** Tells every waiting client how a long job is going, so none of them gives up on a working owner. */
  #progress(what: string): (done: number, total: number) => void {
    let last = 0;
    return (done, total) => {
      if (Date.now() - last < 200 && done !== total) return;
      last = Date.now();
      for (const [socket, ids] of this.#pending) {
        for (const id of ids) send(socket, { id, progress: { done, total, what } });
      }
    };
  }

  async #handle(request: IndexRequest): Promise<Answer> {
    if ((request.db ?? undefined) !== this.#db) {
      setTimeout(() => this.#shutdown("asked for another database"), 10);
      throw new CruError(
        "owner_restarting",
        `this owner serves ${this.#db ?? "the embedded index"}; restarting for ${request.db ?? "the embedded index"}`,
      );
    }
    const method: IndexMethod = request.method;
    switch (method) {
      case "ping":
        return this.#answer({ pid: processId(), status: this.#index.status } satisfies ResultOf<"ping">, []);
      case "search": {
        const { query, filters } = request.params as ParamsOf<"search">;
        await this.#catchUp(this.#progress("catching up before the search"));
        return this.#answer(await this.#index.search(query, filters), []);
      }
      case "list": {
        const { filters } = request.params as ParamsOf<"list">;
        await this.#catchUp(this.#progress("catching up before listing"));
        return this.#answer(this.#index.listSessions(filters), []);
      }
      case "reindex":
        return this.#answer(...await this.#reindex());
      case "stop":
        setTimeout(() => this.#shutdown("asked to stop"), 10);
        return this.#answer({ stopping: true }, []);
      case "notify":
        return this.#answer({ queued: this.#dirty.size }, []);
    }
  }

  /** An answer, with the warnings not yet told (the healing notice first) — each goes out once. */
  #answer(result: unknown, warnings: ParseWarning[]): Answer {
    // The feeder names logs by store-relative path; people need the whole path.
    const told = [...this.#undelivered, ...warnings].map((w) => ({ ...w, file: join(this.#root, w.file) }));
    this.#undelivered = [];
    if (this.#notice !== undefined) {
      told.unshift({ file: indexDir(this.#root), line: 0, message: this.#notice });
      this.#notice = undefined;
    }
    return { result, warnings: told };
  }

  /** Reads what changed since the last answer: the named logs, or everything when a sweep is owed. */
  async #catchUp(progress?: (done: number, total: number) => void): Promise<FeedReport> {
    let report: FeedReport;
    if (this.#sweepOwed || !this.#watcher.healthy) {
      this.#sweepOwed = false;
      this.#dirty.clear();
      report = await this.#feeder.sweep(progress);
    } else if (this.#dirty.size > 0) {
      const files = [...this.#dirty];
      this.#dirty.clear();
      report = await this.#feeder.feed(files);
    } else {
      return { scanned: 0, files: 0, events: 0, removed: 0, warnings: [] };
    }
    this.#undelivered.push(...report.warnings);
    await this.#afterWrites();
    return report;
  }

  /** Writes the tail out when it is large; otherwise once writes have been quiet for a moment. */
  async #afterWrites(): Promise<void> {
    clearTimeout(this.#flushTimer);
    if (this.#index.tailSize >= FLUSH_DOCS) {
      await this.#persist();
    } else if (this.#index.tailSize > 0) {
      this.#flushTimer = setTimeout(() => this.#enqueue(() => this.#persist()), FLUSH_QUIET_MS);
    }
  }

  /** Flushes the tail and runs the merges that are due, one at a time between other requests. */
  async #persist(): Promise<void> {
    if (this.#index.tailSize > 0) await this.#index.flush();
    if (await this.#index.merge()) this.#enqueue(() => this.#persist());
  }

  async #reindex(): Promise<[ReindexAnswer, ParseWarning[]]> {
    const started = performance.now();
    await this.#index.clear();
    this.#dirty.clear();
    this.#sweepOwed = false;
    const progress = this.#progress("reindexing");
    const report = await this.#feeder.sweep(progress, async () => {
      if (this.#index.tailSize >= REINDEX_SEGMENT_DOCS) await this.#index.flush();
    });
    await this.#index.flush();
    while (await this.#index.merge()) progress(report.files, report.files);
    const seconds = (performance.now() - started) / 1000;
    return [{ files: report.files, events: report.events, seconds }, report.warnings];
  }
}

type ReindexAnswer = ResultOf<"reindex">;

function send(socket: net.Socket, response: IndexResponse): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
}
