import { test } from "node:test";
import assert from "node:assert/strict";
import type { SessionView } from "../core/crucible.ts";
import { sessionPage } from "./session_page.ts";

function view(contents: string[]): SessionView {
  const events = contents.map((content, n) => ({
    role: "user" as const,
    content,
    at: "2024-01-15T10:30:00Z",
    file: "/s/chat-a/2024-01-15-1030.md",
    line: 10 + 2 * n,
  }));
  const started = "2024-01-15T10:30:00Z";
  return {
    id: "chat-a",
    type: "chat",
    title: null,
    tags: [],
    started,
    ended: null,
    last_activity: started,
    files: [events[0]?.file ?? ""],
    logs: [{ file: events[0]?.file ?? "", started, context: null }],
    events,
    warnings: [],
  };
}

test("sessionPage() walks a session in pages whose next_offset leads to the end", () => {
  const session = view(Array.from({ length: 7 }, (_, n) => `event ${n}`));
  const read: string[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page: ReturnType<typeof sessionPage> = sessionPage(session, { offset, limit: 3 });
    assert.equal(page.total_events, 7);
    read.push(...page.events.map((e) => e.content));
    offset = page.next_offset;
  }
  assert.deepEqual(read, session.events.map((e) => e.content));
});

test("sessionPage() stops a page before an event that would pass the character budget", () => {
  const page = sessionPage(view(["a".repeat(60), "b".repeat(60), "c"]), { maxChars: 100 });
  assert.deepEqual(page.events.map((e) => e.index), [0]);
  assert.equal(page.next_offset, 1);
});

test("sessionPage() cuts a single event longer than a page and gives its full length", () => {
  const page = sessionPage(view(["x".repeat(1_000_000), "after"]), { maxChars: 1000 });
  assert.equal(page.events.length, 1);
  assert.equal(page.events[0].content.length, 1000);
  assert.equal(page.events[0].full_length, 1_000_000);
  assert.equal(page.next_offset, 1);
});

test("sessionPage() past the end gives no events and no next page", () => {
  const page = sessionPage(view(["only"]), { offset: 5 });
  assert.deepEqual(page.events, []);
  assert.equal(page.next_offset, null);
});
