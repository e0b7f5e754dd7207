import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json_depth.ts";

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let n = 0; n < depth; n++) value = n % 2 ? { x: value } : [value];
  return value;
}

test("depth counts objects and arrays, not scalars", () => {
  assert.equal(nestsDeeperThan(1, 0), false);
  assert.equal(nestsDeeperThan({}, 0), true);
  assert.equal(nestsDeeperThan({ a: 1, b: "x" }, 1), false);
  assert.equal(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH), false);
  assert.equal(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH), true);
});

test("a value nested 40,000 deep is measured without overflowing the stack", () => {
  assert.equal(nestsDeeperThan(JSON.parse("[".repeat(40_000) + "]".repeat(40_000)), MAX_JSON_DEPTH), true);
});
