/**
 * How a tool's outcome goes back to the agent: data as structured content and
 * as JSON text; a failure as an MCP tool error whose text says what was wrong
 * and what was expected, never as a crash of the server.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/types"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CruError } from "../model/errors.ts";

/** A tool's successful answer. */
export function toolData(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(data, null, 2) }], structuredContent: data };
}

/** A tool error: `isError` set, the message naming the input and what was expected. */
export function toolError(error: unknown): CallToolResult {
  const message = error instanceof CruError
    ? `${error.code}: ${error.message}`
    : `internal error: ${(error as Error)?.message ?? String(error)}`;
  return { isError: true, content: [{ type: "text", text: message }] };
}

/**
 * Runs a tool's work and turns its result or its failure into a tool answer.
 *
 * @example
 * ```ts
 * import { runTool } from "./tool_result.ts";
 * const answer = await runTool(() => Promise.reject(new Error("boom")));
 * console.assert(answer.isError === true);
 * ```
 */
export async function runTool(work: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return toolData(await work());
  } catch (error) {
    return toolError(error);
  }
}
