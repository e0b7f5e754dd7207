/**
 * The layer check: fails when an import points up or sideways between the parts
 * of the code, when two files import each other in a circle, when code outside
 * `src/runtime/` touches `process`, `Deno` or `Bun`, when anything but a
 * process's entry calls exit, or when the README's table of allowed imports is
 * out of date. The rules are the data below: a new folder is one line of
 * {@linkcode PARTS}.
 *
 *   deno run -A scripts/check_layers.ts            # check; exit 1 with one line per problem
 *   deno run -A scripts/check_layers.ts --table    # print the allowed imports as a markdown table
 *   deno run -A scripts/check_layers.ts --readme   # write that table into README.md's architecture section
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** A part of the code: where it lives and which other parts it may import. */
export interface Part {
  name: string;
  /** A folder (ending in `/`) or a file, relative to the repository. */
  path: string;
  /** The parts it may import besides itself. */
  mayImport: string[];
  /** True when it may hold types only (every import and export is `import type` / `export type`). */
  typesOnly?: boolean;
  /** What it is, for the README. */
  what: string;
}

/** Every part, lowest first. A file under `src/` outside all of them fails the check. */
export const PARTS: readonly Part[] = [
  { name: "model", path: "src/model/", mayImport: [], what: "sessions, events, ids, errors: plain types, no I/O" },
  {
    name: "runtime",
    path: "src/runtime/",
    mayImport: ["model"],
    what: "the only code that touches Deno, Bun, process",
  },
  { name: "format", path: "src/format/", mayImport: ["model"], what: "markdown ⇄ model, pure" },
  { name: "store", path: "src/store/", mayImport: ["model", "runtime", "format"], what: "session folders on disk" },
  { name: "index", path: "src/index/", mayImport: ["model", "runtime"], what: "the SurrealDB index" },
  {
    name: "index_service",
    path: "src/index_service/",
    mayImport: ["model", "runtime", "format", "store", "index"],
    what: "the index owner process and its typed protocol",
  },
  {
    name: "import_parsers",
    path: "src/import/parsers/",
    mayImport: ["model", "format"],
    what: "other tools' transcripts → source items, pure",
  },
  {
    name: "import",
    path: "src/import/",
    mayImport: ["model", "runtime", "format", "store", "import_parsers"],
    what: "import: discovery, ids, reconciliation; writes through the store's API, never its locks",
  },
  { name: "hooks", path: "src/hooks/", mayImport: ["model", "runtime"], what: "the hook map, kinds, runner" },
  { name: "plugin", path: "src/plugin/", mayImport: ["model", "runtime", "hooks"], what: "plugin API and loading" },
  {
    name: "core",
    path: "src/core/",
    mayImport: ["model", "runtime", "format", "store", "index", "index_service", "import", "hooks", "plugin"],
    what: "the facade and the one composition root (open_crucible.ts)",
  },
  {
    name: "cli",
    path: "src/cli/",
    // `cru mcp` and `cru watch` are commands: the CLI process becomes the server or the watcher.
    mayImport: ["model", "runtime", "format", "import_parsers", "import", "hooks", "plugin", "core", "mcp", "watch"],
    what: "the `cru` command: one file per command, renderers",
  },
  {
    name: "mcp",
    path: "src/mcp/",
    mayImport: ["model", "runtime", "format", "hooks", "plugin", "core"],
    what: "the MCP server process",
  },
  {
    name: "watch",
    path: "src/watch/",
    mayImport: ["model", "runtime", "format", "import", "hooks", "plugin", "core"],
    what: "the watcher process",
  },
  {
    name: "types",
    path: "types.ts",
    mayImport: ["model", "format", "import", "hooks", "plugin", "core"],
    typesOnly: true,
    what: "the public types, in one place",
  },
  {
    name: "api",
    path: "mod.ts",
    mayImport: ["types", "model", "format", "hooks", "plugin", "core", "plugins"],
    what: "the library and plugin API",
  },
  { name: "plugins", path: "plugins/", mayImport: ["types"], what: "first-party plugins: public types only" },
];

/** Single imports allowed across the table, each with its reason. */
export const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [
  { from: "src/core/open_crucible.ts", to: "plugins/builtin.ts", why: "the composition root loads the built-ins" },
  {
    from: "src/core/secret_rules.ts",
    to: "plugins/builtin.ts",
    why: "audit and the CLI's error lines use the built-in redaction rules",
  },
  { from: "src/cli/version.ts", to: "package.json", why: "the version number" },
  {
    from: "src/cli/main.ts",
    to: "src/index_service/index_owner_main.ts",
    why: "the binary's entry is also the index owner's: it starts the owner's code when asked to",
  },
  { from: "src/cli/main.ts", to: "src/index_service/owner_command.ts", why: "how the entry knows it runs an owner" },
];

/** The processes and their entries: the only files that may call exit. */
export const PROCESSES: readonly { name: string; entry: string; runs: string }[] = [
  { name: "cli", entry: "src/cli/main.ts", runs: "cli → core → store, hooks, plugin; asks the index owner" },
  {
    name: "index owner",
    entry: "src/index_service/index_owner_main.ts",
    runs: "the one process per store that opens SurrealDB and runs the search engine (index_service → index, store)",
  },
];

/**
 * Files that still touch `process` outside `src/runtime/`, waiting for the move of
 * the index service (then delete the line: an entry that no longer applies fails).
 */
export const PENDING_RUNTIME_USES: readonly string[] = [];

/** Where the README's table goes. */
const TABLE_BEGIN = "<!-- layer-table:begin (written by scripts/check_layers.ts --readme) -->";
const TABLE_END = "<!-- layer-table:end -->";

interface Import {
  path: string;
  typeOnly: boolean;
}

/** The files the check reads: sources under src/ and plugins/ (not tests), mod.ts, types.ts. */
function sourceFiles(root: string): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder).sort().flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return walk(path);
      return name.endsWith(".ts") && !name.endsWith("_test.ts") ? [path] : [];
    });
  const roots = ["src", "plugins"].map((f) => join(root, f)).filter((f) => existsSync(f));
  return [...roots.flatMap(walk), ...["mod.ts", "types.ts"].map((f) => join(root, f)).filter((f) => existsSync(f))];
}

/** Relative imports and re-exports of a file (static and literal dynamic ones). */
function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  const statics = /(?:^|\n)\s*(?:import|export)(\s+type)?(?:[^;"]*?\sfrom\s+|\s+)"(\.[^"]+)"/g;
  for (const m of text.matchAll(statics)) found.push({ path: resolve(dirname(file), m[2]), typeOnly: !!m[1] });
  for (const m of text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g)) {
    found.push({ path: resolve(dirname(file), m[1]), typeOnly: false });
  }
  return found;
}

/** The code of a file with comments removed and string contents blanked (imports are read before). */
export function codeOnly(text: string): string {
  let out = "";
  let i = 0;
  const braces: number[] = []; // for each open `${`, the brace depth it started at
  let depth = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
      out += `${c}${c}`;
      i++;
    } else if (c === "`" || (c === "}" && braces.length > 0 && braces[braces.length - 1] === depth)) {
      // A template literal, or its tail after a `${…}`: skip text up to the end or the next `${`.
      if (c === "}") braces.pop();
      else out += "``";
      i++;
      while (i < text.length && text[i] !== "`" && !(text[i] === "$" && text[i + 1] === "{")) {
        i += text[i] === "\\" ? 2 : 1;
      }
      if (text[i] === "$") {
        braces.push(depth);
        i += 2;
      } else i++;
    } else {
      if (c === "{") depth++;
      if (c === "}") depth--;
      out += c;
      i++;
    }
  }
  return out;
}

const RUNTIME_GLOBAL = /(?<![\w$.])(?:process|Deno|Bun)\s*\??\.|\bglobalThis\s*\.\s*(?:process|Deno|Bun)\b/;
const NODE_PROCESS = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)"(?:node:)?process"/;
const EXIT_CALL = /(?<![\w$.])exit\s*\(|\b(?:process|Deno)\s*\.\s*exit\b/;

/** Checks the tree at `root` and returns its problems, one line each (none: all is well). */
export function checkLayers(root: string): string[] {
  const rel = (file: string) => relative(root, file);
  const partOf = (file: string): Part | undefined =>
    PARTS.find((p) => p.path.endsWith("/") ? rel(file).startsWith(p.path) : rel(file) === p.path);
  const problems: string[] = [];
  const files = sourceFiles(root);
  const texts = new Map(files.map((file) => [file, readFileSync(file, "utf8")]));
  const graph = new Map(files.map((file) => [file, importsOf(file, texts.get(file)!)]));

  for (const [file, imports] of graph) {
    const from = partOf(file);
    if (!from) {
      problems.push(`${rel(file)}: in no known part (${PARTS.map((p) => p.path).join(", ")})`);
      continue;
    }
    for (const { path: target, typeOnly } of imports) {
      if (from.typesOnly && !typeOnly) problems.push(`${rel(file)} (${from.name}) may hold types only: ${rel(target)}`);
      if (EXCEPTIONS.some((e) => e.from === rel(file) && e.to === rel(target))) continue;
      const to = partOf(target);
      if (!to) {
        problems.push(`${rel(file)} (${from.name}) imports ${rel(target)}, which is in no known part`);
      } else if (to !== from && !from.mayImport.includes(to.name)) {
        problems.push(
          `${rel(file)} (${from.name}) imports ${rel(target)} (${to.name}): ${from.name} may import ${
            from.mayImport.join(", ") || "nothing"
          }`,
        );
      }
    }
  }

  problems.push(...cycles(graph, rel));

  const entries = PROCESSES.map((p) => p.entry);
  for (const [file, text] of texts) {
    const path = rel(file);
    if (path.startsWith("src/runtime/")) continue;
    const code = codeOnly(text);
    const touches = RUNTIME_GLOBAL.test(code) || NODE_PROCESS.test(text);
    if (touches && !PENDING_RUNTIME_USES.includes(path)) {
      problems.push(`${path} touches process, Deno or Bun: only src/runtime/ may (add a function there)`);
    }
    if (!touches && PENDING_RUNTIME_USES.includes(path)) {
      problems.push(`${path} no longer touches process: remove it from PENDING_RUNTIME_USES`);
    }
    if (EXIT_CALL.test(code) && !entries.includes(path)) {
      problems.push(`${path} calls exit: only a process's entry may (${entries.join(", ")})`);
    }
  }

  const readme = join(root, "README.md");
  if (existsSync(readme) && !readmeIsCurrent(readFileSync(readme, "utf8"), root)) {
    problems.push("README.md: its layer table is out of date: run deno run -A scripts/check_layers.ts --readme");
  }
  return problems;
}

/** Import circles among run-time imports (`import type` is erased, so it cannot make one). */
function cycles(graph: Map<string, Import[]>, rel: (file: string) => string): string[] {
  const found: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      found.push(`import cycle: ${[...path.slice(path.indexOf(file)), file].map(rel).join(" → ")}`);
      return;
    }
    state.set(file, "visiting");
    for (const { path: target, typeOnly } of graph.get(file) ?? []) {
      if (!typeOnly && graph.has(target)) visit(target, [...path, file]);
    }
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

/** The allowed imports and the processes, as markdown tables (laid out as `deno fmt` lays them out). */
export function layerTable(root: string): string {
  const present = (p: Part) => existsSync(join(root, p.path));
  const parts = PARTS.map((p) => [
    p.name,
    `\`${p.path}\`${present(p) ? "" : " (to come)"}`,
    `${p.mayImport.join(", ") || "—"}${p.typesOnly ? " (types only)" : ""}`,
    p.what,
  ]);
  return [
    markdownTable(["part", "where", "may import", "what"], parts),
    markdownTable(
      ["only this file", "may import", "why"],
      EXCEPTIONS.map((e) => [`\`${e.from}\``, `\`${e.to}\``, e.why]),
    ),
    markdownTable(
      ["process", "entry (the only files that call exit)", "runs"],
      PROCESSES.map((p) => [p.name, `\`${p.entry}\``, p.runs]),
    ),
  ].join("\n\n");
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A table's cells without the layout, to compare what it says rather than how it is spaced. */
function cellsOf(text: string): string {
  return text.split("\n").map((row) => row.split("|").map((cell) => cell.trim().replace(/^-+$/, "-")).join("|"))
    .join("\n");
}

function readmeSection(root: string): string {
  return `${TABLE_BEGIN}\n\n${layerTable(root)}\n\n${TABLE_END}`;
}

/** True when README.md holds the current table. */
function readmeIsCurrent(text: string, root: string): boolean {
  const begin = text.indexOf(TABLE_BEGIN);
  const end = text.indexOf(TABLE_END);
  return begin >= 0 && end > begin &&
    cellsOf(text.slice(begin, end + TABLE_END.length)) === cellsOf(readmeSection(root));
}

/** Writes the table into README.md between its markers. */
function writeReadme(root: string): void {
  const file = join(root, "README.md");
  const text = readFileSync(file, "utf8");
  const begin = text.indexOf(TABLE_BEGIN);
  const end = text.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`README.md: no ${TABLE_BEGIN} … ${TABLE_END} markers`);
  writeFileSync(file, text.slice(0, begin) + readmeSection(root) + text.slice(end + TABLE_END.length));
}

if (import.meta.main) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const args = process.argv.slice(2);
  if (args.includes("--table")) {
    console.log(layerTable(root));
  } else {
    if (args.includes("--readme")) writeReadme(root);
    const problems = checkLayers(root);
    if (problems.length > 0) {
      console.error(problems.join("\n"));
      console.error(`layer check: ${problems.length} problem(s)`);
      process.exitCode = 1;
    } else {
      console.log(`layer check: ${sourceFiles(root).length} files, imports point down only, no cycles`);
    }
  }
}
