import { test } from "node:test";
import assert from "node:assert/strict";
import { eventHash } from "./event_hash.ts";

test("eventHash() changes with every part of the event and where its parts end", () => {
  const event = { role: "user", content: "hi", at: "2024-01-15T10:30:00Z", tool: "t", args: "{}" };
  const hash = eventHash(event);
  assert.equal(hash, eventHash({ ...event }));
  for (
    const change of [{ role: "assistant" }, { content: "hi!" }, { at: "2024-01-15T10:31:00Z" }, { tool: "u" }, {
      args: '{"a":1}',
    }]
  ) {
    assert.notEqual(eventHash({ ...event, ...change }), hash, JSON.stringify(change));
  }
  assert.notEqual(eventHash({ ...event, tool: "ab", args: "" }), eventHash({ ...event, tool: "a", args: "b" }));
  assert.ok(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 32);
});
