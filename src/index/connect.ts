/**
 * Opening and closing the SurrealDB connection without ever hanging.
 *
 * The SDK's `connect()` waits forever when the engine fails to open (a held
 * lock, a dead server, a bad path): it never listens to the engine's `error`
 * event. So the engines are wrapped to catch that event, and `connect()` is
 * raced against it and a timeout. `close()` can hang too, so it is bounded.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readlinkSync, renameSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { createRemoteEngines, type Engines, Surreal } from "surrealdb";
import { createNodeEngines } from "@surrealdb/node";
import { processId } from "../runtime/process.ts";
import { IndexBusyError, IndexUnavailableError, WaitTimeoutError } from "../model/errors.ts";

/** How to reach an index: an embedded store (`rocksdb://…`) or a server (`ws://…`, `http://…`). */
export interface OpenIndexOptions {
  /**
   * `rocksdb:///abs/dir?sync=never` (see {@linkcode embeddedIndexUrl}),
   * `mem://`, or a server: `ws://host:8000`, `wss://…`, `http://…`, `https://…`.
   */
  url: string;
  /** Namespace (default `cru`). */
  namespace?: string;
  /** Database (default `sessions`). */
  database?: string;
  /** A system user's name, for servers. */
  username?: string;
  password?: string;
  /** Which level the system user is defined on (default `root`). */
  userLevel?: "root" | "namespace" | "database";
  /** An access token, for servers, instead of a user. */
  token?: string;
  /** Bound on opening, ms (default 20 000: replaying a store after a crash can take seconds). */
  timeoutMs?: number;
}

/** Schemes served by the engine inside this process. */
const EMBEDDED_SCHEMES = new Set(["rocksdb", "surrealkv", "surrealkv+versioned", "mem"]);

/** Default bound on opening, ms. */
export const DEFAULT_OPEN_TIMEOUT_MS = 20_000;

/**
 * The URL of an embedded index in `dir` (an absolute path): RocksDB without
 * fsync per commit, as the index can always be rebuilt from the markdown.
 *
 * @example
 * ```ts
 * import { embeddedIndexUrl } from "./connect.ts";
 * console.assert(embeddedIndexUrl("/home/me/.crucible/index") === "rocksdb:///home/me/.crucible/index?sync=never");
 * ```
 */
export function embeddedIndexUrl(dir: string): string {
  return `rocksdb://${dir}?sync=never`;
}

/** The URL without credentials, for messages. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//");
}

/** The folder of an embedded URL (`rocksdb:///a/b?x` → `/a/b`), or undefined for `mem://` and servers. */
export function embeddedPath(url: string): string | undefined {
  const match = /^([a-z+]+):\/\/([^?]*)/.exec(url);
  if (!match || !EMBEDDED_SCHEMES.has(match[1]) || match[1] === "mem" || match[2] === "") return undefined;
  return match[2];
}

/**
 * Connects, or throws within `timeoutMs`: {@linkcode IndexBusyError} when
 * another process holds the store, {@linkcode WaitTimeoutError} when opening
 * takes too long, {@linkcode IndexUnavailableError} for any other failure.
 */
export async function connectSurreal(options: OpenIndexOptions): Promise<Surreal> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  const shown = displayUrl(options.url);
  const path = embeddedPath(options.url);
  const url = path === undefined ? options.url : options.url.replace(path, urlSafePath(path));

  let failed: (error: unknown) => void = () => {};
  const engineFailure = new Promise<never>((_resolve, reject) => (failed = reject));
  const engines: Engines = {};
  for (const [scheme, factory] of Object.entries({ ...createRemoteEngines(), ...createNodeEngines() })) {
    engines[scheme] = (context) => {
      const engine = factory(context);
      engine.subscribe("error", (error) => failed(error));
      return engine;
    };
  }
  const db = new Surreal({ engines });
  const connecting = db.connect(url, {
    namespace: options.namespace ?? "cru",
    database: options.database ?? "sessions",
    authentication: authentication(options),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(`the index at ${shown} to open`, timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([connecting, engineFailure, timeout]);
    return db;
  } catch (error) {
    // If the open completes later, let go of it rather than keep the lock.
    connecting.then(() => closeSurreal(db), () => {});
    void closeSurreal(db);
    throw classify(error, path ?? shown, shown);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the connection, waiting at most `ms` (the SDK's close can hang). */
export async function closeSurreal(db: Surreal, ms = 2_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    db.close().catch(() => {}),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

function authentication(options: OpenIndexOptions) {
  if (options.token !== undefined) return options.token;
  if (options.username === undefined) return undefined;
  const user = { username: options.username, password: options.password ?? "" };
  const namespace = options.namespace ?? "cru";
  if (options.userLevel === "namespace") return { ...user, namespace };
  if (options.userLevel === "database") return { ...user, namespace, database: options.database ?? "sessions" };
  return user;
}

/** Maps a connection failure to cru's errors. */
function classify(error: unknown, where: string, shown: string): Error {
  if (error instanceof WaitTimeoutError) return error;
  const text = messages(error);
  if (/[\\/]LOCK\b/.test(text) && /temporarily unavailable|lock hold|locked|being used|no locks/i.test(text)) {
    return new IndexBusyError(where, { cause: error });
  }
  return new IndexUnavailableError(shown, text.split("\n")[0] || "the connection failed", { cause: error });
}

/** The messages of an error and its causes, innermost last. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}

/**
 * The engine takes the folder from the URL as the SDK serialises it, so a path
 * that URL syntax would escape (spaces, `#`, `?`, non-ASCII) would land in a
 * folder named with `%20`s. Such a path is reached through a symlink with a
 * plain name in the temp folder instead.
 */
function urlSafePath(path: string): string {
  if (!isAbsolute(path)) throw new IndexUnavailableError(path, "an embedded index needs an absolute path");
  if (new URL(`rocksdb://${path}`).pathname === path) return path;
  mkdirSync(path, { recursive: true });
  const alias = aliasOf(path);
  if (new URL(`rocksdb://${alias}`).pathname !== alias) {
    throw new IndexUnavailableError(path, "the path and the temp folder both hold characters a URL cannot carry");
  }
  let current: string | undefined;
  try {
    current = lstatSync(alias).isSymbolicLink() ? readlinkSync(alias) : "";
  } catch {
    current = undefined;
  }
  if (current !== path) {
    const temp = `${alias}.${processId()}.tmp`;
    symlinkSync(path, temp, "dir");
    renameSync(temp, alias);
  }
  return alias;
}

/** The symlink through which the engine reaches a folder whose path a URL cannot carry. */
export function aliasOf(path: string): string {
  return join(tmpdir(), `cru-index-${createHash("sha256").update(path).digest("hex").slice(0, 16)}`);
}
