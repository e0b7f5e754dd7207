/**
 * Talking to a store's index owner: connect, or start it and wait for it;
 * then typed requests whose waits are bounded by inactivity, so a long
 * reindex that reports progress is never cut off and a silent owner never
 * hangs a command. Runs in every process that asks the index (the CLI, the
 * library, the MCP server).
 *
 * @module
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type net from "node:net";
import { fileURLToPath } from "node:url";
import { CruError, WaitTimeoutError } from "../model/errors.ts";
import type { ParseWarning } from "../model/log.ts";
import { execPath, isAlive, isCompiledBinary, processId, scriptCommand, spawnDetached } from "../runtime/process.ts";
import { indexDir, ownerErrorPath, ownerLogPath, ownerSocketPath, prepareIndexDir } from "./owner_paths.ts";
import type { IndexMethod, IndexProgressReport, IndexResponse, ParamsOf, ResultOf } from "./protocol.ts";
import type { IndexConnection } from "./index_settings.ts";
import { connectSocket } from "./socket.ts";
import { OWNER_COMMAND } from "./owner_command.ts";

/** Options of {@linkcode IndexClient.connect}. */
export interface IndexClientOptions {
  root: string;
  connection: IndexConnection;
  /**
   * How long one owner may take to start listening (default 20 s: opening an
   * index after a crash replays its log). An owner that dies before it listens
   * is replaced at once, up to {@linkcode START_ATTEMPTS} times.
   */
  startTimeoutMs?: number;
  /** How long a request may go without any word from the owner (default 60 s). */
  silenceTimeoutMs?: number;
}

/** Owners started before giving up, when each dies before it listens. */
export const START_ATTEMPTS = 3;

/** A request's answer and the warnings that came with it. */
export interface IndexAnswer<T> {
  result: T;
  warnings: ParseWarning[];
}

/** Progress of a long request. */
export type IndexProgress = (progress: IndexProgressReport) => void;

/** The command that starts an owner for `root`: this binary, or the owner script with this runtime. */
function ownerCommand(root: string, connection: IndexConnection): string[] {
  const base = isCompiledBinary()
    ? [execPath(), OWNER_COMMAND]
    : scriptCommand(fileURLToPath(new URL("./index_owner_main.ts", import.meta.url)));
  return [...base, "--dir", root, ...(connection.url ? ["--db", connection.url] : [])];
}

/** A connection to the index owner of one store. */
export class IndexClient {
  readonly #socket: net.Socket;
  readonly #options: IndexClientOptions;
  #nextId = 1;
  #buffer = "";
  readonly #waiting = new Map<number, (response: IndexResponse) => void>();

  private constructor(socket: net.Socket, options: IndexClientOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.setEncoding("utf8");
    socket.unref(); // only a pending request keeps the process alive
    socket.on("data", (chunk: string) => this.#receive(chunk));
    socket.on("close", () => {
      for (const [id, deliver] of this.#waiting) {
        deliver({ id, error: { code: "index_owner_gone", message: "the index owner closed the connection" } });
      }
    });
  }

  /** Connects to the running owner, or returns undefined when none runs. */
  static async connectIfRunning(options: IndexClientOptions): Promise<IndexClient | undefined> {
    const socket = await connectSocket(ownerSocketPath(options.root));
    return socket && new IndexClient(socket, options);
  }

  /**
   * Connects to the owner, starting one when none runs. An owner that exits
   * before it listens is replaced; after {@linkcode START_ATTEMPTS} such
   * failures this throws with the owner's own reason (disk full, a socket path
   * taken by a folder…).
   */
  static async connect(options: IndexClientOptions): Promise<IndexClient> {
    const socketPath = ownerSocketPath(options.root);
    const running = await connectSocket(socketPath);
    if (running) return new IndexClient(running, options);
    try {
      prepareIndexDir(options.root);
    } catch (error) {
      if (error instanceof CruError) throw error;
      const { code } = error as { code?: string };
      const why = code === "ENOSPC" ? "no space left on the device (disk full)" : (error as Error).message;
      throw new CruError("index_unavailable", `cannot prepare the index folder ${indexDir(options.root)}: ${why}`);
    }
    const timeoutMs = options.startTimeoutMs ?? 20_000;
    let reason = "";
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const startedAt = Date.now();
      const pid = spawnDetached(ownerCommand(options.root, options.connection), ownerLogPath(options.root));
      for (let pause = 10; Date.now() - startedAt < timeoutMs; pause = Math.min(pause * 2, 200)) {
        await new Promise((resolve) => setTimeout(resolve, pause));
        const socket = await connectSocket(socketPath);
        if (socket) return new IndexClient(socket, options);
        if (pid === undefined || !isAlive(pid)) {
          // It gave way to another owner that is starting (then the socket appears soon), or it failed.
          const another = await waitForSocket(socketPath, 1_000);
          if (another) return new IndexClient(another, options);
          reason = ownerFailure(options.root, startedAt) ?? diskFull(options.root) ?? "it exited before listening";
          break;
        }
      }
      if (reason === "") {
        throw new WaitTimeoutError(
          `the index owner of ${options.root} to start (its log: ${ownerLogPath(options.root)})`,
          timeoutMs,
        );
      }
    }
    throw new CruError(
      "index_unavailable",
      `the index owner failed to start ${START_ATTEMPTS} times: ${reason} (its log: ${ownerLogPath(options.root)})`,
    );
  }

  /** Sends a request and waits for its answer; progress lines keep the wait alive. */
  request<M extends IndexMethod>(
    method: M,
    params: ParamsOf<M>,
    onProgress?: IndexProgress,
  ): Promise<IndexAnswer<ResultOf<M>>> {
    const id = this.#nextId++;
    const silenceMs = this.#options.silenceTimeoutMs ?? 60_000;
    const db = this.#options.connection.url?.replace(/\/\/[^/@]*@/, "//");
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const fail = () => {
        this.#waiting.delete(id);
        if (this.#waiting.size === 0) this.#socket.unref();
        // Going away tells the owner not to do work nobody waits for.
        this.#socket.destroy();
        reject(
          new WaitTimeoutError(`the index owner to answer ${JSON.stringify(method)} (no word from it)`, silenceMs),
        );
      };
      timer = setTimeout(fail, silenceMs);
      this.#socket.ref();
      this.#waiting.set(id, (response) => {
        clearTimeout(timer);
        if (response.progress) {
          onProgress?.(response.progress);
          timer = setTimeout(fail, silenceMs);
          return;
        }
        this.#waiting.delete(id);
        if (this.#waiting.size === 0) this.#socket.unref();
        if (response.error) reject(new CruError(response.error.code, response.error.message));
        else resolve({ result: response.result as ResultOf<M>, warnings: response.warnings ?? [] });
      });
      this.#socket.write(`${JSON.stringify({ id, method, params, ...(db === undefined ? {} : { db }) })}\n`);
    });
  }

  /** Closes the connection (the owner keeps running until idle). */
  close(): void {
    this.#socket.end();
    this.#socket.unref();
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    for (let end = this.#buffer.indexOf("\n"); end >= 0; end = this.#buffer.indexOf("\n")) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      let response: IndexResponse;
      try {
        response = JSON.parse(line) as IndexResponse;
      } catch {
        continue; // not from an owner of ours
      }
      this.#waiting.get(response.id)?.(response);
    }
  }
}

async function waitForSocket(path: string, ms: number): Promise<net.Socket | undefined> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const socket = await connectSocket(path);
    if (socket) return socket;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** The reason an owner started after `since` gave for failing, if it left one. */
function ownerFailure(root: string, since: number): string | undefined {
  const path = ownerErrorPath(root);
  try {
    if (!existsSync(path) || statSync(path).mtimeMs < since - 1000) return undefined;
    return readFileSync(path, "utf8").trim().split("\n")[0] || undefined; // empty: it could not write its reason
  } catch {
    return undefined;
  }
}

/**
 * Why an owner that left no reason may have failed: a full disk (it could not
 * write its reason either). Probed by writing a block beside its files.
 */
function diskFull(root: string): string | undefined {
  const probe = join(indexDir(root), `.space-probe-${processId()}`);
  try {
    writeFileSync(probe, new Uint8Array(64 * 1024));
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === "ENOSPC" || code === "EDQUOT"
      ? `no space left on the device holding ${root} (disk full)`
      : undefined;
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // nothing was left, or the folder is gone
    }
  }
}
