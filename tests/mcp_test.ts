/**
 * `cru mcp` driven by the MCP SDK's own client over stdio: the compiled binary
 * when CRU_BIN is set, else the source entry.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruCommand } from "./_helpers/run_cru.ts";

/** Index owners started by this test go away soon after it. */
const ENV = { CRU_INDEX_IDLE_MS: "4000", NO_COLOR: "1", CRU_TRUST_PLUGINS: "1" };

async function connect(dir: string): Promise<{ client: Client; stderr: () => string }> {
  const [command, ...prefix] = cruCommand();
  const transport = new StdioClientTransport({
    command,
    args: [...prefix, "mcp", "--dir", dir],
    env: { ...process.env as Record<string, string>, ...ENV },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "cru-test", version: "1.0.0" });
  await client.connect(transport, { timeout: 60_000 });
  return { client, stderr: () => stderr };
}

/** Calls a tool and returns its answer. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 }) as CallToolResult;
}

/** Calls a tool that must succeed and returns its structured answer. */
async function data<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown>) {
  const answer = await call(client, name, args);
  assert.notEqual(answer.isError, true, `${name} failed: ${JSON.stringify(answer.content)}`);
  return answer.structuredContent as T;
}

/** The text of a tool error. */
function errorText(answer: CallToolResult): string {
  assert.equal(answer.isError, true, `expected an error, got ${JSON.stringify(answer.structuredContent)}`);
  return answer.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

interface Page {
  total_events: number;
  offset: number;
  next_offset: number | null;
  events: {
    index: number;
    role: string;
    content: string;
    file: string;
    line: number;
    tool?: string;
    args?: Record<string, unknown>;
  }[];
}

test("cru mcp: an agent lists the tools, keeps a log, finds it by search and reads it in pages", {
  timeout: 240_000,
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    // A user plugin (trusted through CRU_TRUST_PLUGINS) that prints to stdout, which carries the protocol.
    mkdirSync(join(dir, "plugins"), { recursive: true });
    writeFileSync(
      join(dir, "plugins", "noisy.js"),
      'export default { name: "noisy", setup(ctx) { ctx.hook("session:start", () => console.log("noisy plugin")); } };\n',
    );
    const { client, stderr } = await connect(dir);
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name).sort();
      assert.deepEqual(names, [
        "append_event",
        "end_session",
        "list_sessions",
        "read_session",
        "search_sessions",
        "start_session",
      ]);
      for (const tool of tools) {
        assert.ok((tool.description ?? "").length > 40, `${tool.name} has a description an agent can act on`);
        assert.equal(tool.inputSchema.type, "object");
      }
      const search = tools.find((t) => t.name === "search_sessions")!;
      assert.deepEqual(search.inputSchema.required, ["query"]);

      const started = await data<{ id: string; file: string }>(client, "start_session", {
        title: "Deploy investigation",
        tags: ["ci"],
      });
      assert.match(started.id, /^agent-/);
      const id = started.id;
      await data(client, "append_event", { id, role: "thought", content: "The zanzibar cache key is stale." });
      await data(client, "append_event", {
        id,
        role: "tool",
        tool: "shell",
        args: { cmd: "make deploy" },
        content: "deployed in 42s",
      });
      await data(client, "append_event", { id, role: "note", content: "key AKIAIOSFODNN7EXAMPLE was in the log" });
      for (let n = 1; n <= 7; n++) await data(client, "append_event", { id, role: "step", content: `step ${n}` });

      const found = await data<{
        total: number;
        hits: { session_id: string; location: string; file: string; snippet: string }[];
      }>(
        client,
        "search_sessions",
        { query: "zanzibar" },
      );
      assert.equal(found.hits.length, 1, JSON.stringify(found));
      assert.equal(found.hits[0].session_id, id);
      assert.match(found.hits[0].snippet, /«zanzibar»/);
      assert.equal(found.total, 1);
      // file:line points at the event's line in its log.
      const [, file, line] = /^(.*):(\d+)$/.exec(found.hits[0].location)!;
      assert.equal(file, found.hits[0].file);
      assert.match(readFileSync(file, "utf8").split("\n")[Number(line) - 1], /zanzibar/);

      const listed = await data<{ sessions: { id: string; events: number }[] }>(client, "list_sessions", {
        type: "agent",
      });
      assert.deepEqual(listed.sessions.map((s) => s.id), [id]);

      // Pages of 3: 10 events in 4 pages, each next_offset leading on, the last one null.
      const seen: Page["events"] = [];
      let offset: number | null = 0;
      let pages = 0;
      while (offset !== null) {
        const page: Page = await data<Page>(client, "read_session", { id, offset, limit: 3 });
        assert.equal(page.total_events, 10);
        assert.ok(page.events.length <= 3);
        seen.push(...page.events);
        offset = page.next_offset;
        pages++;
      }
      assert.equal(pages, 4);
      assert.deepEqual(seen.map((e) => e.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(seen[0].content, "The zanzibar cache key is stale.");
      assert.match(readFileSync(seen[0].file, "utf8").split("\n")[seen[0].line - 1], /zanzibar cache key/);
      assert.deepEqual([seen[1].tool, seen[1].args, seen[1].content], [
        "shell",
        { cmd: "make deploy" },
        "deployed in 42s",
      ]);
      // Redaction applies to what agents write.
      assert.doesNotMatch(seen[2].content, /AKIAIOSFODNN7EXAMPLE/);
      assert.match(seen[2].content, /\[redacted:/);
      // A page bounded by characters cuts a long event and says how long it was.
      const small = await data<Page & { events: { full_length?: number }[] }>(client, "read_session", {
        id,
        offset: 0,
        max_chars: 100,
      });
      assert.ok(small.events.length >= 1 && small.events.length < 10);

      // The session as a resource.
      const { resources } = await client.listResources();
      assert.ok(resources.some((r) => r.uri === `cru://session/${id}`), JSON.stringify(resources));
      const read = await client.readResource({ uri: `cru://session/${id}` });
      const text = (read.contents[0] as { text: string }).text;
      assert.match(text, /Deploy investigation/);
      assert.match(text, /zanzibar/);

      const ended = await data<{ already_ended: boolean }>(client, "end_session", { id });
      assert.equal(ended.already_ended, false);

      // Clear MCP errors, and the server goes on after each.
      assert.match(errorText(await call(client, "read_session", { id: "agent-nosuch" })), /agent-nosuch.*not found/);
      assert.match(
        errorText(await call(client, "append_event", { id: "agent-nosuch", role: "user", content: "x" })),
        /not found/,
      );
      assert.match(errorText(await call(client, "append_event", { id, role: "bogus", content: "x" })), /role/);
      assert.match(errorText(await call(client, "search_sessions", { query: "x", limit: 0 })), /limit/);
      assert.match(errorText(await call(client, "search_sessions", { query: "x", since: "last tuesday" })), /since/);
      assert.match(errorText(await call(client, "append_event", { id, role: "tool", content: "no name" })), /tool/);
      await assert.rejects(client.readResource({ uri: "cru://session/agent-nosuch" }), /not found/);
      // Still serving.
      assert.equal((await data<Page>(client, "read_session", { id, limit: 1 })).events.length, 1);
    } finally {
      await client.close();
    }
    assert.doesNotMatch(stderr(), /internal error|Unhandled|TypeError/);
    assert.match(stderr(), /noisy plugin/, "what a plugin prints goes to stderr, not into the protocol");
  }));

test("cru mcp: append_event records a model call's details, read_session gives them back, search filters by model", {
  timeout: 240_000,
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { client } = await connect(dir);
    try {
      const { id } = await data<{ id: string }>(client, "start_session", { title: "Costs", model: "gpt-5-codex" });
      await data(client, "append_event", {
        id,
        role: "tool",
        tool: "shell",
        args: { cmd: "npm test" },
        content: "quokka tests pass",
        model: "gpt-5-codex",
        tokens: { input: 2000, output: 200, cache_read: 3000 },
        cost: 0.0042,
        duration_ms: 5800,
        tool_call_id: "call_A1",
        status: "ok",
      });
      const page = await data<{ tags: string[]; model?: string; events: Record<string, unknown>[] }>(
        client,
        "read_session",
        { id },
      );
      assert.deepEqual(page.tags, []);
      assert.equal(page.model, "gpt-5-codex");
      const { index: _index, at: _at, file: _file, line: _line, ...event } = page.events[0];
      assert.deepEqual(event, {
        role: "tool",
        tool: "shell",
        args: { cmd: "npm test" },
        content: "quokka tests pass",
        model: "gpt-5-codex",
        tokens: { input: 2000, output: 200, cache_read: 3000 },
        cost: 0.0042,
        duration_ms: 5800,
        tool_call_id: "call_A1",
        status: "ok",
      });
      const hits = async (model: string) =>
        (await data<{ hits: unknown[] }>(client, "search_sessions", { query: "quokka", model })).hits.length;
      assert.equal(await hits("gpt-5-codex"), 1);
      assert.equal(await hits("claude-sonnet-4-5"), 0);
      const bad = await call(client, "append_event", { id, role: "note", content: "x", tokens: { input: -1 } });
      assert.match(errorText(bad), /input/);
    } finally {
      await client.close();
    }
  }));
