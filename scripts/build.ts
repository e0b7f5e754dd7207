/**
 * Compiles cru into one executable, `dist/cru`, with the SurrealDB engine's
 * native addon embedded.
 *
 * `bun build --compile` alone leaves the addon out: the napi-rs loader in
 * `@surrealdb/node/dist/surrealdb-node.mjs` finds the `.node` file through
 * `createRequire` at run time. This script's plugin replaces that loader with
 * one static `require("./surrealdb-node.<platform>.node")`, which Bun embeds;
 * at run time Bun writes the addon to the temp folder once and loads it, so the
 * binary runs from any directory with nothing beside it. If the loader's
 * markers are not found (a new `@surrealdb/node` version), the build fails
 * instead of producing a binary that cannot open the index.
 *
 * Run with Bun:
 * ```sh
 * bun scripts/build.ts [--entry src/cli/main.ts] [--outfile dist/cru]
 * ```
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";

/** Where the napi-rs loader starts in `surrealdb-node.mjs`. */
const LOADER_START = "//#region napi/index.js";
/** The line that ends the loader: it takes the engine classes from the binding. */
const LOADER_END = /^.*\b(?:NotificationReceiver|SurrealNodeEngine)\b.*=\s*nativeBinding\s*;?\s*$/m;
/** The module whose loader is replaced. */
const ENGINE_MODULE = /[\\/]@surrealdb[\\/]node[\\/]dist[\\/]surrealdb-node\.mjs$/;

/** Options of {@linkcode build}. */
export interface BuildOptions {
  /** The program to compile. */
  entry: string;
  /** Where to write the executable. */
  outfile: string;
}

/** What {@linkcode build} produced. */
export interface BuildResult {
  outfile: string;
  bytes: number;
  seconds: number;
  /** The addon that was embedded, e.g. `surrealdb-node.linux-x64-gnu.node`. */
  addon: string;
}

/** The few parts of Bun's build API this script uses (so `deno check` can read it too). */
interface BunBuildApi {
  build(config: {
    entrypoints: string[];
    compile: { outfile: string };
    target: "bun";
    format: "esm";
    bytecode: boolean;
    splitting: boolean;
    plugins: Array<{
      name: string;
      setup(build: {
        onLoad(
          options: { filter: RegExp },
          callback: (args: { path: string }) => { contents: string; loader: "js" },
        ): void;
      }): void;
    }>;
  }): Promise<{ success: boolean; logs: unknown[] }>;
}

/**
 * The napi-rs platform suffix of this machine's addon: `linux-x64-gnu`,
 * `linux-arm64-musl`, `darwin-arm64`, `win32-x64-msvc` …
 */
export function platformSuffix(): string {
  const { platform, arch } = process;
  if (platform === "linux") return `linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
  if (platform === "win32") return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function isMusl(): boolean {
  const report = (process.report?.getReport?.() ?? null) as { header?: { glibcVersionRuntime?: string } } | null;
  if (report?.header?.glibcVersionRuntime) return false;
  try {
    return readFileSync("/usr/bin/ldd", "utf8").includes("musl");
  } catch {
    return false;
  }
}

/**
 * Replaces the napi-rs loader region of `surrealdb-node.mjs` with a static
 * `require` of `addon`. Throws when a marker is missing.
 *
 * @example
 * ```ts
 * import { replaceNativeLoader } from "./build.ts";
 * const source = 'import x from "y";\n//#region napi/index.js\nlet nativeBinding = find();\n' +
 *   "const { NotificationReceiver, SurrealNodeEngine } = nativeBinding;\n//#endregion\n";
 * const out = replaceNativeLoader(source, "./surrealdb-node.linux-x64-gnu.node");
 * console.assert(out.includes('require("./surrealdb-node.linux-x64-gnu.node")'));
 * console.assert(!out.includes("find()"));
 * ```
 */
export function replaceNativeLoader(source: string, addon: string): string {
  const start = source.indexOf(LOADER_START);
  if (start < 0) throw new Error(`surrealdb-node.mjs: marker ${JSON.stringify(LOADER_START)} not found`);
  LOADER_END.lastIndex = 0;
  const end = LOADER_END.exec(source.slice(start));
  if (!end) {
    throw new Error(
      "surrealdb-node.mjs: the line taking NotificationReceiver/SurrealNodeEngine from nativeBinding was not found",
    );
  }
  const stop = start + end.index + end[0].length;
  const replacement = [
    `${LOADER_START} (replaced by scripts/build.ts: the addon is embedded)`,
    `const nativeBinding = require(${JSON.stringify(addon)});`,
    end[0].trim(),
  ].join("\n");
  return source.slice(0, start) + replacement + source.slice(stop);
}

/** Compiles `options.entry` into `options.outfile` with the engine's addon embedded. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const bun = (globalThis as { Bun?: BunBuildApi }).Bun;
  if (!bun) throw new Error("scripts/build.ts must run under Bun: bun scripts/build.ts");
  const addon = `surrealdb-node.${platformSuffix()}.node`;
  let replaced = false;
  const started = performance.now();
  const result = await bun.build({
    entrypoints: [options.entry],
    compile: { outfile: options.outfile },
    target: "bun",
    // Bytecode spares every run parsing the whole program: `cru --version` takes ~10 ms of CPU instead of ~60.
    // It needs ES modules without top-level await, which src/ keeps to.
    format: "esm",
    bytecode: true,
    // Each command's code in its own chunk, loaded when the command runs: `--version` reads almost nothing.
    splitting: true,
    plugins: [{
      name: "embed-surrealdb-node-addon",
      setup(builder) {
        builder.onLoad({ filter: ENGINE_MODULE }, (args) => {
          if (!existsSync(resolve(dirname(args.path), addon))) {
            throw new Error(`${addon} is not beside ${args.path}: is @surrealdb/node installed for this platform?`);
          }
          replaced = true;
          return { contents: replaceNativeLoader(readFileSync(args.path, "utf8"), `./${addon}`), loader: "js" };
        });
      },
    }],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error(`build of ${options.entry} failed`);
  }
  if (!replaced) throw new Error(`${options.entry} does not import @surrealdb/node: nothing was embedded`);
  return {
    outfile: options.outfile,
    bytes: statSync(options.outfile).size,
    seconds: (performance.now() - started) / 1000,
    addon,
  };
}

function parseArgs(argv: string[]): BuildOptions {
  const options: BuildOptions = { entry: "src/cli/main.ts", outfile: "dist/cru" };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline ?? argv[++i];
    if ((flag !== "--entry" && flag !== "--outfile") || value === undefined) {
      throw new Error(
        `unknown or incomplete argument ${JSON.stringify(argv[i])}: expected --entry FILE or --outfile FILE`,
      );
    }
    options[flag === "--entry" ? "entry" : "outfile"] = value;
  }
  return options;
}

if (import.meta.main) {
  try {
    const result = await build(parseArgs(process.argv.slice(2)));
    const mb = (result.bytes / 1024 / 1024).toFixed(1);
    console.log(`built ${result.outfile}: ${mb} MiB in ${result.seconds.toFixed(1)} s (embedded ${result.addon})`);
  } catch (error) {
    console.error(`build failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
