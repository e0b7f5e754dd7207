/**
 * Where a store's index and its owner's files live. The index folder is the
 * user's alone (0700). The socket sits in it; when the store's path is too
 * long for a unix socket name (~107 bytes), it goes to a per-user runtime
 * folder (`$XDG_RUNTIME_DIR/cru/`, else `<tmp>/cru-<uid>/`), created 0700 and
 * checked to be a real folder owned by this user — never a guessable name in a
 * shared folder that another user could create first.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CruError } from "../model/errors.ts";
import { env, userId } from "../runtime/process.ts";

/** The folder of a store's index and its owner's files. */
export function indexDir(root: string): string {
  return join(root, "index");
}

/** The embedded database's folder. */
export function databaseDir(root: string): string {
  return join(indexDir(root), "db");
}

/** The lock the owner holds for its lifetime: one owner per store. */
export function ownerLockPath(root: string): string {
  return join(indexDir(root), "owner.lock");
}

/** Where the owner writes what it did (never event text), for people debugging it. */
export function ownerLogPath(root: string): string {
  return join(indexDir(root), "owner.log");
}

/** The file a failed owner leaves its reason in, for the clients waiting on it. */
export function ownerErrorPath(root: string): string {
  return join(indexDir(root), "owner.error");
}

/** Where an owner that found its index damaged leaves the notice its successor tells the next command. */
export function healNoticePath(root: string): string {
  return join(indexDir(root), "heal.notice");
}

/** Where a damaged embedded index is moved for a bug report (beside the index folder, one kept). */
export function brokenCopyPath(root: string, at = new Date()): string {
  return join(root, `index.broken-${at.toISOString().replace(/[:.]/g, "-")}`);
}

/** Longest socket path that works on Linux and macOS alike. */
const MAX_SOCKET_PATH = 100;

/** The owner's socket path (does not create anything). */
export function ownerSocketPath(root: string): string {
  const inside = join(indexDir(root), "owner.sock");
  if (Buffer.byteLength(inside) < MAX_SOCKET_PATH) return inside;
  const hash = createHash("sha256").update(root).digest("hex").slice(0, 24);
  return join(runtimeDir(), `${hash}.sock`);
}

/** Creates the index folder (0700) and, when the socket lives elsewhere, the private runtime folder. */
export function prepareIndexDir(root: string): void {
  // The index is derived: a file where its folder belongs is moved aside (for a bug report), not a dead end.
  const found = lstatSync(indexDir(root), { throwIfNoEntry: false });
  if (found !== undefined && !found.isDirectory()) renameSync(indexDir(root), brokenCopyPath(root));
  mkdirSync(indexDir(root), { recursive: true, mode: 0o700 });
  chmodSync(indexDir(root), 0o700);
  const socket = ownerSocketPath(root);
  if (!socket.startsWith(indexDir(root))) ensurePrivateDir(runtimeDir());
}

/** The per-user folder for sockets whose natural place has too long a path. */
function runtimeDir(): string {
  const xdg = env("XDG_RUNTIME_DIR");
  return xdg ? join(xdg, "cru") : join(tmpdir(), `cru-${userId()}`);
}

/** Makes `dir` (0700) or checks that the one there is a real folder owned by this user and private. */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = userId();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new CruError(
      "unsafe_runtime_dir",
      `${dir} is not a folder owned by this user; remove it or set XDG_RUNTIME_DIR to a private folder`,
    );
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
