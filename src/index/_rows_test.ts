import { test } from "node:test";
import assert from "node:assert/strict";
import { checkLog, countEvents, eventRows, filterClauses, isoFromMs, logRow } from "./_rows.ts";
import type { IndexedLog } from "./types.ts";

const LOG: IndexedLog = {
  file: "/s/chat-a/one.md",
  sessionId: "chat-a",
  sessionType: "chat",
  title: null,
  started: "2024-01-15T10:00:00Z",
  ended: null,
  fingerprint: { size: 10, mtimeMs: 5, hash: "h" },
  events: [
    { seq: 0, role: "user", content: "hello", at: "2024-01-15T10:00:00Z" },
    { seq: 3, role: "tool", tool: "grep", content: "found", at: "not a time" },
  ],
};

test("eventRows() searches the tool name with the content and falls back to the log's start for bad times", () => {
  const [first, second] = eventRows(LOG);
  assert.equal(first.text, "hello");
  assert.equal(first.at_ms, Date.parse("2024-01-15T10:00:00Z"));
  assert.equal(second.text, "grep\nfound");
  assert.equal(second.tool, "grep");
  assert.equal(second.at_ms, Date.parse(LOG.started));
  assert.equal(second.at, "not a time");
});

test("countEvents() counts events and finds the greatest seq and newest time", () => {
  assert.deepEqual(countEvents(eventRows(LOG)), { events: 2, last_seq: 3, last_ms: Date.parse(LOG.started) });
  assert.deepEqual(countEvents([]), { events: 0, last_seq: -1 });
});

test("logRow() keeps the fingerprint and frontmatter", () => {
  const row = logRow(LOG);
  assert.deepEqual([row.size, row.mtime_ms, row.hash, row.session_id, row.type], [10, 5, "h", "chat-a", "chat"]);
});

test("checkLog() refuses negative, fractional and repeated seqs", () => {
  for (const seqs of [[-1], [1.5], [2, 2]]) {
    const log = { ...LOG, events: seqs.map((seq) => ({ ...LOG.events[0], seq })) };
    assert.throws(() => checkLog(log), { code: "invalid_input" });
  }
  checkLog(LOG);
});

test("filterClauses() binds every value and refuses times and limits that are not numbers", () => {
  const fields = { type: "type", since: "at_ms", until: "at_ms" };
  assert.deepEqual(filterClauses({ type: "x'; --", since: 1, until: 2 }, fields), {
    clauses: ["type = $type", "at_ms >= $since", "at_ms <= $until"],
    vars: { type: "x'; --", since: 1, until: 2 },
  });
  assert.throws(() => filterClauses({ since: Number.NaN }, fields), { code: "invalid_input" });
  assert.throws(() => filterClauses({ limit: 0 }, fields), { code: "invalid_input" });
  assert.throws(() => filterClauses({ limit: 2.5 }, fields), { code: "invalid_input" });
});

test("isoFromMs() gives whole seconds, as every time cru shows", () => {
  assert.equal(isoFromMs(Date.parse("2024-01-15T10:00:00Z")), "2024-01-15T10:00:00Z");
  assert.equal(isoFromMs(Date.parse("2024-01-15T10:00:00.250Z")), "2024-01-15T10:00:00Z");
});
