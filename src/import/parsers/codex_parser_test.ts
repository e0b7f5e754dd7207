import { test } from "node:test";
import assert from "node:assert/strict";
import { CodexParser } from "./codex_parser.ts";
import { SourceFormatError } from "./source_item.ts";
import { eventsOf, parseText, sessionsOf, TEST_OPTIONS } from "./_test_utils.ts";

const at = (s: number) => `2025-12-28T12:18:${String(s).padStart(2, "0")}.533Z`;
const item = (s: number, payload: Record<string, unknown>) =>
  JSON.stringify({ timestamp: at(s), type: "response_item", payload });
const ROLLOUT = [
  JSON.stringify({
    timestamp: at(0),
    type: "session_meta",
    payload: { id: "019b", timestamp: at(0), cwd: "/repo", cli_version: "0.77.0", instructions: "long" },
  }),
  item(1, { type: "message", role: "developer", content: [{ type: "input_text", text: "be careful" }] }),
  item(2, { type: "message", role: "user", content: [{ type: "input_text", text: "list files" }] }),
  JSON.stringify({ timestamp: at(2), type: "event_msg", payload: { type: "user_message", message: "list files" } }),
  JSON.stringify({ timestamp: at(2), type: "turn_context", payload: { model: "gpt-5" } }),
  item(3, { type: "reasoning", summary: [{ type: "summary_text", text: "**Listing**" }], encrypted_content: "x" }),
  item(4, { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "c1" }),
  item(5, { type: "function_call_output", call_id: "c1", output: '{"output":"a.md\\n"}' }),
  item(6, {
    type: "custom_tool_call",
    name: "apply_patch",
    input: "*** Begin Patch",
    call_id: "c2",
    status: "completed",
  }),
  item(7, { type: "custom_tool_call_output", call_id: "c2", output: "Done" }),
  item(8, { type: "message", role: "assistant", content: [{ type: "output_text", text: "One file: a.md" }] }),
].join("\n");

test("CodexParser starts the session at session_meta and keeps its id, folder and version", () => {
  const [session] = sessionsOf(parseText(new CodexParser(TEST_OPTIONS), ROLLOUT));
  assert.equal(session.started, "2025-12-28T12:18:00Z");
  assert.deepEqual(session.meta, { source_session: "019b", cwd: "/repo", source_version: "0.77.0" });
});

test("CodexParser reads messages, reasoning summaries and calls with their outputs; UI echoes are skipped", () => {
  assert.deepEqual(eventsOf(parseText(new CodexParser(TEST_OPTIONS), ROLLOUT)), [
    "system: be careful",
    "user: list files",
    "thought: **Listing**",
    'tool shell: {"output":"a.md\\n"}',
    "tool apply_patch: Done",
    "assistant: One file: a.md",
  ]);
  const items = parseText(new CodexParser(TEST_OPTIONS), ROLLOUT);
  const shell = items.find((i) => i.kind === "event" && i.event.tool === "shell");
  assert.deepEqual(shell?.kind === "event" && [shell.event.args, shell.event.at], [
    { command: ["ls"] },
    "2025-12-28T12:18:04Z",
  ]);
});

test("CodexParser reads the 2025 format without payloads", () => {
  const text = [
    JSON.stringify({ id: "old-1", timestamp: "2025-05-01T09:00:00Z", instructions: null }),
    JSON.stringify({ record_type: "state" }),
    JSON.stringify({ type: "message", role: "user", content: [{ type: "input_text", text: "hello" }] }),
    JSON.stringify({ type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }] }),
  ].join("\n");
  const items = parseText(new CodexParser(TEST_OPTIONS), text);
  assert.deepEqual(sessionsOf(items).map((s) => [s.started, s.meta.source_session]), [[
    "2025-05-01T09:00:00Z",
    "old-1",
  ]]);
  assert.deepEqual(eventsOf(items), ["user: hello", "assistant: hi"]);
});

test("CodexParser refuses a Claude Code file, saying what it is", () => {
  const claude = JSON.stringify({ type: "user", sessionId: "s", message: { role: "user", content: "x" } });
  assert.throws(
    () => parseText(new CodexParser(TEST_OPTIONS), `\n${claude}`),
    (error: Error) =>
      error instanceof SourceFormatError &&
      error.message.startsWith("t.md:2: not a Codex JSONL transcript: it is a Claude Code"),
  );
});
