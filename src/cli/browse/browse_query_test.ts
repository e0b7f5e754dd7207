import { test } from "node:test";
import assert from "node:assert/strict";
import { readBrowseQuery } from "./browse_query.ts";

const now = () => new Date("2024-06-10T00:00:00Z");

test("readBrowseQuery() takes filters out of the words", () => {
  const query = readBrowseQuery("deploy type:agent cache role:user tool:shell since:7d", now);
  assert.equal(query.words, "deploy cache");
  assert.deepEqual(query.filters, {
    type: "agent",
    role: "user",
    tool: "shell",
    since: Date.parse("2024-06-03T00:00:00Z"),
  });
  assert.equal(query.problem, undefined);
});

test("readBrowseQuery() ignores a filter still being typed and names a wrong one, keeping the rest", () => {
  assert.deepEqual(readBrowseQuery("deploy type:", now), { words: "deploy", filters: {} });
  const query = readBrowseQuery("deploy type:robot role:user", now);
  assert.deepEqual(query.filters, { role: "user" });
  assert.match(query.problem ?? "", /type:.*robot.*chat, agent, workflow, plugin/);
});
