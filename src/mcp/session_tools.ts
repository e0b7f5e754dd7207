/**
 * The MCP tools: search, list and read sessions, and keep one's own log
 * (start, append, end). Descriptions are written for the agent that reads
 * them.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Crucible, SessionFilters } from "../core/crucible.ts";
import { EVENT_STATUSES, pickEventMeta } from "../model/event_meta.ts";
import { ROLES } from "../model/role.ts";
import { SESSION_TYPES } from "../model/session_type.ts";
import { parseDateFilter } from "../model/time_filter.ts";
import { listOutput, searchOutput } from "./search_output.ts";
import { DEFAULT_PAGE_CHARS, DEFAULT_PAGE_EVENTS, MAX_PAGE_EVENTS, sessionPage } from "./session_page.ts";
import { SessionViews } from "./session_views.ts";
import { runTool } from "./tool_result.ts";

/** Hits or sessions per answer unless asked otherwise. */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;

const sessionType = z.enum(SESSION_TYPES).describe("session type: chat, agent, workflow or plugin");
const date = (edge: string) =>
  z.string().describe(`only activity at or ${edge}: 2024-01-15, an ISO timestamp, or 7d / 12h ago`);
const limit = (what: string) =>
  z.number().int().min(1).max(MAX_LIMIT).describe(`at most this many ${what} (default ${DEFAULT_LIMIT})`);
const sessionId = z.string().min(1).describe("a session id, e.g. agent-20240115-103000-ab12 (from search or list)");

/** Filters on what a session is about, for search and list. */
const sessionFilters = {
  tag: z.string().describe("only sessions with this tag").optional(),
  cwd: z.string().describe("only sessions run in this folder or below it").optional(),
  project: z.string().describe("only sessions of this project").optional(),
  source: z.string().describe("only sessions imported from this tool: claude-code, codex, aider, specstory")
    .optional(),
  branch: z.string().describe("only sessions started on this git branch").optional(),
  host: z.string().describe("only sessions started on this host").optional(),
  model: z.string().describe("only sessions with this model").optional(),
};

const tokenCount = (what: string) => z.number().int().min(0).describe(what).optional();
/** What a model call cost and how it went, all optional. */
const eventDetails = {
  model: z.string().min(1).describe("the model that produced this event").optional(),
  tokens: z.object({
    input: tokenCount("input tokens of the model call"),
    output: tokenCount("output tokens"),
    cache_read: tokenCount("input tokens read from the prompt cache"),
    cache_write: tokenCount("input tokens written to the prompt cache"),
  }).describe("token usage of the model call that produced this event").optional(),
  cost: z.number().min(0).describe("what the call cost, in US dollars").optional(),
  duration_ms: z.number().int().min(0).describe("how long it took, in milliseconds").optional(),
  tool_call_id: z.string().min(1).describe("the id the model gave the tool call").optional(),
  status: z.enum(EVENT_STATUSES).describe("how the call ended: ok or error").optional(),
};

interface FilterArgs {
  type?: string;
  role?: string;
  tool?: string;
  session?: string;
  tag?: string;
  cwd?: string;
  project?: string;
  source?: string;
  branch?: string;
  host?: string;
  model?: string;
  since?: string;
  until?: string;
  limit?: number;
}

/** The keys of `args` that are set. */
function pick<K extends keyof FilterArgs>(args: FilterArgs, keys: K[]): Partial<Pick<FilterArgs, K>> {
  const picked: Partial<Pick<FilterArgs, K>> = {};
  for (const key of keys) if (args[key] !== undefined) picked[key] = args[key];
  return picked;
}

/** Registers the tools on `server`, working on `cru`. */
export function registerSessionTools(server: McpServer, cru: Crucible): void {
  const views = new SessionViews(cru);
  const filters = (args: FilterArgs): SessionFilters => ({
    ...pick(args, ["type", "role", "tool", "session", "tag", "cwd", "project", "source", "branch", "host", "model"]),
    ...(args.since === undefined ? {} : { since: parseDateFilter(args.since, "since") }),
    ...(args.until === undefined ? {} : { until: parseDateFilter(args.until, "until") }),
    limit: args.limit ?? DEFAULT_LIMIT,
  });

  server.registerTool("search_sessions", {
    title: "Search session history",
    description: "Full-text search over recorded sessions (chats, agent runs, imported Claude Code / Codex / aider " +
      "transcripts): event text, tool names and arguments, titles and tags, best matches first. All words must " +
      'match (stemmed); "exact phrase", prefix*, -excluded and a OR b work too. Each hit gives the session id, ' +
      "where it is (file:line), its time, role and a snippet with the matched words marked «like this»; total " +
      "counts all matches. Use read_session with the session id to read around a hit.",
    inputSchema: {
      query: z.string().min(1).describe('words to find; also "a phrase", prefix*, -word, a OR b'),
      type: sessionType.optional(),
      role: z.string().describe("only events of this role: user, assistant, thought, tool …").optional(),
      tool: z.string().describe("only calls of this tool").optional(),
      session: z.string().describe("only in this session (an id)").optional(),
      ...sessionFilters,
      since: date("after").optional(),
      until: date("before").optional(),
      limit: limit("hits").optional(),
    },
    annotations: { readOnlyHint: true },
  }, (args) => runTool(async () => searchOutput(await cru.search(args.query, filters(args)))));

  server.registerTool("list_sessions", {
    title: "List sessions",
    description: "Recorded sessions, newest activity first, with id, type, title, start, last activity and " +
      "number of events. Filter by type and time.",
    inputSchema: {
      type: sessionType.optional(),
      ...sessionFilters,
      since: date("after").optional(),
      until: date("before").optional(),
      limit: limit("sessions").optional(),
    },
    annotations: { readOnlyHint: true },
  }, (args) => runTool(async () => listOutput(await cru.list(filters(args)))));

  server.registerTool(
    "read_session",
    {
      title: "Read a session",
      description: "Reads a session's events a page at a time (all its logs, continuations included, as one list). " +
        "Events are numbered from 0; pass the answer's next_offset as offset to read on (null means the end). An " +
        "event too long for one page is cut and carries full_length.",
      inputSchema: {
        id: sessionId,
        offset: z.number().int().min(0).describe("index of the first event to read (default 0)").optional(),
        limit: z.number().int().min(1).max(MAX_PAGE_EVENTS)
          .describe(`at most this many events (default ${DEFAULT_PAGE_EVENTS})`).optional(),
        max_chars: z.number().int().min(100).max(1_000_000)
          .describe(`about this many characters of event text per page (default ${DEFAULT_PAGE_CHARS})`).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      runTool(async () =>
        sessionPage(await views.read(args.id), { offset: args.offset, limit: args.limit, maxChars: args.max_chars })
      ),
  );

  server.registerTool("start_session", {
    title: "Start a session",
    description: "Starts a new session to keep your own log in (your reasoning, actions, results). Returns its id " +
      "for append_event and end_session. Secrets in what you write are redacted before it is stored.",
    inputSchema: {
      type: sessionType.optional().describe("session type (default agent)"),
      title: z.string().min(1).describe("what the session is about").optional(),
      tags: z.array(z.string().regex(/^[^\s,]+$/)).describe("tags, words without spaces or commas").optional(),
      model: z.string().min(1).describe("the model you are").optional(),
      cwd: z.string().min(1).describe("the folder you work in").optional(),
    },
  }, (args) =>
    runTool(async () => {
      const created = await cru.newSession({
        type: args.type ?? "agent",
        title: args.title,
        tags: args.tags,
        model: args.model,
        cwd: args.cwd,
      });
      return { id: created.id, file: created.file, at: created.at };
    }));

  server.registerTool("append_event", {
    title: "Append an event",
    description: "Appends one event to a session; it is stored durably when the answer comes. Roles: " +
      `${ROLES.join(", ")}. For role tool give the tool's name in tool, its arguments in args and its result in ` +
      "content. Give model, tokens, cost, duration_ms, tool_call_id and status when you know them: they are " +
      "what `cru session stats` adds up. Secrets are redacted before anything is written.",
    inputSchema: {
      id: sessionId,
      role: z.enum(ROLES).describe("who or what produced the event"),
      content: z.string().describe("the event's text (for a tool call: its result)"),
      tool: z.string().min(1).describe("the tool's name (role tool only)").optional(),
      args: z.record(z.string(), z.unknown()).describe("the tool's JSON arguments (role tool only)").optional(),
      ...eventDetails,
    },
  }, (args) =>
    runTool(async () => {
      const details = pickEventMeta(args);
      const event = args.role === "tool"
        ? { role: args.role, content: args.content, tool: args.tool, args: args.args, ...details }
        : { role: args.role, content: args.content, ...(args.tool ? { tool: args.tool } : {}), ...details };
      const receipt = await cru.append(args.id, event);
      return { id: receipt.id, file: receipt.file, at: receipt.at, vetoed: receipt.vetoed.map((v) => v.plugin) };
    }));

  server.registerTool("end_session", {
    title: "End a session",
    description: "Marks a session ended (sets ended: in its log). Ending it again changes nothing.",
    inputSchema: { id: sessionId },
  }, (args) =>
    runTool(async () => {
      const receipt = await cru.end(args.id);
      return { id: receipt.id, file: receipt.file, at: receipt.at, already_ended: receipt.alreadyEnded };
    }));
}
