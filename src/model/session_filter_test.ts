import { test } from "node:test";
import assert from "node:assert/strict";
import { isWithin, sessionMatches } from "./session_filter.ts";

const session = {
  type: "agent",
  tags: ["ci", "deploy"],
  facts: { cwd: "/home/ana/src/shop", project: "shop", branch: "main", host: "vm", model: "gpt-5", source: "codex" },
};

test("sessionMatches() lets a session through only when every filter set agrees", () => {
  assert.ok(sessionMatches(session, {}));
  assert.ok(sessionMatches(session, { type: "agent", tag: "deploy", project: "shop", branch: "main" }));
  assert.ok(sessionMatches(session, { host: "vm", model: "gpt-5", source: "codex", cwd: "/home/ana" }));
  assert.ok(!sessionMatches(session, { type: "chat" }));
  assert.ok(!sessionMatches(session, { tag: "dep" }));
  assert.ok(!sessionMatches(session, { project: "shop", branch: "dev" }));
  assert.ok(!sessionMatches({ ...session, facts: {} }, { model: "gpt-5" }));
  assert.ok(!sessionMatches({ ...session, facts: {} }, { cwd: "/" }));
});

test("isWithin() takes a folder and everything below it, not its namesakes", () => {
  assert.ok(isWithin("/a/b", "/a"));
  assert.ok(isWithin("/a/b/", "/a/b"));
  assert.ok(isWithin("/a", "/"));
  assert.ok(!isWithin("/ab", "/a"));
  assert.ok(!isWithin(undefined, "/a"));
});
