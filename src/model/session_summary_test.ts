import { test } from "node:test";
import assert from "node:assert/strict";
import { type LogSummaryInput, summarizeSession } from "./session_summary.ts";

const log = (over: Partial<LogSummaryInput>): LogSummaryInput => ({
  file: "a.md",
  sessionId: "chat-1",
  sessionType: "chat",
  title: null,
  tags: [],
  started: "2024-01-15T10:00:00Z",
  ended: null,
  events: 0,
  lastEventMs: null,
  mtimeMs: Date.parse("2024-01-15T12:00:00Z"),
  ...over,
});

test("summarizeSession() takes title, started and type from the first log, ended from the newest", () => {
  const first = log({
    file: "1.md",
    title: "First",
    tags: ["a"],
    events: 2,
    lastEventMs: Date.parse("2024-01-15T10:05:00Z"),
  });
  const second = log({
    file: "2.md",
    title: "Second",
    tags: ["b", "a"],
    started: "2024-01-15T11:00:00Z",
    ended: "2024-01-15T11:30:00Z",
    events: 3,
    lastEventMs: Date.parse("2024-01-15T11:20:00Z"),
  });
  assert.deepEqual(summarizeSession([second, first]), {
    id: "chat-1",
    type: "chat",
    title: "First",
    tags: ["a", "b"],
    started: "2024-01-15T10:00:00Z",
    last_activity: "2024-01-15T11:20:00Z",
    events: 5,
    ended: "2024-01-15T11:30:00Z",
  });
});

test("summarizeSession() takes a later log's title when the first has none, and mtime without events", () => {
  const summary = summarizeSession([
    log({ file: "1.md" }),
    log({ file: "2.md", title: "Later", started: "2024-01-16T00:00:00Z" }),
  ]);
  assert.equal(summary.title, "Later");
  assert.equal(summary.last_activity, "2024-01-15T12:00:00Z");
  assert.throws(() => summarizeSession([]), RangeError);
});
