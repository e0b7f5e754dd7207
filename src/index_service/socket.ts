/**
 * Reaching a unix socket without waiting forever.
 *
 * @module
 */
import { existsSync } from "node:fs";
import net from "node:net";

/** Connects to a unix socket, or gives undefined when nothing answers there (within `ms`, default 2 s). */
export function connectSocket(path: string, ms = 2_000): Promise<net.Socket | undefined> {
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = net.connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, ms);
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
