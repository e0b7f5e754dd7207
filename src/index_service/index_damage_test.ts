import { test } from "node:test";
import assert from "node:assert/strict";
import { CruError } from "../model/errors.ts";
import { isIndexDamage } from "./index_damage.ts";

test("the storage's index_damaged and the engine's corruption errors are damage", () => {
  assert.equal(isIndexDamage(new CruError("index_damaged", "the index is missing chunk:[a, terms, 0]")), true);
  assert.equal(
    isIndexDamage(new Error("An unexpected connection error occurred: Corruption: block checksum mismatch")),
    true,
  );
  assert.equal(
    isIndexDamage(new Error("query failed", { cause: new Error("IO error: No such file or directory") })),
    true,
  );
});

test("other failures are not damage", () => {
  assert.equal(isIndexDamage(new CruError("index_conflict", "another owner committed version 4")), false);
  assert.equal(
    isIndexDamage(new CruError("invalid_input", 'invalid query "(": expected a closing parenthesis')),
    false,
  );
  assert.equal(isIndexDamage(undefined), false);
  assert.equal(
    isIndexDamage(new Error("IO error: No space left on device: While appending to file: 000012.log")),
    false,
  );
  assert.equal(isIndexDamage(new Error("IO error: Permission denied: /x/index/db/LOCK")), false);
});
