/**
 * Sessions as MCP resources: `cru://session/<id>` is the session's markdown,
 * all its logs one after the other.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Crucible } from "../core/crucible.ts";
import { CruError, SessionNotFoundError } from "../model/errors.ts";

/** The URI of a session's resource. */
export function sessionUri(id: string): string {
  return `cru://session/${encodeURIComponent(id)}`;
}

/** Sessions listed as resources (the newest). */
const LISTED = 200;
/** JSON-RPC code MCP uses for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;

/** Registers the session resources on `server`. */
export function registerSessionResource(server: McpServer, cru: Crucible): void {
  const template = new ResourceTemplate("cru://session/{id}", {
    list: async () => {
      const { sessions } = await cru.list({ limit: LISTED });
      return {
        resources: sessions.map((s) => ({
          uri: sessionUri(s.id),
          name: s.id,
          title: s.title ?? s.id,
          description: `${s.type} session started ${s.started}, ${s.events} events, last activity ${s.last_activity}`,
          mimeType: "text/markdown",
        })),
      };
    },
  });
  server.registerResource("session", template, {
    title: "cru session",
    description: "A recorded session as markdown (all its logs, continuations included)",
    mimeType: "text/markdown",
  }, (uri, variables) => {
    const id = decodeURIComponent(String(variables.id));
    try {
      cru.session(id); // fails for an unknown id
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: cru.markdown(id) }] };
    } catch (error) {
      if (error instanceof SessionNotFoundError) {
        throw new McpError(RESOURCE_NOT_FOUND, error.message, { uri: uri.href });
      }
      if (error instanceof CruError) throw new McpError(ErrorCode.InvalidParams, error.message, { uri: uri.href });
      throw error;
    }
  });
}
