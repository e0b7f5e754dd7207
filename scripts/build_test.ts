import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { platformSuffix, replaceNativeLoader } from "./build.ts";

const ENGINE = fileURLToPath(new URL("../node_modules/@surrealdb/node/dist/surrealdb-node.mjs", import.meta.url));

test("replaceNativeLoader() swaps the installed engine's napi loader for one static require", () => {
  const source = readFileSync(ENGINE, "utf8");
  const out = replaceNativeLoader(source, "./surrealdb-node.linux-x64-gnu.node");
  assert.match(
    out,
    /const nativeBinding = require\("\.\/surrealdb-node\.linux-x64-gnu\.node"\);\nconst \{ NotificationReceiver, SurrealNodeEngine \} = nativeBinding;/,
  );
  assert.ok(!out.includes("requireNative"), "the old loader must be gone");
  assert.ok(!out.includes("createRequire(import.meta.url)"), "no run-time require of the addon may remain");
  assert.ok(out.includes("var NodeEngine = class"), "the engine itself must be kept");
});

test("replaceNativeLoader() fails loudly when a marker is missing", () => {
  assert.throws(() => replaceNativeLoader("const x = 1;", "./a.node"), /napi\/index\.js/);
  assert.throws(
    () => replaceNativeLoader("//#region napi/index.js\nlet nativeBinding;\n", "./a.node"),
    /nativeBinding/,
  );
});

test("platformSuffix() names an addon that the installed engine ships", () => {
  const suffix = platformSuffix();
  assert.ok(readFileSync(ENGINE.replace(/surrealdb-node\.mjs$/, `surrealdb-node.${suffix}.node`)).length > 0);
});
