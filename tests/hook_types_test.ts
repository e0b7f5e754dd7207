import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO = `${ROOT}node_modules/.bin/deno`;

function denoCheck(file: string) {
  return spawnSync(DENO, ["check", file], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
}

test("registering a handler of the wrong type for a hook fails the type check", { timeout: 240_000 }, () => {
  const wrong = denoCheck("tests/types/wrong_hook_handler.ts");
  assert.notEqual(wrong.status, 0, "deno check must reject the wrong handler");
  assert.match(wrong.stderr, /TS2\d{3}/);
  assert.match(wrong.stderr, /wrong_hook_handler\.ts/);
  const right = denoCheck("tests/types/right_hook_handler.ts");
  assert.equal(right.status, 0, right.stderr);
});

test("running a hook in a way its kind forbids fails the type check, on every such line", { timeout: 240_000 }, () => {
  const file = "tests/types/wrong_hook_kind.ts";
  const marked = readFileSync(`${ROOT}${file}`, "utf8").split("\n")
    .flatMap((line, i) => line.includes("// wrong kind") ? [i + 1] : []);
  assert.equal(marked.length, 4);
  const wrong = denoCheck(file);
  assert.notEqual(wrong.status, 0, "deno check must reject running a hook as the wrong kind");
  const failed = new Set([...wrong.stderr.matchAll(/wrong_hook_kind\.ts:(\d+):\d+/g)].map((m) => Number(m[1])));
  assert.deepEqual([...failed].sort((a, b) => a - b), marked, wrong.stderr);
  const right = denoCheck("tests/types/right_hook_kind.ts");
  assert.equal(right.status, 0, right.stderr);
});
