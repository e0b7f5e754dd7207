/**
 * The facade's plugins: loaded once, on first use, then run around every
 * write. Failures become one-line warnings naming plugin and hook.
 *
 * @module
 */
import { join } from "node:path";
import { causingPlugins, type HookFailure, HookRunner } from "../hooks/hook_runner.ts";
import type { PluginDefinition } from "../plugin/plugin_definition.ts";
import { loadPlugins, type PluginInfo, type PluginServices } from "../plugin/plugin_host.ts";
import { readStoreConfig } from "../store/store_config.ts";
import { TrustRecords } from "../store/trust_records.ts";
import { type StallGuard, startStallGuard } from "../runtime/stall_guard.ts";

/** Options of {@linkcode PluginRuntime}. */
export interface PluginRuntimeOptions {
  root: string;
  /** First-party plugins (the binary and `open()` pass the bundled ones). */
  builtins: readonly PluginDefinition[];
  /** Load user plugins: `~/.config/cru/plugins/` and, once trusted, `.crucible/plugins/*.ts|*.js`. */
  userPlugins: boolean;
  /** The user's cru config folder (trust records, own plugins). */
  configDir: string;
  /** Trust every plugin of the store and its config.yaml (`--trust-plugins`, `CRU_TRUST_PLUGINS=1`). */
  trustPlugins: boolean;
  /** Bound on each hook handler, ms; config.yaml's `hooks.timeout_ms` when not given, else 5 000. */
  hookTimeoutMs?: number;
  /** Where warnings go. */
  warn: (message: string) => void;
  /** End the process when a user plugin blocks it past its bound (the CLI; never a library's host). */
  stallGuard?: boolean;
}

/** Plugins and their hooks for one store. */
export class PluginRuntime {
  readonly #options: PluginRuntimeOptions;
  #hooks: HookRunner | undefined;
  #loading: Promise<PluginInfo[]> | undefined;
  #settingUp = false;

  constructor(options: PluginRuntimeOptions) {
    this.#options = options;
  }

  /** The hook runner, once plugins are loaded (see {@linkcode ready}). */
  get hooks(): HookRunner {
    if (!this.#hooks) throw new Error("plugins are not loaded yet: await ready() first");
    return this.#hooks;
  }

  /**
   * True while plugins are being set up and the caller is one of them (a setup
   * that writes to its own session): it must not wait for the loading it is part of.
   */
  get calledFromSetup(): boolean {
    return this.#settingUp && causingPlugins().length > 0;
  }

  /** Loads and sets up the plugins the first time; later calls wait for that. */
  ready(services: () => PluginServices): Promise<PluginInfo[]> {
    this.#loading ??= (async () => {
      const { root, configDir, trustPlugins } = this.#options;
      const config = readStoreConfig(root, { configDir, ...(trustPlugins ? { trusted: true } : {}) });
      for (const refusal of config.refused) this.#options.warn(refusal);
      let records: TrustRecords | undefined;
      let guard: StallGuard | undefined;
      let userCode = false;
      const hooks = new HookRunner({
        // The watchdog thread starts only once code other than cru's own is loaded.
        stallGuard: this.#options.stallGuard ? () => (userCode ? (guard ??= startStallGuard()) : undefined) : undefined,
        timeoutMs: this.#options.hookTimeoutMs ?? config.hookTimeoutMs ?? 5_000,
        onFailure: (failure) => this.#options.warn(describeFailure(failure)),
      });
      this.#hooks = hooks;
      this.#settingUp = true;
      try {
        const infos = await loadPlugins({
          builtins: this.#options.builtins,
          userDir: this.#options.userPlugins ? join(root, "plugins") : undefined,
          ownDir: this.#options.userPlugins ? join(configDir, "plugins") : undefined,
          trust: () => (records ??= TrustRecords.read(configDir)),
          trustAll: trustPlugins,
          onUserCode: () => void (userCode = true),
          settings: config.plugins,
          hooks,
          services: services(),
          timeoutMs: this.#options.hookTimeoutMs ?? config.hookTimeoutMs ?? 5_000,
        });
        return infos;
      } finally {
        this.#settingUp = false;
      }
    })();
    return this.#loading;
  }
}

function describeFailure(failure: HookFailure): string {
  const what = failure.kind === "timeout" ? "timed out" : "failed";
  return `plugin ${failure.plugin} ${what} in ${failure.hook}: ${failure.message}`;
}
