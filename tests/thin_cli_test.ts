/**
 * A thin CLI: the commands people run all day — `--version`, `--help`, `new`,
 * `append`, `show`, `completions` — never load the SurrealDB SDK or the search
 * engine. Only the index owner does. Checked on the static import graph: the
 * entry reaches commands, and the owner, through dynamic imports only, so what
 * a command loads is what its module reaches statically.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What must stay out of a thin command: the database SDKs and the engine over them. */
const HEAVY = [/^surrealdb$/, /^@surrealdb\//, /src\/index\/(surreal_storage|connect|search_index|run_search)\.ts$/];

/** Static imports of a module (not `import()`, not `import type`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+["']([^"']+)["']/gm)) {
    found.push(match[1]);
  }
  for (const match of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(match[1]);
  return found;
}

/** Every module `entry` reaches through static imports, local files as absolute paths, packages by name. */
function reach(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.startsWith("/")) continue; // a package: its own imports are its business
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        if (existsSync(target) && target.endsWith(".ts")) todo.push(target);
      } else if (!specifier.startsWith("node:")) {
        todo.push(specifier.replace(/^npm:/, "").replace(/@[\d.^~]+$/, ""));
      }
    }
  }
  return seen;
}

const THIN = [
  "src/cli/main.ts",
  "src/cli/run_cli.ts",
  "src/cli/program.ts",
  "src/cli/commands/session_new.ts",
  "src/cli/commands/session_append.ts",
  "src/cli/commands/session_show.ts",
  "src/cli/commands/completions.ts",
];

for (const module of THIN) {
  test(`${module} loads neither the SurrealDB SDK nor the search engine`, () => {
    const reached = [...reach(join(ROOT, module))];
    const heavy = reached.filter((m) => HEAVY.some((pattern) => pattern.test(m)));
    assert.deepEqual(heavy, [], `${module} reaches ${heavy.join(", ")}`);
  });
}

test("the index owner's entry does load them (the check can see the engine when it is there)", () => {
  const reached = [...reach(join(ROOT, "src/index_service/index_owner_main.ts"))];
  for (const pattern of HEAVY) assert.ok(reached.some((m) => pattern.test(m)), `owner reaches ${pattern}`);
});
