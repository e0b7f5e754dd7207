/**
 * How processes talk to a store's index owner: JSON lines over a unix socket.
 * A request is `{"id", "method", "params"}`; the owner answers with
 * `{"id", "progress"}` lines while it works, then one `{"id", "result"}` or
 * `{"id", "error": {"code", "message"}}`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The folder of a store's index and its owner's files. */
export function indexDir(root: string): string {
  return join(root, "index");
}

/** The owner's socket: in the index folder, or in the temp folder when that path is too long for a socket. */
export function ownerSocketPath(root: string): string {
  const inside = join(indexDir(root), "owner.sock");
  if (Buffer.byteLength(inside) < 100) return inside;
  const hash = createHash("sha1").update(root).digest("hex").slice(0, 16);
  return join(tmpdir(), `cru-index-${hash}.sock`);
}

/** The lock the owner holds for its lifetime: one owner per store. */
export function ownerLockPath(root: string): string {
  return join(indexDir(root), "owner.lock");
}

/** Where the owner writes what it did, for people debugging it. */
export function ownerLogPath(root: string): string {
  return join(indexDir(root), "owner.log");
}

/** The file a failed owner leaves its reason in, for the clients waiting on it. */
export function ownerErrorPath(root: string): string {
  return join(indexDir(root), "owner.error");
}

/** A request to the owner. */
export interface IndexRequest {
  id: number;
  method: string;
  params?: unknown;
}

/** A line the owner sends back. */
export interface IndexResponse {
  id: number;
  progress?: { done: number; total: number; what: string };
  result?: unknown;
  error?: { code: string; message: string };
  /** Warnings to pass on to the user (broken logs and the like). */
  warnings?: { file: string; line: number; message: string }[];
}

/** Connects to a unix socket, or gives undefined when nothing answers there (within 2 s). */
export function connectSocket(path: string): Promise<net.Socket | undefined> {
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = net.connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 2_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}
