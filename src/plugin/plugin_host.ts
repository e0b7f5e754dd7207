/**
 * Loads plugins — first-party ones handed in, the user's own from
 * `~/.config/cru/plugins/`, and a store's `.crucible/plugins/*.ts|*.js` once
 * the user has trusted them — applies their settings, and runs their setup
 * with a context. A store's plugin that is not trusted is never imported (a
 * clone must not run code on the first command anyone types in it). A plugin
 * that fails to load or set up is reported by file and name; the others and
 * the command go on.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { HookName } from "../hooks/hook_map.ts";
import { asPlugin, type HookRunner } from "../hooks/hook_runner.ts";
import type { NewEvent } from "../model/event.ts";
import { runCommand } from "../runtime/process.ts";

/** A file's trust state, as the user's trust records say (see store/trust_records.ts). */
export type TrustState = "trusted" | "untrusted" | "changed";
import {
  assertPluginDefinition,
  type PluginContext,
  type PluginDefinition,
  type PluginSearchHit,
  type PluginSession,
} from "./plugin_definition.ts";

/** What the core lends plugins. */
export interface PluginServices {
  openSession(plugin: string, options: { type?: "plugin"; title?: string; tags?: string[] }): Promise<PluginSession>;
  search(query: string, filters: { type?: string; limit?: number }): Promise<PluginSearchHit[]>;
  cwd: string;
  /** Where plugin log lines and load failures go. */
  report(message: string): void;
}

/** A plugin as `cru plugin list` shows it. */
export interface PluginInfo {
  name: string;
  version: string | null;
  description: string | null;
  /** `builtin`, or the file it was loaded from. */
  source: string;
  /**
   * `builtin`; `own` (from the user's config folder); for a store's plugin
   * `trusted`, `untrusted`, `changed` (since it was trusted) or `trusted-by-flag`
   * (`--trust-plugins` / `CRU_TRUST_PLUGINS=1`).
   */
  trust: "builtin" | "own" | TrustState | "trusted-by-flag";
  enabled: boolean;
  hooks: HookName[];
  /** Why it did not load or set up, if it did not. */
  error: string | null;
}

/** Options of {@linkcode loadPlugins}. */
export interface LoadPluginsOptions {
  builtins: readonly PluginDefinition[];
  /** The folder of a store's plugins (`.crucible/plugins`); skipped when missing. Loaded only when trusted. */
  userDir?: string;
  /** The user's own plugins (`~/.config/cru/plugins`): trusted by their owner. */
  ownDir?: string;
  /** The user's trust records (read on first need). */
  trust?: () => { stateOf(path: string, bytes: Uint8Array): TrustState };
  /** Trust every store plugin (`--trust-plugins`, `CRU_TRUST_PLUGINS=1`: a CI job that owns its repository). */
  trustAll?: boolean;
  /** Told just before the first user plugin file is imported (its code may run from then on). */
  onUserCode?: () => void;
  settings: Record<string, { enabled: boolean; options: Record<string, unknown> }>;
  hooks: HookRunner;
  services: PluginServices;
  /** Bound on each setup, ms. */
  timeoutMs: number;
}

/** Loads and sets up every enabled plugin; returns what happened to each. */
export async function loadPlugins(options: LoadPluginsOptions): Promise<PluginInfo[]> {
  const found: { definition?: PluginDefinition; source: string; trust: PluginInfo["trust"]; error?: string }[] = options
    .builtins.map((definition) => ({ definition, source: "builtin", trust: "builtin" }));
  const candidates = [
    ...userPluginFiles(options.ownDir).map((file) => ({ file, own: true })),
    ...userPluginFiles(options.userDir).map((file) => ({ file, own: false })),
  ];
  for (const { file, own } of candidates) {
    const trust = own ? "own" : trustOf(file, options);
    if (trust === "untrusted" || trust === "changed") {
      const why = trust === "changed" ? "changed since you trusted it" : "not trusted yet";
      options.services.report(
        `plugin file ${file} is ${why}, so it was not loaded; read it, then run: cru plugin trust ${
          JSON.stringify(file)
        }`,
      );
      found.push({ source: file, trust, error: `${why}: not loaded` });
      continue;
    }
    try {
      options.onUserCode?.();
      // Loading may take a while (a big module, a loaded machine): only a real stall ends the command.
      const module = await options.hooks.guarded(
        `plugin file ${file} (loading)`,
        () => import(pathToFileURL(file).href),
        Math.max(30_000, options.timeoutMs * 2 + 1_000),
      );
      assertPluginDefinition(module.default, file);
      found.push({ definition: module.default, source: file, trust });
    } catch (error) {
      const problem = loadProblem(error);
      options.services.report(`plugin file ${file} failed to load: ${problem}`);
      found.push({ source: file, trust, error: problem });
    }
  }
  const infos: PluginInfo[] = [];
  const seen = new Set<string>();
  for (const { definition, source, trust, error } of found) {
    if (!definition) {
      infos.push({
        name: source.split("/").at(-1) ?? source,
        version: null,
        description: null,
        source,
        trust,
        enabled: false,
        hooks: [],
        error: error ?? null,
      });
      continue;
    }
    const info: PluginInfo = {
      name: definition.name,
      version: definition.version ?? null,
      description: definition.description ?? null,
      source,
      trust,
      enabled: options.settings[definition.name]?.enabled ?? true,
      hooks: [],
      error: null,
    };
    infos.push(info);
    if (seen.has(definition.name)) {
      info.enabled = false;
      info.error = `another plugin named ${JSON.stringify(definition.name)} was loaded first`;
      options.services.report(`plugin ${definition.name} from ${source} not loaded: ${info.error}`);
      continue;
    }
    seen.add(definition.name);
    if (!info.enabled) continue;
    info.error = await setUp(definition, options);
    info.hooks = options.hooks.hooksOf(definition.name);
  }
  return infos;
}

/** Runs one plugin's setup, bounded; returns the failure, if any. */
async function setUp(definition: PluginDefinition, options: LoadPluginsOptions): Promise<string | null> {
  const ctx = pluginContext(definition, options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await Promise.race([
      options.hooks.guarded(
        `plugin ${definition.name} in setup`,
        () => asPlugin(definition.name, () => Promise.resolve().then(() => definition.setup(ctx))),
      ).then(() => "done" as const),
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), options.timeoutMs))),
    ]);
    if (outcome === "timeout") throw new Error(`setup did not finish within ${options.timeoutMs} ms`);
    return null;
  } catch (error) {
    options.services.report(`plugin ${definition.name} failed in setup: ${firstLine(error)}`);
    return firstLine(error);
  } finally {
    clearTimeout(timer);
  }
}

function pluginContext(definition: PluginDefinition, options: LoadPluginsOptions): PluginContext {
  const { services, hooks } = options;
  const name = definition.name;
  const failClosed = definition.failClosed === true;
  return {
    name,
    options: Object.freeze({ ...(options.settings[name]?.options ?? {}) }),
    cwd: services.cwd,
    hook: (hook, handler) => hooks.register(name, hook, handler, { failClosed }),
    sessions: {
      open: async (sessionOptions = {}) => {
        const session = await asPlugin(name, () => services.openSession(name, sessionOptions));
        return {
          id: session.id,
          append: (event: NewEvent) => asPlugin(name, () => session.append(event)),
          end: () => asPlugin(name, () => session.end()),
        };
      },
    },
    search: (query, filters = {}) => services.search(query, filters),
    log: (...parts) =>
      services.report(`[${name}] ${parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")}`),
    exec: (command, args, execOptions = {}) =>
      runCommand(command, args, { cwd: execOptions.cwd ?? services.cwd, timeoutMs: execOptions.timeoutMs }),
  };
}

/** The plugin files in `dir` (`*.ts`, `*.js`, `*.mjs`; not tests, not hidden, not `_private`), sorted. */
export function userPluginFiles(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) =>
      /\.(ts|js|mjs)$/.test(name) && !name.startsWith(".") && !name.startsWith("_") && !/_test\.(ts|js)$/.test(name)
    )
    .sort()
    .map((name) => join(dir, name));
}

/** A store plugin's trust: by flag, or by the user's records for its current bytes. */
function trustOf(file: string, options: LoadPluginsOptions): PluginInfo["trust"] {
  if (options.trustAll) return "trusted-by-flag";
  if (!options.trust) return "untrusted";
  try {
    return options.trust().stateOf(file, readFileSync(file));
  } catch (error) {
    options.services.report(`plugin file ${file} not loaded: ${firstLine(error)}`);
    return "untrusted";
  }
}

/**
 * Why a plugin did not load, in one line: for a file that does not compile,
 * the compiler's first error and where (`file:line:column`), not "3 errors building".
 */
export function loadProblem(error: unknown): string {
  const inner = (error as { errors?: unknown[] })?.errors;
  const first = Array.isArray(inner) && inner.length > 0 ? inner[0] : error;
  const position = (first as { position?: { file?: string; line?: number; column?: number } })?.position;
  const message = String((first as Error)?.message ?? first);
  const at = /\bat file:\/\/(\S+?:\d+:\d+)/.exec(message)?.[1]; // Deno names the place on the error's last line
  const where = position?.file
    ? `${position.file}:${position.line ?? "?"}:${position.column ?? "?"}: `
    : at
    ? `${decodeURIComponent(at)}: `
    : "";
  return `${where}${firstLine(first)}`;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}
