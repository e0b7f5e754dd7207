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
import { openLockFile } from "../runtime/lock_file.ts";
import { processId } from "../runtime/process.ts";
import { SessionStore } from "../store/session_store.ts";
import { connectSocket } from "./socket.ts";
import { IndexService } from "./index_service.ts";
import {
  databaseDir,
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
  const opening = performance.now();
  try {
    opened = await openWithHealing(root, options, log);
  } catch (error) {
    return fail(`cannot open the index: ${(error as Error).message}`);
  }
  log(`serving ${opened.where} (${opened.index.status}, opened in ${Math.round(performance.now() - opening)} ms)`);
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
async function openWithHealing(root: string, options: IndexOwnerOptions, log: (line: string) => void) {
  const { connection } = options;
  try {
    return await openIndexAt(root, options);
  } catch (error) {
    if (connection.url !== undefined || (error as CruError).code === "index_busy") throw error;
    const aside = join(root, `index.broken-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    log(`the index could not be opened (${(error as Error).message}); moving it to ${aside} and rebuilding`);
    for (const old of brokenCopies(root)) rmSync(join(root, old), { recursive: true, force: true });
    if (existsSync(databaseDir(root))) renameSync(databaseDir(root), aside);
    const opened = await openIndexAt(root, options);
    return {
      ...opened,
      notice: `the index was damaged (${firstLine(error)}); it was moved to ${aside} and rebuilt from the markdown`,
    };
  }
}

async function openIndexAt(root: string, options: IndexOwnerOptions): Promise<Opened> {
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

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0];
}

class Owner {
  readonly #root: string;
  readonly #opened: Opened;
  readonly #service: IndexService;
  readonly #idleMs: number;
  readonly #db: string | undefined;
  readonly #log: (line: string) => void;
  /** One job at a time: the engine is not safe for overlapping writes. */
  #queue: Promise<unknown> = Promise.resolve();
  #pending = new Map<net.Socket, Set<number>>();
  /** The last progress told to waiting clients, repeated as a heartbeat while a long step says nothing new. */
  #lastProgress = { done: 0, total: 0, what: "working", at: 0 };
  #lastActivity = Date.now();
  #running = 0;

  constructor(root: string, opened: Opened, options: IndexOwnerOptions, log: (line: string) => void) {
    this.#root = root;
    this.#opened = opened;
    this.#service = new IndexService(new SessionStore({ root }), opened.index, {
      schedule: (job) => void this.#enqueue(job),
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
    this.#enqueue(async () => {
      const started = performance.now();
      const report = await this.#service.catchUp();
      const took = Math.round(performance.now() - started);
      this.#log(`start-up sweep of ${report.scanned} logs took ${took} ms (${report.files} read)`);
    });
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
    if (existsSync(this.#root)) {
      rmSync(socketPath, { force: true });
      await this.#queue;
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
      this.#enqueue(() => this.#service.catchUp());
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
    this.#enqueue(async () => {
      // A client that gave up is not answered: its work would only delay the others.
      if (socket.destroyed) return;
      try {
        const what = method === "reindex" ? "reindexing" : `catching up before the ${method}`;
        const { result, warnings } = await this.#service.handle(method, request.params, this.#progress(what));
        send(socket, { id: request.id, result, ...(warnings.length ? { warnings } : {}) });
      } catch (error) {
        this.#log(`${method} failed: ${(error as Error).stack ?? (error as Error).message}`);
        if ((error as CruError).code === "index_conflict") this.#shutdown("another owner changed the index");
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
    const run = this.#queue.then(job).then(() => {}, (error: Error) => {
      this.#log(`job failed: ${error.message}`);
      // Another owner committed to a shared database first: this one's view is stale. The next request starts
      // a fresh owner, which loads the new state and reads the markdown again.
      if ((error as CruError).code === "index_conflict") this.#shutdown("another owner changed the index");
    });
    this.#queue = run;
    return run;
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
