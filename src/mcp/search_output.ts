/**
 * What the MCP tools `search_sessions` and `list_sessions` answer: the one
 * place that maps the facade's query results to what an agent reads.
 *
 * @module
 */
import type { Crucible } from "../core/crucible.ts";

/** What `Crucible.search()` resolves to. */
export type SearchAnswer = Awaited<ReturnType<Crucible["search"]>>;
/** What `Crucible.list()` resolves to. */
export type ListAnswer = Awaited<ReturnType<Crucible["list"]>>;

/** One hit as an agent sees it. */
export interface SearchHitOutput {
  session_id: string;
  type: string;
  /** `file:line` when the index knows the line, else the file. */
  location: string;
  file: string;
  line?: number;
  at: string;
  role: string;
  tool?: string;
  snippet: string;
  score: number;
}

/** The `search_sessions` answer. */
export interface SearchOutput {
  [key: string]: unknown;
  hits: SearchHitOutput[];
  /** How many events match in all, not only the hits given. */
  total: number;
  /** Problems met while reading logs for the index (file:line and what). */
  warnings?: string[];
}

/**
 * Maps a search result to the tool's output.
 *
 * @example
 * ```ts
 * import { searchOutput } from "./search_output.ts";
 * const hit = { session_id: "chat-a", type: "chat", file: "/s/a.md", at: "2024-01-15T10:30:00Z", role: "user", snippet: "«deploy»", score: 1 };
 * console.assert(searchOutput({ hits: [{ ...hit, line: 12 }], total: 1, warnings: [] }).hits[0].location === "/s/a.md:12");
 * ```
 */
export function searchOutput(answer: SearchAnswer): SearchOutput {
  const output: SearchOutput = {
    total: answer.total,
    hits: answer.hits.map((hit) => {
      const line = hit.line;
      const known = line !== undefined && line > 0;
      return {
        session_id: hit.session_id,
        type: hit.type,
        location: known ? `${hit.file}:${line}` : hit.file,
        file: hit.file,
        ...(known ? { line } : {}),
        at: hit.at,
        role: hit.role,
        ...(hit.tool === undefined ? {} : { tool: hit.tool }),
        snippet: hit.snippet,
        score: hit.score,
      };
    }),
  };
  if (answer.warnings.length > 0) output.warnings = answer.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`);
  return output;
}

/** The `list_sessions` answer. */
export interface ListOutput {
  [key: string]: unknown;
  sessions: ListAnswer["sessions"];
}

/** Maps a listing to the tool's output. */
export function listOutput(answer: ListAnswer): ListOutput {
  return { sessions: answer.sessions };
}
