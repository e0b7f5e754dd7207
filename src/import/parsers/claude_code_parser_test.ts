import { test } from "node:test";
import assert from "node:assert/strict";
import { ClaudeCodeParser } from "./claude_code_parser.ts";
import { SourceFormatError } from "./source_item.ts";
import { eventsOf, parseText, sessionsOf, TEST_OPTIONS } from "./_test_utils.ts";

const base = { sessionId: "s-1", cwd: "/work/app", version: "2.0.0" };
const line = (record: Record<string, unknown>) => JSON.stringify({ ...base, ...record });
const TRANSCRIPT = [
  JSON.stringify({ type: "summary", summary: "Fixing the build", leafUuid: "u9" }),
  line({ type: "user", timestamp: "2025-06-01T10:00:00.120Z", message: { role: "user", content: "fix the build" } }),
  line({
    type: "assistant",
    timestamp: "2025-06-01T10:00:03Z",
    message: { role: "assistant", content: [{ type: "thinking", thinking: "Check the logs first." }] },
  }),
  line({
    type: "assistant",
    timestamp: "2025-06-01T10:00:04Z",
    message: {
      role: "assistant",
      content: [
        { type: "text", text: "Running the build." },
        { type: "tool_use", id: "t1", name: "Bash", input: { command: "npm run build" } },
        { type: "tool_use", id: "t2", name: "Read", input: { file_path: "a.ts" } },
      ],
    },
  }),
  line({
    type: "user",
    timestamp: "2025-06-01T10:00:09Z",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t2", content: [{ type: "text", text: "const a = 1;" }] }],
    },
  }),
  line({
    type: "user",
    timestamp: "2025-06-01T10:00:10Z",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t1", content: "error TS2304", is_error: true }],
    },
  }),
  line({
    type: "user",
    isMeta: true,
    timestamp: "2025-06-01T10:00:11Z",
    message: { role: "user", content: "Caveat: local command" },
  }),
  line({ type: "file-history-snapshot", messageId: "m1", snapshot: {} }),
  line({
    type: "assistant",
    timestamp: "2025-06-01T10:00:12Z",
    message: { role: "assistant", content: [{ type: "text", text: "Fixed." }] },
  }),
].join("\n");

test("ClaudeCodeParser makes one session that starts at the first timestamp and says where it came from", () => {
  const sessions = sessionsOf(parseText(new ClaudeCodeParser(TEST_OPTIONS), TRANSCRIPT));
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].started, "2025-06-01T10:00:00Z");
  assert.deepEqual(sessions[0].meta, { source_session: "s-1", cwd: "/work/app" });
});

test("ClaudeCodeParser reads messages, thinking, and tool calls paired with their results at the call's place", () => {
  const items = parseText(new ClaudeCodeParser(TEST_OPTIONS), TRANSCRIPT);
  assert.deepEqual(eventsOf(items), [
    "note: Summary: Fixing the build",
    "user: fix the build",
    "thought: Check the logs first.",
    "assistant: Running the build.",
    "tool Bash: error TS2304",
    "tool Read: const a = 1;",
    "system: Caveat: local command",
    "assistant: Fixed.",
  ]);
  const bash = items.find((i) => i.kind === "event" && i.event.tool === "Bash");
  assert.deepEqual(bash?.kind === "event" && [bash.event.args, bash.event.at, bash.line], [
    { command: "npm run build" },
    "2025-06-01T10:00:04Z",
    4,
  ]);
  const summary = items.find((i) => i.kind === "event");
  assert.equal(summary?.kind === "event" && summary.event.at, "2025-06-01T10:00:00Z");
});

test("ClaudeCodeParser reads past damaged lines, with a warning naming each", () => {
  const text = ["{not json", TRANSCRIPT.split("\n")[1], "[1,2]", TRANSCRIPT.split("\n").at(-1)].join("\n");
  const items = parseText(new ClaudeCodeParser(TEST_OPTIONS), text);
  assert.deepEqual(eventsOf(items), ["user: fix the build", "assistant: Fixed."]);
  assert.deepEqual(
    items.filter((i) => i.kind === "warning").map((i) => i.kind === "warning" && [i.line, i.message.split(" (")[0]]),
    [
      [1, "not valid JSON"],
      [3, "not a JSON object"],
    ],
  );
});

test("ClaudeCodeParser writes a call whose result never came with an empty result", () => {
  const text = TRANSCRIPT.split("\n").slice(1, 4).join("\n");
  assert.deepEqual(eventsOf(parseText(new ClaudeCodeParser(TEST_OPTIONS), text)).slice(-2), [
    "tool Bash: ",
    "tool Read: ",
  ]);
});

test("ClaudeCodeParser refuses a Codex file, saying what it is", () => {
  const codex = JSON.stringify({ timestamp: "2025-01-01T00:00:00Z", type: "session_meta", payload: { id: "x" } });
  assert.throws(
    () => parseText(new ClaudeCodeParser(TEST_OPTIONS), codex),
    (error: Error) =>
      error instanceof SourceFormatError &&
      error.message ===
        "t.md:1: not a Claude Code JSONL transcript: it is a Codex transcript (use --from codex or --from auto)",
  );
  assert.throws(
    () => parseText(new ClaudeCodeParser(TEST_OPTIONS), "garbage\nmore garbage"),
    /t\.md:1: .*none of its 2 lines/,
  );
});
