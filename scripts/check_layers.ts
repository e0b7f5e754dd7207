/**
 * Fails when an import points up the layers or two files import each other in a
 * cycle. Layers, lowest first: model, runtime, format, store, index, hooks,
 * plugin, core, then mcp and watch (the MCP server and the transcript watcher,
 * each its own process, side by side), cli. `mod.ts` and `plugins/` use only the public API.
 *
 *   deno run -A scripts/check_layers.ts
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const LAYERS = ["model", "runtime", "format", "store", "index", "hooks", "plugin", "core", "mcp", "watch", "cli"];
/** Which layers each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  model: [],
  runtime: ["model"],
  format: ["model"],
  store: ["model", "runtime", "format"],
  index: ["model", "runtime"],
  hooks: ["model", "runtime"],
  plugin: ["model", "runtime", "hooks"],
  core: ["model", "runtime", "format", "store", "index", "hooks", "plugin"],
  mcp: ["model", "runtime", "format", "store", "index", "hooks", "plugin", "core"],
  watch: ["model", "runtime", "format", "store", "index", "hooks", "plugin", "core"],
  cli: ["model", "runtime", "format", "store", "index", "hooks", "plugin", "core", "mcp", "watch"],
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith("_test.ts") ? [path] : [];
  });
}

/** Relative imports of a file; `typeOnly` for `import type`, which is erased at run time. */
function importsOf(file: string): { path: string; typeOnly: boolean }[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?[^;]*?from\s+"(\.[^"]+)"/g)]
    .map((m) => ({ path: resolve(dirname(file), m[3]), typeOnly: m[2] !== undefined }));
}
const imports = (file: string) => importsOf(file).map((i) => i.path);
const PACKAGE_JSON = join(ROOT, "package.json");

const layerOf = (file: string) => relative(join(ROOT, "src"), file).split("/")[0];
const problems: string[] = [];
const files = sourceFiles(join(ROOT, "src"));
const graph = new Map(files.map((file) => [file, imports(file)]));
const runtimeGraph = new Map(
  files.map((file) => [file, importsOf(file).filter((i) => !i.typeOnly).map((i) => i.path)]),
);

for (const [file, targets] of graph) {
  const from = layerOf(file);
  if (!LAYERS.includes(from)) problems.push(`${relative(ROOT, file)}: not in a known layer (${LAYERS.join(", ")})`);
  for (const target of targets) {
    if (target === PACKAGE_JSON) continue; // the version number
    if (from === "cli" && target === join(ROOT, "plugins", "builtin.ts")) continue; // the binary bundles them
    if (!target.startsWith(join(ROOT, "src"))) {
      problems.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}, outside src/`);
      continue;
    }
    const to = layerOf(target);
    if (to !== from && !ALLOWED[from]?.includes(to)) {
      problems.push(`${relative(ROOT, file)} (${from}) imports ${relative(ROOT, target)} (${to}): upward or sideways`);
    }
  }
}

const state = new Map<string, "visiting" | "done">();
function visit(file: string, path: string[]): void {
  if (state.get(file) === "done") return;
  if (state.get(file) === "visiting") {
    problems.push(
      `import cycle: ${[...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(" → ")}`,
    );
    return;
  }
  state.set(file, "visiting");
  for (const target of runtimeGraph.get(file) ?? []) if (runtimeGraph.has(target)) visit(target, [...path, file]);
  state.set(file, "done");
}
for (const file of files) visit(file, []);

for (const plugin of existsFolder(join(ROOT, "plugins")) ? sourceFiles(join(ROOT, "plugins")) : []) {
  for (const target of imports(plugin)) {
    if (target.startsWith(join(ROOT, "src"))) {
      problems.push(`${relative(ROOT, plugin)} imports ${relative(ROOT, target)}: plugins use mod.ts only`);
    }
  }
}

function existsFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`layer check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`layer check: ${files.length} files, imports point down only, no cycles`);
