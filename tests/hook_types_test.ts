import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO = `${ROOT}node_modules/.bin/deno`;

function denoCheck(file: string) {
  return spawnSync(DENO, ["check", file], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

test("registering a handler of the wrong type for a hook fails the type check", () => {
  const wrong = denoCheck("tests/types/wrong_hook_handler.ts");
  assert.notEqual(wrong.status, 0, "deno check must reject the wrong handler");
  assert.match(wrong.stderr, /TS2\d{3}/);
  assert.match(wrong.stderr, /wrong_hook_handler\.ts/);
  const right = denoCheck("tests/types/right_hook_handler.ts");
  assert.equal(right.status, 0, right.stderr);
});
