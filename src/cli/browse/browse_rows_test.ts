import { test } from "node:test";
import assert from "node:assert/strict";
import { testView } from "../render/_test_view.ts";
import { eventIndexOf, rowFromHit } from "./browse_rows.ts";

const hit = {
  session_id: "chat-x",
  type: "chat",
  file: "sessions/chat-x/2024-01-15-1045.md",
  at: "2024-01-15T10:46:00Z",
  role: "result",
  snippet: "Deployed in «42» s",
  score: 1,
  line: 16,
};

test("eventIndexOf() finds a hit's event by its log and line", () => {
  assert.equal(eventIndexOf(testView(), rowFromHit(hit)), 4);
  assert.equal(eventIndexOf(testView(), rowFromHit({ ...hit, line: 12 })), 3);
});

test("eventIndexOf() falls back to the event's position in its log when the line moved", () => {
  assert.equal(eventIndexOf(testView(), rowFromHit({ ...hit, line: 999, seq: 1 })), 4);
});

test("eventIndexOf() gives -1 for a title hit and for a position the log no longer has", () => {
  assert.equal(eventIndexOf(testView(), rowFromHit({ ...hit, role: "title" })), -1);
  assert.equal(eventIndexOf(testView(), rowFromHit({ ...hit, line: 999, seq: 7 })), -1);
});
