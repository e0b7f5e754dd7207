import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkLayers, codeOnly } from "./check_layers.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A copy of what the check reads, made once; each case plants files in it and puts them back. */
function copyOfTree(): string {
  const copy = mkdtempSync(join(tmpdir(), "cru-layers-"));
  for (const name of ["src", "plugins", "mod.ts", "types.ts", "README.md", "package.json"]) {
    cpSync(join(ROOT, name), join(copy, name), { recursive: true });
  }
  return copy;
}

/** Writes `files` into the copy, runs the check, and restores the copy whatever happens. */
function checkWith(copy: string, files: Record<string, string>): string[] {
  const saved = new Map<string, string | undefined>();
  try {
    for (const [path, text] of Object.entries(files)) {
      const file = join(copy, path);
      saved.set(file, existsSync(file) ? readFileSync(file, "utf8") : undefined);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    return checkLayers(copy);
  } finally {
    for (const [file, text] of saved) {
      if (text === undefined) rmSync(file);
      else writeFileSync(file, text);
    }
  }
}

/** Appends `line` to an existing file of the copy. */
const plus = (copy: string, path: string, line: string) => readFileSync(join(copy, path), "utf8") + `\n${line}\n`;

test("the layer check passes on the repository as it is", () => {
  assert.deepEqual(checkLayers(ROOT), []);
});

test("the layer check fails on each forbidden import, global and exit planted in a copy of the tree", () => {
  const copy = copyOfTree();
  try {
    assert.deepEqual(checkLayers(copy), [], "the untouched copy must pass");
    const cases: { what: string; files: Record<string, string>; expect: RegExp }[] = [
      {
        what: "cli imports the store",
        files: {
          "src/cli/_planted.ts": 'import { SessionStore } from "../store/session_store.ts";\nvoid SessionStore;',
        },
        expect: /src\/cli\/_planted\.ts \(cli\) imports src\/store\/session_store\.ts \(store\)/,
      },
      {
        what: "cli imports the index",
        files: { "src/cli/_planted.ts": 'export type { SearchIndex } from "../index/search_index_api.ts";' },
        expect: /src\/cli\/_planted\.ts \(cli\) imports src\/index\/search_index_api\.ts \(index\)/,
      },
      {
        what: "model imports format (upward)",
        files: { "src/model/_planted.ts": 'export { parseLog } from "../format/parse_log.ts";' },
        expect:
          /src\/model\/_planted\.ts \(model\) imports src\/format\/parse_log\.ts \(format\): model may import nothing/,
      },
      {
        what: "the store imports core (upward)",
        files: {
          "src/store/_planted.ts": 'import type { Crucible } from "../core/crucible.ts";\nexport type C = Crucible;',
        },
        expect: /src\/store\/_planted\.ts \(store\) imports src\/core\/crucible\.ts \(core\)/,
      },
      {
        what: "an importer's parser imports the store (parsers are pure)",
        files: {
          "src/import/parsers/_planted.ts": 'export type { SessionStore } from "../../store/session_store.ts";',
        },
        expect: /src\/import\/parsers\/_planted\.ts \(import_parsers\) imports src\/store\/session_store\.ts \(store\)/,
      },
      {
        what: "the import service imports core (upward)",
        files: {
          "src/import/_planted.ts": 'import type { Crucible } from "../core/crucible.ts";\nexport type C = Crucible;',
        },
        expect: /src\/import\/_planted\.ts \(import\) imports src\/core\/crucible\.ts \(core\)/,
      },
      {
        what: "hooks import plugin (sideways)",
        files: { "src/hooks/_planted.ts": 'export { definePlugin } from "../plugin/plugin_definition.ts";' },
        expect: /src\/hooks\/_planted\.ts \(hooks\) imports src\/plugin\/plugin_definition\.ts \(plugin\)/,
      },
      {
        what: "mod.ts exports the store",
        files: { "mod.ts": plus(copy, "mod.ts", 'export { SessionStore } from "./src/store/session_store.ts";') },
        expect: /mod\.ts \(api\) imports src\/store\/session_store\.ts \(store\)/,
      },
      {
        what: "a plugin imports mod.ts (a circle mod.ts → plugins → mod.ts)",
        files: {
          "plugins/_planted.ts":
            'import type { PluginDefinition } from "../mod.ts";\nexport type P = PluginDefinition;',
        },
        expect: /plugins\/_planted\.ts \(plugins\) imports mod\.ts \(api\)/,
      },
      {
        what: "a plugin imports src/",
        files: {
          "plugins/_planted.ts": 'import type { NewEvent } from "../src/model/event.ts";\nexport type E = NewEvent;',
        },
        expect: /plugins\/_planted\.ts \(plugins\) imports src\/model\/event\.ts \(model\)/,
      },
      {
        what: "types.ts exports a value",
        files: { "types.ts": plus(copy, "types.ts", 'export { ROLES } from "./src/model/role.ts";') },
        expect: /types\.ts \(types\) may hold types only: src\/model\/role\.ts/,
      },
      {
        what: "a file in no known folder",
        files: { "src/misc/_planted.ts": "export const x = 1;" },
        expect: /src\/misc\/_planted\.ts: in no known part/,
      },
      {
        what: "an import cycle",
        files: {
          "src/core/_planted_a.ts": 'import { b } from "./_planted_b.ts";\nexport const a = () => b;',
          "src/core/_planted_b.ts": 'import { a } from "./_planted_a.ts";\nexport const b = () => a;',
        },
        expect:
          /import cycle: src\/core\/_planted_(a|b)\.ts → src\/core\/_planted_(?!\1)[ab]\.ts → src\/core\/_planted_\1\.ts/,
      },
      {
        what: "process outside src/runtime/",
        files: { "src/core/_planted.ts": "export const home = () => process.env.HOME;" },
        expect: /src\/core\/_planted\.ts touches process, Deno or Bun/,
      },
      {
        what: "node:process outside src/runtime/",
        files: { "src/store/_planted.ts": 'import nodeProcess from "node:process";\nexport const p = nodeProcess;' },
        expect: /src\/store\/_planted\.ts touches process, Deno or Bun/,
      },
      {
        what: "Deno outside src/runtime/",
        files: { "src/format/_planted.ts": "export const read = (f: string) => Deno.readTextFileSync(f);" },
        expect: /src\/format\/_planted\.ts touches process, Deno or Bun/,
      },
      {
        what: "Bun outside src/runtime/",
        files: { "plugins/_planted.ts": "export const v = Bun.version;" },
        expect: /plugins\/_planted\.ts touches process, Deno or Bun/,
      },
      {
        what: "exit in a command",
        files: {
          "src/cli/commands/_planted.ts":
            'import { exit } from "../../runtime/process.ts";\nexport const quit = () => exit(3);',
        },
        expect: /src\/cli\/commands\/_planted\.ts calls exit: only a process's entry may/,
      },
      {
        what: "a stale README table",
        files: { "README.md": readFileSync(join(copy, "README.md"), "utf8").replace("| core ", "| kernel ") },
        expect: /README\.md: its layer table is out of date/,
      },
    ];
    for (const { what, files, expect } of cases) {
      const problems = checkWith(copy, files);
      assert.ok(
        problems.some((p) => expect.test(p)),
        `${what}: expected a problem matching ${expect}, got:\n${problems.join("\n")}`,
      );
    }
    assert.deepEqual(checkLayers(copy), [], "every planted file must be gone again");
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test("codeOnly() leaves out comments and string contents, so words there are not code", () => {
  const text = [
    "// process.exit(1) in a comment",
    "/* Deno.env in a block */",
    'const a = "process.env in a string";',
    "const b = `Bun.version ${process.pid} more`;",
  ].join("\n");
  const code = codeOnly(text);
  assert.doesNotMatch(code, /exit|Deno|Bun|in a string/);
  assert.match(code, /process\.pid/, "code inside a template's ${…} stays code");
});
