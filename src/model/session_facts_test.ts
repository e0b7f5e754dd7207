import { test } from "node:test";
import assert from "node:assert/strict";
import { projectName, sessionFacts } from "./session_facts.ts";

test("sessionFacts() reads model, cwd, host, git and source, and names the project after the remote or the folder", () => {
  assert.deepEqual(
    sessionFacts({
      model: "gpt-5",
      cwd: "/home/ana/src/shop",
      host: "vm",
      git: { branch: "main", commit: "3f2a9c1", remote: "git@github.com:ana/api.git", dirty: false },
      source: "codex",
      title: "ignored",
    }),
    {
      model: "gpt-5",
      cwd: "/home/ana/src/shop",
      host: "vm",
      branch: "main",
      commit: "3f2a9c1",
      remote: "git@github.com:ana/api.git",
      source: "codex",
      project: "api",
    },
  );
  assert.deepEqual(sessionFacts({ cwd: "/home/ana/src/shop/" }), { cwd: "/home/ana/src/shop/", project: "shop" });
  assert.deepEqual(sessionFacts({ git: "not a mapping", model: 3, host: "  " }), {});
});

test("sessionFacts() takes the first event's model when the frontmatter names none", () => {
  const events = [{}, { model: "claude-haiku-4-5" }, { model: "other" }];
  assert.equal(sessionFacts({}, events).model, "claude-haiku-4-5");
  assert.equal(sessionFacts({ model: "set" }, events).model, "set");
});

test("projectName() reads https, ssh and scp-like remotes, and falls back to the folder", () => {
  assert.equal(projectName("https://github.com/ana/api.git", "/x/y"), "api");
  assert.equal(projectName("ssh://git@host:22/team/web", undefined), "web");
  assert.equal(projectName("git@github.com:ana/api.git", undefined), "api");
  assert.equal(projectName(undefined, "C:\\work\\shop"), "shop");
  assert.equal(projectName(undefined, undefined), undefined);
});
