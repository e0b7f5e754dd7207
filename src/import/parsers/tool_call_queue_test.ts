import { test } from "node:test";
import assert from "node:assert/strict";
import { ToolCallQueue } from "./tool_call_queue.ts";
import { eventsOf } from "./_test_utils.ts";

const AT = "2025-01-01T00:00:00Z";

test("ToolCallQueue keeps the source's order while calls wait for their results", () => {
  const queue = new ToolCallQueue();
  const out = [
    ...queue.call("a", "read", {}, AT, 1),
    ...queue.call("b", "grep", {}, AT, 2),
    ...queue.add({ role: "assistant", content: "waiting", at: AT }, 3),
    ...queue.result("b", "B", 4),
    ...queue.result("a", "A", 5),
    ...queue.add({ role: "assistant", content: "done", at: AT }, 6),
  ];
  assert.deepEqual(eventsOf(out), ["tool read: A", "tool grep: B", "assistant: waiting", "assistant: done"]);
});

test("ToolCallQueue gives up on a result after 2000 events and still names a late result's tool", () => {
  const queue = new ToolCallQueue();
  const out = [...queue.call("slow", "build", { target: "all" }, AT, 1)];
  for (let n = 0; n < 2001; n++) out.push(...queue.add({ role: "assistant", content: `${n}`, at: AT }, n + 2));
  assert.equal(out.length, 2002, "nothing waits once the call is given up");
  out.push(...queue.result("slow", "finally", 3000));
  const late = out.at(-1);
  assert.deepEqual(late?.kind === "event" && [late.event.tool, late.event.args, late.event.content], [
    "build",
    { target: "all" },
    "finally",
  ]);
});

test("ToolCallQueue writes a result without a known call as its own tool event", () => {
  const out = new ToolCallQueue().result("ghost", "output", 7, AT);
  assert.deepEqual(out.map((i) => i.kind === "event" && [i.event.tool, i.event.args, i.line]), [
    ["tool_result", { call_id: "ghost" }, 7],
  ]);
});
