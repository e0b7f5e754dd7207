/**
 * Loads plugins — first-party ones handed in, user files from
 * `.crucible/plugins/*.ts|*.js` — applies their settings, and runs their
 * setup with a context. A plugin that fails to load or set up is reported by
 * file and name; the others and the command go on.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { HookName } from "../hooks/hook_map.ts";
import { asPlugin, type HookRunner } from "../hooks/hook_runner.ts";
import type { NewEvent } from "../model/event.ts";
import { runCommand } from "../runtime/process.ts";
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
  enabled: boolean;
  hooks: HookName[];
  /** Why it did not load or set up, if it did not. */
  error: string | null;
}

/** Options of {@linkcode loadPlugins}. */
export interface LoadPluginsOptions {
  builtins: readonly PluginDefinition[];
  /** The folder of user plugins (`.crucible/plugins`); skipped when missing. */
  userDir?: string;
  settings: Record<string, { enabled: boolean; options: Record<string, unknown> }>;
  hooks: HookRunner;
  services: PluginServices;
  /** Bound on each setup, ms. */
  timeoutMs: number;
}

/** Loads and sets up every enabled plugin; returns what happened to each. */
export async function loadPlugins(options: LoadPluginsOptions): Promise<PluginInfo[]> {
  const found: { definition?: PluginDefinition; source: string; error?: string }[] = options.builtins.map((
    definition,
  ) => ({
    definition,
    source: "builtin",
  }));
  for (const file of userPluginFiles(options.userDir)) {
    try {
      const module = await import(pathToFileURL(file).href);
      assertPluginDefinition(module.default, file);
      found.push({ definition: module.default, source: file });
    } catch (error) {
      const message = `plugin file ${file} failed to load: ${firstLine(error)}`;
      options.services.report(message);
      found.push({ source: file, error: firstLine(error) });
    }
  }
  const infos: PluginInfo[] = [];
  const seen = new Set<string>();
  for (const { definition, source, error } of found) {
    if (!definition) {
      infos.push({
        name: source.split("/").at(-1) ?? source,
        version: null,
        description: null,
        source,
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
  const ctx = pluginContext(definition.name, options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await Promise.race([
      asPlugin(definition.name, () => Promise.resolve().then(() => definition.setup(ctx))).then(() => "done" as const),
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

function pluginContext(name: string, options: LoadPluginsOptions): PluginContext {
  const { services, hooks } = options;
  return {
    name,
    options: Object.freeze({ ...(options.settings[name]?.options ?? {}) }),
    cwd: services.cwd,
    hook: (hook, handler) => hooks.register(name, hook, handler),
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

function userPluginFiles(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) =>
      /\.(ts|js|mjs)$/.test(name) && !name.startsWith(".") && !name.startsWith("_") && !/_test\.(ts|js)$/.test(name)
    )
    .sort()
    .map((name) => join(dir, name));
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}
