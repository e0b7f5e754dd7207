import { test } from "node:test";
import assert from "node:assert/strict";
import { nextLogName, sortLogNames } from "./log_names.ts";

test("a continuation started by a clock set back still sorts after the newest log", () => {
  const behind = new Date(Date.UTC(2023, 5, 1, 8, 0));
  const existing = ["2024-01-15-1030.md", "2024-01-15-1030-2.md"];
  const name = nextLogName(behind, existing);
  assert.equal(name, "2024-01-15-1030-3.md");
  assert.equal(sortLogNames([...existing, name]).at(-1), name);
});

test("with a clock that moves forward the name is the time's own", () => {
  const later = new Date(Date.UTC(2024, 0, 16, 9, 5));
  assert.equal(nextLogName(later, ["2024-01-15-1030.md"]), "2024-01-16-0905.md");
  assert.equal(nextLogName(new Date(Date.UTC(2024, 0, 15, 10, 30)), ["2024-01-15-1030.md"]), "2024-01-15-1030-2.md");
});
