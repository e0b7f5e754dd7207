/**
 * What a plugin is: a module whose default export is `{ name, version?, setup(ctx) }`.
 * Everything a plugin uses arrives through `ctx`, so a plugin file needs no imports.
 *
 * @module
 */
import type { NewEvent } from "../model/event.ts";
import type { SearchHit } from "../model/search_result.ts";
import type { HookMap, HookName } from "../hooks/hook_map.ts";

/** A session a plugin opened to log its own activity. */
export interface PluginSession {
  readonly id: string;
  /** Appends an event; it carries the plugin's name and does not trigger the plugin's own hooks. */
  append(event: NewEvent): Promise<{ file: string; at: string }>;
  end(): Promise<void>;
}

/** A search hit as plugins see it. */
export type PluginSearchHit = SearchHit;

/** What `setup` receives. */
export interface PluginContext {
  /** The plugin's name. */
  readonly name: string;
  /** Options from `config.yaml` (`plugins.<name>.options`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The folder cru runs in. */
  readonly cwd: string;
  /** Registers a handler; returns a function that unregisters it. */
  hook<K extends HookName>(name: K, handler: HookMap[K]): () => void;
  /** The plugin's own sessions (type `plugin`). */
  readonly sessions: {
    /** The plugin's unended session with this title (from any earlier run), or a new one. */
    open(options?: { type?: "plugin"; title?: string; tags?: string[] }): Promise<PluginSession>;
  };
  /** Full-text search over all sessions. */
  search(query: string, filters?: { type?: string; limit?: number }): Promise<PluginSearchHit[]>;
  /** Writes a line on stderr, prefixed with the plugin's name. */
  log(...parts: unknown[]): void;
  /** Runs a command (bounded by `timeoutMs`, default 5 s). */
  exec(
    command: string,
    args: string[],
    options?: { cwd?: string; timeoutMs?: number },
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** A plugin: a name, an optional version, and a setup that registers hooks. */
export interface PluginDefinition {
  name: string;
  version?: string;
  /** A short description for `cru plugin list`. */
  description?: string;
  /**
   * When one of its waterfall handlers (`event:before-append`,
   * `session:before-start`) throws or times out, refuse the event or session
   * instead of going on without it — for plugins whose job is to keep
   * something out of the store, such as redaction.
   */
  failClosed?: boolean;
  setup(ctx: PluginContext): void | Promise<void>;
}

/**
 * Returns its argument: it only gives a plugin file its types.
 *
 * @example
 * ```ts
 * import { definePlugin } from "./plugin_definition.ts";
 * export default definePlugin({
 *   name: "shout",
 *   setup(ctx) {
 *     ctx.hook("event:before-append", (event) => ({ ...event, content: event.content.toUpperCase() }));
 *   },
 * });
 * ```
 */
export function definePlugin(plugin: PluginDefinition): PluginDefinition {
  return plugin;
}

/** Throws a TypeError unless `value` looks like a plugin definition. */
export function assertPluginDefinition(value: unknown, where: string): asserts value is PluginDefinition {
  const plugin = value as Partial<PluginDefinition> | undefined;
  if (!plugin || typeof plugin !== "object") throw new TypeError(`${where}: the default export is not a plugin object`);
  if (typeof plugin.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(plugin.name)) {
    throw new TypeError(
      `${where}: plugin name ${JSON.stringify(plugin.name)} must be a word of letters, digits, '.', '_', '-'`,
    );
  }
  if (typeof plugin.setup !== "function") {
    throw new TypeError(`${where}: plugin ${plugin.name} has no setup(ctx) function`);
  }
}
