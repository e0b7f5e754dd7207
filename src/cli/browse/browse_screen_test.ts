import { test } from "node:test";
import assert from "node:assert/strict";
import { visibleWidth } from "../render/ansi_text.ts";
import { palette } from "../render/paint.ts";
import type { BrowseRow } from "./browse_rows.ts";
import { drawScreen, layout } from "./browse_screen.ts";
import { initialState, withResults } from "./browse_state.ts";

const rows: BrowseRow[] = Array.from({ length: 12 }, (_, i) => ({
  sessionId: `agent-20240115-103000-abc${i}`,
  type: "agent",
  at: "2024-01-15T10:30:00Z",
  role: i === 0 ? "tool" : "user",
  ...(i === 0 ? { tool: "shell" } : {}),
  snippet: `the «deploy» failed ${"and more words ".repeat(10)}`,
}));

const ESC = "\x1b";
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");

function frameLines(frame: string): string[] {
  return frame.slice(`${ESC}[H`.length).split("\r\n");
}

test("drawScreen() fills 80×24 exactly: every line at most 80 columns, the query, hits and status shown", () => {
  const state = withResults(initialState("deploy"), rows, 57);
  const preview = { title: "Fix it · agent-x", lines: Array.from({ length: 40 }, (_, i) => `line ${i}`), focus: 20 };
  const lines = frameLines(drawScreen(state, preview, { columns: 80, rows: 24 }, palette({ colour: true })));
  assert.equal(lines.length, 24);
  for (const line of lines) assert.ok(visibleWidth(line) <= 80, JSON.stringify(line));
  const text = lines.map((line) => line.replace(ANSI, ""));
  assert.match(text[0], /^> deploy\s+57 hits$/);
  assert.match(text[1], /^▌2024-01-15 +⚙ shell\s+agent-2024/);
  assert.match(text[layout(24).listHeight + 1], /^── Fix it · agent-x ─+$/);
  assert.ok(text.some((line) => line.includes("line 20")), "the preview shows the hit's line");
  assert.ok(!text.some((line) => line.includes("line 5 ")), "and starts near it, not at the top");
  assert.match(text[23], /enter open/);
});

test("drawScreen() without colour has no colour escapes, and says when nothing matched", () => {
  const state = withResults(initialState("zzz"), [], 0);
  const frame = drawScreen(state, undefined, { columns: 80, rows: 24 }, palette({ colour: false, emphasis: true }));
  assert.doesNotMatch(frame, new RegExp(`${ESC}\\[3[0-9]m`));
  assert.match(frame, /no matches/);
});

test("drawScreen() shows the help instead of the results when asked", () => {
  const state = { ...withResults(initialState("x"), rows, 12), help: true };
  const frame = drawScreen(state, undefined, { columns: 80, rows: 24 }, palette({ colour: false }));
  assert.match(frame, /e {14}open the log in \$EDITOR/);
  assert.doesNotMatch(frame, /agent-2024/);
});
