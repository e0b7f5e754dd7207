import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ClaudeCodeParser } from "./claude_code_parser.ts";
import { CodexParser } from "./codex_parser.ts";
import { parseText, sessionsOf, TEST_OPTIONS } from "./_test_utils.ts";
import type { SessionEvent } from "../../model/event.ts";
import type { SourceItem } from "./source_item.ts";

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../tests/fixtures/usage/${name}`, import.meta.url)), "utf8");
const events = (items: SourceItem[]): SessionEvent[] =>
  items.flatMap((item) => (item.kind === "event" ? [item.event] : []));
const meta = (event: SessionEvent) => ({
  role: event.role,
  model: event.model,
  tokens: event.tokens,
  tool_call_id: event.tool_call_id,
  status: event.status,
});

test("ClaudeCodeParser takes model and usage from assistant messages, once per message, and tool status from results", () => {
  const items = parseText(new ClaudeCodeParser(TEST_OPTIONS), fixture("claude_code.jsonl"));
  const [session] = sessionsOf(items);
  assert.equal(session.meta.cwd, "/home/ana/src/shop");
  assert.deepEqual(session.meta.git, { branch: "fix/cache-key" });
  const sonnet = "claude-sonnet-4-5-20250929";
  assert.deepEqual(events(items).map(meta), [
    { role: "user", model: undefined, tokens: undefined, tool_call_id: undefined, status: undefined },
    {
      role: "thought",
      model: sonnet,
      tokens: { input: 1200, output: 150, cache_read: 8000, cache_write: 300 },
      tool_call_id: undefined,
      status: undefined,
    },
    // the same message (msg_01A) again: its usage is not counted twice
    { role: "tool", model: sonnet, tokens: undefined, tool_call_id: "toolu_01X", status: "ok" },
    {
      role: "tool",
      model: sonnet,
      tokens: { input: 400, output: 60, cache_read: 9500, cache_write: 0 },
      tool_call_id: "toolu_01Y",
      status: "error",
    },
    {
      role: "assistant",
      model: "claude-haiku-4-5",
      tokens: { input: 50, output: 80, cache_read: 9600, cache_write: 120 },
      tool_call_id: undefined,
      status: undefined,
    },
  ]);
});

test("CodexParser takes the model from turn_context, each call's usage from the token_count after it, and a shell call's exit and duration", () => {
  const items = parseText(new CodexParser(TEST_OPTIONS), fixture("codex.jsonl"));
  const [session] = sessionsOf(items);
  assert.equal(session.meta.cwd, "/home/ana/src/api");
  assert.deepEqual(session.meta.git, { branch: "main", commit: "3f2a9c1", remote: "git@github.com:ana/api.git" });
  assert.deepEqual(events(items).map(meta), [
    { role: "user", model: undefined, tokens: undefined, tool_call_id: undefined, status: undefined },
    {
      role: "thought",
      model: "gpt-5-codex",
      // input_tokens counts the cached part; cru keeps them apart: 5000 - 3000
      tokens: { input: 2000, output: 200, cache_read: 3000 },
      tool_call_id: undefined,
      status: undefined,
    },
    { role: "tool", model: "gpt-5-codex", tokens: undefined, tool_call_id: "call_A1", status: "ok" },
    {
      role: "assistant",
      model: "gpt-5-codex",
      tokens: { input: 600, output: 30, cache_read: 5000 },
      tool_call_id: undefined,
      status: undefined,
    },
  ]);
  assert.equal(events(items)[2].duration_ms, 5800);
  assert.equal(events(items)[2].content, '{"output":"12 passed\\n","metadata":{"exit_code":0,"duration_seconds":5.8}}');
});

test("CodexParser, caught up with a file still being written, lets out what waits for a usage report", () => {
  const parser = new CodexParser(TEST_OPTIONS);
  const lines = fixture("codex.jsonl").split("\n").filter((line) => line !== "");
  // Up to the reasoning: the model call's usage has not been written yet.
  const upToReasoning = lines.slice(0, lines.findIndex((line) => line.includes('"reasoning"')) + 1);
  const items = upToReasoning.flatMap((line) => parser.push(line));
  assert.deepEqual(events(items).map((e) => e.role), ["user"]);
  const settled = events(parser.caughtUp());
  assert.deepEqual(settled.map((e) => [e.role, e.model, e.tokens]), [["thought", "gpt-5-codex", undefined]]);
  assert.deepEqual(parser.caughtUp(), []);
});
