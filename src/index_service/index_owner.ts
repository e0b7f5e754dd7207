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
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { closeSurreal, connectSurreal, displayUrl, embeddedIndexUrl } from "../index/connect.ts";
import type { SearchIndex } from "../index/search_index_api.ts";
import { openSearchIndex } from "../index/search_index.ts";
import { SurrealStorage } from "../index/surreal_storage.ts";
import { CruError } from "../model/errors.ts";
import { type LockFile, openLockFile } from "../runtime/lock_file.ts";
import { processId } from "../runtime/process.ts";
import { SessionStore } from "../store/session_store.ts";
import { connectSocket } from "./socket.ts";
import { IndexService } from "./index_service.ts";
import { JobQueue } from "./job_queue.ts";
import { isIndexDamage } from "./index_damage.ts";
import {
  brokenCopyPath,
  databaseDir,
  healNoticePath,
  indexDir,
  ownerErrorPath,
  ownerLockPath,
  ownerLogPath,
  ownerSocketPath,
  prepareIndexDir,
} from "./owner_paths.ts";
import { type IndexRequest, type IndexResponse, type ParamsOf, parseRequest, type ResultOf } from "./protocol.ts";
import type { IndexConnection } from "./index_settings.ts";

/** Options of {@linkcode runIndexOwner}. */
export interface IndexOwnerOptions {
  root: string;
  connection: IndexConnection;
  /** Exit after this long without requests (default 60 s). */
  idleMs?: number;
  /** How long to wait for an owner that is shutting down to let go of the index (default 30 s). */
  lockWaitMs?: number;
  /** Tail size that triggers a flush (see {@linkcode IndexServiceOptions}). */
  flushDocs?: number;
  /** Segments of one level that merge into one (the engine's default otherwise). */
  mergeFactor?: number;
}

/**
 * Runs the owner until it is idle. Resolves with the exit code; the caller
 * must then exit the process (the engine keeps it alive otherwise).
 */
export async function runIndexOwner(options: IndexOwnerOptions): Promise<number> {
  const { root } = options;
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
  try {
    prepareIndexDir(root);
  } catch (error) {
    return fail(`cannot prepare ${indexDir(root)}: ${fsReason(error)}`);
  }
  // Paths the owner needs as files or sockets: a folder there is a clear reason, said as such, not a stack trace.
  for (const path of [ownerLockPath(root), ownerSocketPath(root)]) {
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) return fail(`${path} is a directory; remove it`);
  }
  let lock: LockFile;
  try {
    lock = openLockFile(ownerLockPath(root));
  } catch (error) {
    return fail(`cannot open ${ownerLockPath(root)}: ${fsReason(error)}`);
  }
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
  try {
    rmSync(ownerErrorPath(root), { force: true });
  } catch (error) {
    return fail(`cannot remove ${ownerErrorPath(root)}: ${fsReason(error)}`);
  }
  let opened: OpenedIndex;
  const opening = performance.now();
  try {
    opened = await openWithHealing(root, options, log);
  } catch (error) {
    return fail(`cannot open the index: ${fsReason(error)}`);
  }
  log(`serving ${opened.where} (${opened.index.status}, opened in ${Math.round(performance.now() - opening)} ms)`);
  try {
    return await serveOpenedIndex(root, opened, options, log);
  } catch (error) {
    await opened.close().catch(() => {});
    return fail(`cannot serve on ${ownerSocketPath(root)}: ${fsReason(error)}`);
  }
}

/**
 * Serves an opened index on the store's socket until idle, asked to stop, or
 * the index is found damaged (then it is moved aside for the next owner to
 * rebuild). Resolves with the exit code. The owner lock must be held.
 */
export function serveOpenedIndex(
  root: string,
  opened: OpenedIndex,
  options: IndexOwnerOptions,
  log: (line: string) => void = () => {},
): Promise<number> {
  return new Owner(root, opened, options, log).serve();
}

/** An index as the owner serves it. */
export interface OpenedIndex {
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
async function openWithHealing(root: string, options: IndexOwnerOptions, log: (line: string) => void) {
  const { connection } = options;
  const told = takeHealNotice(root);
  try {
    const opened = await openIndexAt(root, options);
    const rebuilt = opened.index.status === "rebuilt"
      ? "the index was written in a format this cru does not read; it was rebuilt from the markdown"
      : undefined;
    return { ...opened, notice: told ?? rebuilt };
  } catch (error) {
    if (connection.url !== undefined || (error as CruError).code === "index_busy") throw error;
    const aside = moveIndexAside(root, `the index could not be opened (${firstLine(error)})`, log);
    const opened = await openIndexAt(root, options);
    return {
      ...opened,
      notice: `the index was damaged (${firstLine(error)}); it was moved to ${aside} and rebuilt from the markdown`,
    };
  }
}

/**
 * Moves the embedded database aside to `index.broken-<time>/`, keeping only
 * that newest copy for a bug report (older ones go first: the disk may be
 * full). Returns where it went.
 */
function moveIndexAside(root: string, why: string, log: (line: string) => void): string {
  const aside = brokenCopyPath(root);
  log(`${why}; moving it to ${aside} and rebuilding`);
  for (const old of brokenCopies(root)) rmSync(join(root, old), { recursive: true, force: true });
  if (existsSync(databaseDir(root))) {
    try {
      renameSync(databaseDir(root), aside);
    } catch (error) {
      log(`cannot move the index aside (${firstLine(error)}); removing it`);
      rmSync(databaseDir(root), { recursive: true, force: true });
    }
  }
  return aside;
}

/** The notice a healing owner left for the command that comes back to its successor (read once). */
export function takeHealNotice(root: string): string | undefined {
  try {
    const notice = readFileSync(healNoticePath(root), "utf8").trim();
    rmSync(healNoticePath(root), { force: true });
    return notice === "" ? undefined : notice;
  } catch {
    return undefined;
  }
}

async function openIndexAt(root: string, options: IndexOwnerOptions): Promise<OpenedIndex> {
  const { connection } = options;
  const url = connection.url ?? embeddedIndexUrl(databaseDir(root));
  const db = await connectSurreal({ ...connection, url });
  try {
    const storage = await SurrealStorage.open(db);
    await storage.sweepFiles();
    const index = await openSearchIndex(storage, options.mergeFactor ? { mergeFactor: options.mergeFactor } : {});
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

/** A failure in words a person can act on: "disk full", "… is a directory", else the first line of its message. */
function fsReason(error: unknown): string {
  const { code, path } = error as { code?: string; path?: string };
  if (code === "ENOSPC") return "no space left on the device (disk full)";
  if (code === "EISDIR") return `${path ?? "a path the owner needs"} is a directory`;
  if (code === "EACCES" || code === "EPERM") return `permission denied${path ? ` on ${path}` : ""}`;
  if (code === "EROFS") return "the file system is read-only";
  return firstLine(error);
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0];
}

class Owner {
  readonly #root: string;
  readonly #opened: OpenedIndex;
  readonly #service: IndexService;
  readonly #idleMs: number;
  readonly #db: string | undefined;
  readonly #log: (line: string) => void;
  /** One job at a time (the engine is not safe for overlapping writes), requests before background work. */
  readonly #jobs: JobQueue;
  /** A background catch-up is queued: notices coalesce into it. */
  #catchUpQueued = false;
  #pending = new Map<net.Socket, Set<number>>();
  /** The last progress told to waiting clients, repeated as a heartbeat while a long step says nothing new. */
  #lastProgress = { done: 0, total: 0, what: "working", at: 0 };
  #lastActivity = Date.now();
  #running = 0;
  /** Set once the index was found damaged while serving: the owner answers no more and hands over. */
  #healing: string | undefined;

  constructor(root: string, opened: OpenedIndex, options: IndexOwnerOptions, log: (line: string) => void) {
    this.#root = root;
    this.#opened = opened;
    this.#jobs = new JobQueue((error) => this.#jobFailed(error));
    this.#service = new IndexService(new SessionStore({ root }), opened.index, {
      schedule: (job) => void this.#jobs.run(job, "background"),
      // A server's records can be cleared in place; an embedded database's damaged files are moved aside instead.
      rebuildOnDamage: options.connection.url !== undefined,
      flushDocs: options.flushDocs,
      notice: opened.notice,
      log,
    });
    this.#idleMs = options.idleMs ?? 60_000;
    this.#db = options.connection.url === undefined ? undefined : displayUrl(options.connection.url);
    this.#log = log;
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
    void this.#jobs.run(async () => {
      const started = performance.now();
      const report = await this.#service.catchUp();
      const took = Math.round(performance.now() - started);
      this.#log(`start-up sweep of ${report.scanned} logs took ${took} ms (${report.files} read)`);
    }, "background");
    const reason = await new Promise<string>((resolve) => {
      const timer = setInterval(() => {
        this.#heartbeat();
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
    if (this.#healing !== undefined) {
      // The database was moved aside while open: touch it no more. Exiting lets the next owner build a new one.
      rmSync(socketPath, { force: true });
      await this.#jobs.idle();
      return 0;
    }
    if (existsSync(this.#root)) {
      rmSync(socketPath, { force: true });
      await this.#jobs.idle();
      await this.#service.close().catch((error: Error) => this.#log(`final flush failed: ${error.message}`));
      // Compacting now spares the next owner seconds of log replay when it opens.
      await this.#opened.compact().catch((error: Error) => this.#log(`compact failed: ${error.message}`));
    }
    await this.#opened.close().catch(() => {});
    return 0;
  }

  #shutdown: (why: string) => void = () => {};

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
      return send(socket, { id: requestIdOf(line), error: { code: "bad_request", message: (error as Error).message } });
    }
    this.#lastActivity = Date.now();
    if ((request.db ?? undefined) !== this.#db) {
      setTimeout(() => this.#shutdown("asked for another database"), 10);
      const serves = this.#db ?? "the embedded index";
      const wanted = request.db ?? "the embedded index";
      return send(socket, {
        id: request.id,
        error: { code: "owner_restarting", message: `this owner serves ${serves}; restarting for ${wanted}` },
      });
    }
    if (request.method === "notify") {
      // Taken at once: the append that sent it returns, and the next answer reads these logs first.
      const queued = this.#service.changed((request.params as ParamsOf<"notify">).logs);
      send(socket, { id: request.id, result: { queued } satisfies ResultOf<"notify"> });
      this.#catchUpSoon();
      return;
    }
    if (request.method === "stop") {
      setTimeout(() => this.#shutdown("asked to stop"), 10);
      return send(socket, { id: request.id, result: { stopping: true } satisfies ResultOf<"stop"> });
    }
    if (request.method === "ping") {
      const result: ResultOf<"ping"> = { pid: processId(), status: this.#service.status };
      return send(socket, { id: request.id, result });
    }
    const method = request.method;
    if (method === "reindex") this.#service.supersedeSweep();
    this.#running++;
    const ids = this.#pending.get(socket) ?? new Set<number>();
    ids.add(request.id);
    this.#pending.set(socket, ids);
    void this.#jobs.run(async () => {
      // A client that gave up is not answered: its work would only delay the others.
      if (socket.destroyed) return;
      if (this.#healing !== undefined) return send(socket, { id: request.id, error: this.#handingOver() });
      try {
        const what = method === "reindex" ? "reindexing" : `catching up before the ${method}`;
        const { result, warnings } = await this.#service.handle(method, request.params, this.#progress(what));
        send(socket, { id: request.id, result, ...(warnings.length ? { warnings } : {}) });
      } catch (error) {
        this.#log(`${method} failed: ${(error as Error).stack ?? (error as Error).message}`);
        if ((error as CruError).code === "index_conflict") this.#shutdown("another owner changed the index");
        if (this.#heal(error)) return send(socket, { id: request.id, error: this.#handingOver() });
        send(socket, {
          id: request.id,
          error: { code: (error as CruError).code ?? "index_error", message: (error as Error).message },
        });
      }
    }, "request").finally(() => {
      ids.delete(request.id);
      this.#running--;
      this.#lastActivity = Date.now();
    });
  }

  /**
   * Reads the logs that notices named, in the background and in short jobs
   * (a batch of logs each), so a request waits for one batch at most. Notices
   * that come while one is queued join it.
   */
  #catchUpSoon(): void {
    if (this.#catchUpQueued) return;
    this.#catchUpQueued = true;
    void this.#jobs.run(async () => {
      this.#catchUpQueued = false;
      if (this.#healing !== undefined) return;
      await this.#service.catchUp(undefined, CATCH_UP_BATCH);
      if (this.#service.waiting > 0) this.#catchUpSoon();
    }, "background");
  }

  #jobFailed(error: unknown): void {
    this.#log(`job failed: ${(error as Error).message}`);
    if (this.#heal(error)) return;
    // Another owner committed to a shared database first: this one's view is stale. The next request starts
    // a fresh owner, which loads the new state and reads the markdown again.
    if ((error as CruError).code === "index_conflict") this.#shutdown("another owner changed the index");
  }

  /**
   * Heals an embedded index found damaged while serving (a read or a write
   * failed with the engine's corruption error or a missing chunk): moves it
   * aside, leaves the notice for the next command, answers every request with
   * `owner_restarting` (clients ask again, and the next owner rebuilds from the
   * markdown) and stops. The engine cannot be reopened in this process, so a
   * new owner does the rebuilding. Returns whether it heals.
   */
  #heal(error: unknown): boolean {
    if (this.#healing !== undefined) return true;
    if (this.#db !== undefined || !isIndexDamage(error)) return false;
    this.#healing = firstLine(error);
    const aside = moveIndexAside(this.#root, `the index is damaged (${this.#healing})`, this.#log);
    const notice = `the index was damaged (${this.#healing}); it was moved to ${aside} and rebuilt from the markdown`;
    try {
      writeFileSync(healNoticePath(this.#root), notice, { mode: 0o600 });
    } catch {
      // the disk may be full: the rebuild still happens, only the notice is lost
    }
    setTimeout(() => this.#shutdown("the index is damaged; the next owner rebuilds it"), 0);
    return true;
  }

  #handingOver(): { code: string; message: string } {
    return { code: "owner_restarting", message: `the index is damaged (${this.#healing}); rebuilding it` };
  }

  /** Tells every waiting client how a long job is going, so none of them gives up on a working owner. */
  #progress(what: string): (done: number, total: number) => void {
    let last = 0;
    return (done, total) => {
      if (Date.now() - last < 200 && done !== total) return;
      last = Date.now();
      this.#lastProgress = { done, total, what, at: last };
      for (const [socket, ids] of this.#pending) {
        for (const id of ids) send(socket, { id, progress: { done, total, what } });
      }
    };
  }

  /**
   * Tells waiting clients the owner is alive while one long step (writing a large segment, a merge, compacting)
   * reports nothing new: a client gives up only on an owner that has really stopped answering.
   */
  #heartbeat(): void {
    if (this.#running === 0 || Date.now() - this.#lastProgress.at < 5_000) return;
    const { done, total, what } = this.#lastProgress;
    this.#lastProgress.at = Date.now();
    for (const [socket, ids] of this.#pending) {
      for (const id of ids) send(socket, { id, progress: { done, total, what } });
    }
  }
}

/** Logs one background catch-up job reads at most. */
const CATCH_UP_BATCH = 8;

/** The id of a request that could not be read, to answer it with the error (-1 when there is none). */
function requestIdOf(line: string): number {
  try {
    const id = (JSON.parse(line) as { id?: unknown }).id;
    return Number.isSafeInteger(id) ? id as number : -1;
  } catch {
    return -1;
  }
}

function send(socket: net.Socket, response: IndexResponse): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
}
