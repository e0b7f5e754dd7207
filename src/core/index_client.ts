/**
 * Talking to a store's index owner: connect, or start it and wait for it;
 * then requests whose waits are bounded by inactivity, so a long reindex that
 * reports progress is never cut off and a silent owner never hangs a command.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { CruError, WaitTimeoutError } from "../model/errors.ts";
import type { ParseWarning } from "../model/log.ts";
import { execPath, isCompiledBinary, scriptCommand, spawnDetached } from "../runtime/process.ts";
import {
  connectSocket,
  indexDir,
  type IndexResponse,
  ownerErrorPath,
  ownerLogPath,
  ownerSocketPath,
} from "./index_protocol.ts";
import type { IndexConnection } from "./index_settings.ts";

/** The hidden command that runs an index owner. */
export const OWNER_COMMAND = "__index-owner";

/** Options of {@linkcode IndexClient.connect}. */
export interface IndexClientOptions {
  root: string;
  connection: IndexConnection;
  /** How long to wait for an owner to start (default 60 s: opening after a crash replays the log). */
  startTimeoutMs?: number;
  /** How long a request may go without any word from the owner (default 120 s). */
  silenceTimeoutMs?: number;
}

/** A request's answer and the warnings that came with it. */
export interface IndexAnswer<T> {
  result: T;
  warnings: ParseWarning[];
}

/** Progress of a long request. */
export type IndexProgress = (progress: { done: number; total: number; what: string }) => void;

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

  /** Connects to the owner, starting one when none runs. Bounded by `startTimeoutMs`. */
  static async connect(options: IndexClientOptions): Promise<IndexClient> {
    const socketPath = ownerSocketPath(options.root);
    const running = await connectSocket(socketPath);
    if (running) return new IndexClient(running, options);
    mkdirSync(indexDir(options.root), { recursive: true });
    const startedAt = Date.now();
    spawnDetached(ownerCommand(options.root, options.connection), ownerLogPath(options.root));
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    for (let pause = 20; Date.now() - startedAt < timeoutMs; pause = Math.min(pause * 2, 250)) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      const socket = await connectSocket(socketPath);
      if (socket) return new IndexClient(socket, options);
      const failure = ownerFailure(options.root, startedAt);
      if (failure) throw new CruError("index_unavailable", failure);
    }
    throw new WaitTimeoutError(
      `the index owner of ${options.root} to start (its log: ${ownerLogPath(options.root)})`,
      timeoutMs,
    );
  }

  /** Sends a request and waits for its answer; progress lines keep the wait alive. */
  request<T>(
    method: string,
    params: Record<string, unknown> = {},
    onProgress?: IndexProgress,
  ): Promise<IndexAnswer<T>> {
    const id = this.#nextId++;
    const silenceMs = this.#options.silenceTimeoutMs ?? 120_000;
    const db = this.#options.connection.url?.replace(/\/\/[^/@]*@/, "//");
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const fail = () => {
        this.#waiting.delete(id);
        if (this.#waiting.size === 0) this.#socket.unref();
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
        else resolve({ result: response.result as T, warnings: response.warnings ?? [] });
      });
      this.#socket.write(`${JSON.stringify({ id, method, params: { ...params, db } })}\n`);
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
      const response = JSON.parse(line) as IndexResponse;
      this.#waiting.get(response.id)?.(response);
    }
  }
}

/** The reason an owner started after `since` gave for failing, if it left one. */
function ownerFailure(root: string, since: number): string | undefined {
  const path = ownerErrorPath(root);
  if (!existsSync(path) || statSync(path).mtimeMs < since - 1000) return undefined;
  return readFileSync(path, "utf8").trim();
}
