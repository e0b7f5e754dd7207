import { test } from "node:test";
import assert from "node:assert/strict";
import { fileMatches } from "./session_filters.ts";

const record = {
  tags: ["bug", "ci"],
  facts: { cwd: "/src/cru/app", project: "cru", branch: "main", host: "h", model: "m", source: "s" },
};

test("fileMatches() passes a record that meets every filter set", () => {
  assert.ok(fileMatches(record, {}));
  assert.ok(fileMatches(record, { tag: "ci", project: "cru", branch: "main", host: "h", model: "m", source: "s" }));
  assert.ok(!fileMatches(record, { tag: "ci", branch: "dev" }));
  assert.ok(!fileMatches({ tags: [], facts: {} }, { project: "cru" }));
});

test("fileMatches() takes cwd as a folder and everything below it", () => {
  for (const cwd of ["/", "/src", "/src/cru", "/src/cru/", "/src/cru/app"]) {
    assert.ok(fileMatches(record, { cwd }), cwd);
  }
  for (const cwd of ["/src/cr", "/src/cru/ap", "/other"]) assert.ok(!fileMatches(record, { cwd }), cwd);
});
