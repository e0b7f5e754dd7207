/**
 * The one way to open a store: finds its folder and wires the markdown store,
 * the link to the index owner and the plugins (the built-in ones included)
 * into a {@linkcode Crucible}. The library (`open` in mod.ts), the CLI and every
 * other process that reads or writes sessions call this and nothing else.
 *
 * @module
 */
import { BUILTIN_PLUGINS } from "../../plugins/builtin.ts";
import type { PluginDefinition } from "../plugin/plugin_definition.ts";
import { cwd, env, home, userConfigDir } from "../runtime/process.ts";
import { SessionStore } from "../store/session_store.ts";
import { findStoreDir } from "../store/store_location.ts";
import { Crucible } from "./crucible.ts";
import { IndexLink } from "../index_service/index_link.ts";
import { LocalIndex } from "../index_service/local_index.ts";
import { indexConnection } from "../index_service/index_settings.ts";
import { PluginRuntime } from "./plugin_runtime.ts";

/** Options of {@linkcode openCrucible}. */
export interface OpenOptions {
  /** The `.crucible` folder; by default `CRU_DIR`, the nearest `.crucible/`, or `~/.crucible`. */
  dir?: string;
  /** Where the search for the nearest `.crucible/` starts (default: the current folder). */
  cwd?: string;
  /** How long to wait for a session's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** The clock (tests pass their own). */
  now?: () => Date;
  /** A SurrealDB server for the index (`ws://…`, `http://…`) instead of the embedded one. */
  db?: string;
  /** How long one index owner may take to start (default 20 s). */
  indexStartTimeoutMs?: number;
  /**
   * Where the index runs: `"owner"` (default), the store's index owner process
   * over SurrealDB; `"memory"`, the same service inside this process over
   * memory storage, rebuilt from the markdown on first use (fast tests).
   */
  index?: "owner" | "memory";
  /**
   * First-party plugins to run (default: the built-in ones, {@linkcode BUILTIN_PLUGINS},
   * so secrets are redacted unless the caller says otherwise; each can also be
   * turned off in `config.yaml`).
   */
  plugins?: readonly PluginDefinition[];
  /**
   * Load user plugins (default true): the user's own from `~/.config/cru/plugins/`,
   * and the store's `.crucible/plugins/` once trusted (`cru plugin trust`).
   */
  userPlugins?: boolean;
  /**
   * Trust the store's plugins and config.yaml without trust records (default:
   * `CRU_TRUST_PLUGINS=1`): for a CI job that owns its repository.
   */
  trustPlugins?: boolean;
  /** The user's cru config folder: trust records and own plugins (default `$XDG_CONFIG_HOME/cru` or `~/.config/cru`). */
  configDir?: string;
  /**
   * End the process when a user plugin's code blocks it (a synchronous loop)
   * past twice the hook bound plus a second (default false: the CLI turns it on;
   * a library must not end its host program).
   */
  stallGuard?: boolean;
  /** Bound on each hook handler, ms (default: config.yaml's `hooks.timeout_ms`, else 5 000). */
  hookTimeoutMs?: number;
  /** Where warnings go (plugin failures, vetoes); default: stderr. */
  onWarning?: (message: string) => void;
}

/**
 * Opens a store: `options.dir`, else `CRU_DIR`, else the nearest `.crucible/`
 * above the current folder, else `~/.crucible` (created on first write). The
 * built-in plugins run unless `options.plugins` says otherwise; user plugins
 * load unless `options.userPlugins` is false: the user's own from
 * `~/.config/cru/plugins/`, and a store's `.crucible/plugins/` only once the
 * user trusted them (`cru plugin trust`, or `trustPlugins` / `CRU_TRUST_PLUGINS=1`).
 *
 * @example
 * ```ts ignore
 * import { openCrucible } from "./open_crucible.ts";
 * const cru = openCrucible({ dir: "/tmp/example/.crucible" });
 * const { id } = await cru.newSession({ type: "chat", title: "Example" });
 * await cru.append(id, { role: "user", content: "Hello" });
 * ```
 */
export function openCrucible(options: OpenOptions = {}): Crucible {
  const here = options.cwd ?? cwd();
  const root = findStoreDir({ dir: options.dir, envDir: env("CRU_DIR"), cwd: here, home: home() });
  const warn = options.onWarning ?? ((message: string) => console.error(`cru: ${message}`));
  return new Crucible(root, {
    store: new SessionStore({ root, lockTimeoutMs: options.lockTimeoutMs, now: options.now, onWarning: warn }),
    index: options.index === "memory" ? new LocalIndex(root) : new IndexLink({
      root,
      connection: indexConnection(root, options.db),
      startTimeoutMs: options.indexStartTimeoutMs,
    }),
    plugins: new PluginRuntime({
      root,
      builtins: options.plugins ?? BUILTIN_PLUGINS,
      userPlugins: options.userPlugins ?? true,
      configDir: options.configDir ?? userConfigDir(),
      trustPlugins: options.trustPlugins ?? env("CRU_TRUST_PLUGINS") === "1",
      hookTimeoutMs: options.hookTimeoutMs,
      stallGuard: options.stallGuard,
      warn,
    }),
    cwd: here,
    warn,
  });
}
