import { test } from "node:test";
import assert from "node:assert/strict";
import { sessionFacts } from "./session_facts.ts";

test("sessionFacts() reads model, cwd, host, git and source, naming the project as the index does", () => {
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
      project: "ana/api",
      source: "codex",
    },
  );
  assert.deepEqual(sessionFacts({ cwd: "/home/ana/src/shop" }), { cwd: "/home/ana/src/shop", project: "shop" });
  assert.deepEqual(sessionFacts({ git: "not a mapping", model: 3 }), {});
});
