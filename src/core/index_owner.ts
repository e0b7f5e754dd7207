/**
 * The index owner: the one process per store that holds the SurrealDB index.
 *
 * The embedded engine allows one process per store and cannot be closed and
 * reopened in a process, and a process holding a full-text index cannot exit
 * by itself. So no CLI command or library user opens it: they ask the owner,
 * over a unix socket, and the owner is started on demand and exits when idle.
 * Before every query it catches up from the markdown, so a query sees every
 * event acknowledged before it was asked.
 *
 * @module
 */
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { displayUrl } from "../index/connect.ts";
import { embeddedIndexUrl, openIndex, type SessionIndex } from "../index/mod.ts";
import { CruError } from "../model/errors.ts";
import { openLockFile } from "../runtime/lock_file.ts";
import { SessionStore } from "../store/session_store.ts";
import { type FeedReport, IndexFeeder } from "./index_feed.ts";
import {
  connectSocket,
  indexDir,
  type IndexRequest,
  type IndexResponse,
  ownerErrorPath,
  ownerLockPath,
  ownerLogPath,
  ownerSocketPath,
} from "./index_protocol.ts";
import type { IndexConnection } from "./index_settings.ts";

/** Options of {@linkcode runIndexOwner}. */
export interface IndexOwnerOptions {
  root: string;
  connection: IndexConnection;
  /** Exit after this long without requests (default 60 s). */
  idleMs?: number;
  /** How long to wait for an owner that is shutting down to let go of the index (default 120 s). */
  lockWaitMs?: number;
}

/**
 * Runs the owner until it is idle. Resolves with the exit code; the caller
 * must then exit the process (the engine keeps it alive otherwise).
 */
export async function runIndexOwner(options: IndexOwnerOptions): Promise<number> {
  const { root } = options;
  mkdirSync(indexDir(root), { recursive: true });
  const log = (line: string) =>
    appendFileSync(ownerLogPath(root), `${new Date().toISOString()} [${process.pid}] ${line}\n`);
  const lock = openLockFile(ownerLockPath(root));
  // The holder may be serving (then leave it be) or finishing its shutdown, compacting a big
  // index (then wait for it, bounded, rather than leave the clients with no owner at all).
  const deadline = Date.now() + (options.lockWaitMs ?? 120_000);
  while (!lock.tryLock(true)) {
    const serving = await connectSocket(ownerSocketPath(root));
    if (serving) {
      serving.destroy();
      log("another owner serves this index; leaving it to that one");
      return 0;
    }
    if (Date.now() > deadline) {
      const message = `another process holds ${ownerLockPath(root)} and does not answer on its socket`;
      log(message);
      writeFileSync(ownerErrorPath(root), message);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  rmSync(ownerErrorPath(root), { force: true });
  const url = options.connection.url ?? embeddedIndexUrl(join(indexDir(root), "db"));
  let index: SessionIndex;
  try {
    index = await openIndex({ ...options.connection, url });
  } catch (error) {
    const message = `cannot open the index at ${displayUrl(url)}: ${(error as Error).message}`;
    log(message);
    writeFileSync(ownerErrorPath(root), message);
    return 1;
  }
  log(`serving ${displayUrl(url)} (schema ${index.schema})`);
  const owner = new Owner(root, index, await IndexFeeder.create(new SessionStore({ root }), index), options, log);
  return await owner.serve();
}

class Owner {
  readonly #root: string;
  readonly #index: SessionIndex;
  readonly #feeder: IndexFeeder;
  readonly #idleMs: number;
  readonly #db: string | undefined;
  readonly #log: (line: string) => void;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = new Map<net.Socket, Set<number>>();
  #lastActivity = Date.now();
  #running = 0;

  constructor(
    root: string,
    index: SessionIndex,
    feeder: IndexFeeder,
    options: IndexOwnerOptions,
    log: (line: string) => void,
  ) {
    this.#root = root;
    this.#index = index;
    this.#feeder = feeder;
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
    if (existsSync(this.#root)) {
      rmSync(socketPath, { force: true });
      // Compacting now spares the next owner seconds of log replay when it opens.
      await this.#index.compact().catch((error: Error) => this.#log(`compact failed: ${error.message}`));
    }
    await this.#index.close(2_000).catch(() => {});
    return 0;
  }

  #shutdown: (why: string) => void = () => {};

  #accept(socket: net.Socket): void {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
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
      request = JSON.parse(line);
    } catch {
      return send(socket, {
        id: -1,
        error: { code: "bad_request", message: "a request must be one JSON object per line" },
      });
    }
    this.#lastActivity = Date.now();
    this.#running++;
    const ids = this.#pending.get(socket) ?? new Set<number>();
    ids.add(request.id);
    this.#pending.set(socket, ids);
    const job = this.#queue.then(() => this.#handle(request));
    this.#queue = job.catch(() => {});
    job.then(
      ({ result, warnings }) => send(socket, { id: request.id, result, ...(warnings.length ? { warnings } : {}) }),
      (error: Error) => {
        this.#log(`${request.method} failed: ${error.stack ?? error.message}`);
        send(socket, {
          id: request.id,
          error: { code: (error as CruError).code ?? "index_error", message: error.message },
        });
      },
    ).finally(() => {
      ids.delete(request.id);
      this.#running--;
      this.#lastActivity = Date.now();
    });
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

  async #handle(request: IndexRequest): Promise<{ result: unknown; warnings: FeedReport["warnings"] }> {
    const params = (request.params ?? {}) as Record<string, unknown>;
    if ((params.db ?? undefined) !== this.#db) {
      setTimeout(() => this.#shutdown("asked for another database"), 10);
      throw new CruError(
        "owner_restarting",
        `this owner serves ${this.#db ?? "the embedded index"}; restarting for ${params.db ?? "the embedded index"}`,
      );
    }
    switch (request.method) {
      case "ping":
        return { result: { pid: process.pid, schema: this.#index.schema }, warnings: [] };
      case "notify": {
        const report = await this.#feeder.refresh(params.logs as { id: string; file: string }[]);
        return { result: report, warnings: report.warnings };
      }
      case "sync": {
        const report = await this.#feeder.catchUp(this.#progress("indexing logs"));
        return { result: report, warnings: report.warnings };
      }
      case "search": {
        const report = await this.#feeder.catchUp(this.#progress("catching up before the search"));
        const hits = await this.#index.search(String(params.query), (params.filters ?? {}) as Record<string, number>);
        return { result: hits, warnings: report.warnings };
      }
      case "list": {
        const report = await this.#feeder.catchUp(this.#progress("catching up before listing"));
        return {
          result: await this.#index.listSessions((params.filters ?? {}) as Record<string, number>),
          warnings: report.warnings,
        };
      }
      case "reindex": {
        const started = performance.now();
        const report = await this.#feeder.rebuild(this.#progress("reindexing"));
        await this.#index.compact();
        return { result: { ...report, seconds: (performance.now() - started) / 1000 }, warnings: report.warnings };
      }
      case "stop":
        setTimeout(() => this.#shutdown("asked to stop"), 10);
        return { result: { stopping: true }, warnings: [] };
      default:
        throw new CruError("bad_request", `unknown method ${JSON.stringify(request.method)}`);
    }
  }
}

function send(socket: net.Socket, response: IndexResponse): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
}
