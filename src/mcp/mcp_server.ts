/**
 * `cru mcp`: a Model Context Protocol server on stdio, so agents can search and
 * read recorded sessions and keep their own. This process holds no index: its
 * queries go to the store's index owner like any other command's.
 *
 * The SDK's imports carry `// @ts-types` without `.js`: its export map gives
 * Deno the types only for that form, while the runtimes need the `.js`.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Readable, Writable } from "node:stream";
import type { Crucible } from "../core/crucible.ts";
import { registerSessionResource } from "./session_resource.ts";
import { registerSessionTools } from "./session_tools.ts";

/** What the server says about itself to clients. */
export interface McpServerInfo {
  name: string;
  version: string;
}

/**
 * The server with its tools and resources, not yet connected.
 *
 * @example
 * ```ts ignore
 * import { Crucible } from "../core/crucible.ts";
 * import { createMcpServer } from "./mcp_server.ts";
 * const server = createMcpServer(Crucible.open(), { name: "cru", version: "0.1.0" });
 * ```
 */
export function createMcpServer(cru: Crucible, info: McpServerInfo): McpServer {
  const server = new McpServer(info, {
    instructions: "cru keeps the history of chats and agent sessions as markdown. Use search_sessions to find " +
      "what was done before, read_session to read a session page by page, and start_session / append_event / " +
      "end_session to keep a log of your own work.",
  });
  registerSessionTools(server, cru);
  registerSessionResource(server, cru);
  return server;
}

/** The streams the server talks over, and when to stop. */
export interface McpIo {
  stdin: Readable;
  stdout: Writable;
  /** Resolves when the server should stop (a signal); the end of stdin stops it too. */
  stop?: Promise<unknown>;
}

/** Serves `cru` over stdio until the client goes away (stdin ends) or `io.stop` resolves. */
export async function serveMcp(cru: Crucible, info: McpServerInfo, io: McpIo): Promise<void> {
  const server = createMcpServer(cru, info);
  const transport = new StdioServerTransport(io.stdin, io.stdout);
  const ended = new Promise<void>((resolve) => {
    io.stdin.once("end", resolve);
    io.stdin.once("close", resolve);
    transport.onclose = resolve;
  });
  // stdout carries the protocol: a plugin that prints with console.log must not break it.
  const printers = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  try {
    await server.connect(transport);
    await Promise.race([ended, io.stop ?? new Promise(() => {})]);
    await server.close();
  } finally {
    Object.assign(console, printers);
  }
}
