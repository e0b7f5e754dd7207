/**
 * `.crucible/config.yaml`: optional settings.
 *
 * ```yaml
 * plugins:
 *   redact-secrets:
 *     enabled: false        # turn a plugin off
 *   my-plugin:
 *     options: { channel: "#ci" }
 * hooks:
 *   timeout_ms: 5000        # bound on each hook handler
 * index:
 *   url: ws://db.example:8000   # a SurrealDB server instead of the embedded index
 *   namespace: cru
 *   database: sessions
 * watch:                        # cru watch: transcript folders per tool (false: not watched)
 *   claude-code: [~/.claude/projects]
 *   codex: [~/.codex/sessions]
 *   aider: [~/code/app]
 *   specstory: [~/code/app]
 * ```
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CruError } from "../model/errors.ts";
import { env, userConfigDir } from "../runtime/process.ts";
import { TrustRecords } from "./trust_records.ts";

/** Plugins a repository's own config.yaml may not turn off unless the user trusted that config. */
const PROTECTED_PLUGINS = ["redact-secrets"];

/** One plugin's settings. */
export interface PluginSettings {
  enabled: boolean;
  options: Record<string, unknown>;
}

/** The settings cru reads from `config.yaml`. */
export interface StoreConfig {
  plugins: Record<string, PluginSettings>;
  hookTimeoutMs?: number;
  index: { url?: string; namespace?: string; database?: string; username?: string };
  /** `cru watch`'s folders per source (`claude-code`, `codex`, `aider`, `specstory`); false: not watched. */
  watch: Record<string, string[] | false>;
  /**
   * Settings the file asked for but did not get because the user has not
   * trusted it (turning redaction off, choosing an index server), each said
   * once by whoever prints warnings.
   */
  refused: string[];
}

/** Options of {@linkcode readStoreConfig}. */
export interface ReadStoreConfigOptions {
  /**
   * Whether the file may turn redaction off and choose an index server: by
   * default when `CRU_TRUST_PLUGINS=1` or the user trusted its current content
   * (`cru plugin trust .crucible/config.yaml`).
   */
  trusted?: boolean;
  /** The user's config folder holding the trust records (default `$XDG_CONFIG_HOME/cru`). */
  configDir?: string;
}

/** A config.yaml that cannot be read as settings. */
export class ConfigError extends CruError {
  constructor(path: string, problem: string) {
    super("config_invalid", `${path}: ${problem}`);
  }
}

/**
 * Reads the store's config.yaml (empty settings when there is none). A
 * repository's config is data from whoever committed it: unless the user
 * trusted it, it cannot turn redaction off nor point the index at a server.
 */
export function readStoreConfig(root: string, options: ReadStoreConfigOptions = {}): StoreConfig {
  const path = join(root, "config.yaml");
  const config: StoreConfig = { plugins: {}, index: {}, watch: {}, refused: [] };
  if (!existsSync(path)) return config;
  let data: unknown;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ConfigError(path, `cannot be read (${(error as Error).message.split("\n")[0]})`);
  }
  try {
    data = parse(new TextDecoder().decode(bytes)) ?? {};
  } catch (error) {
    throw new ConfigError(path, `not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(path, "expected a mapping of settings");
  }
  const { plugins, hooks, index, watch } = data as Record<string, unknown>;
  for (const [name, value] of Object.entries(mapping(path, "plugins", plugins))) {
    const settings = value === false ? { enabled: false } : mapping(path, `plugins.${name}`, value ?? {});
    const options = mapping(path, `plugins.${name}.options`, settings.options ?? {});
    config.plugins[name] = { enabled: settings.enabled !== false, options };
  }
  const timeout = mapping(path, "hooks", hooks).timeout_ms;
  if (timeout !== undefined) {
    if (typeof timeout !== "number" || !(timeout > 0)) {
      throw new ConfigError(path, `hooks.timeout_ms must be a positive number, not ${JSON.stringify(timeout)}`);
    }
    config.hookTimeoutMs = timeout;
  }
  const text = (key: string, value: unknown) => {
    if (value !== undefined && typeof value !== "string") throw new ConfigError(path, `index.${key} must be text`);
    return value as string | undefined;
  };
  const indexSettings = mapping(path, "index", index);
  config.index = {
    url: text("url", indexSettings.url),
    namespace: text("namespace", indexSettings.namespace),
    database: text("database", indexSettings.database),
    username: text("username", indexSettings.username),
  };
  for (const [source, value] of Object.entries(mapping(path, "watch", watch))) {
    const folders = typeof value === "string" ? [value] : value;
    if (folders === false || folders === null) config.watch[source] = false;
    else if (Array.isArray(folders) && folders.every((f) => typeof f === "string" && f !== "")) {
      config.watch[source] = folders as string[];
    } else throw new ConfigError(path, `watch.${source} must be a folder, a list of folders, or false`);
  }
  const turnedOff = PROTECTED_PLUGINS.filter((name) => config.plugins[name]?.enabled === false);
  // Folders to watch would let a repository's config copy files from anywhere into its store.
  const watched = Object.keys(config.watch).filter((source) => config.watch[source] !== false);
  if (
    (turnedOff.length > 0 || config.index.url !== undefined || watched.length > 0) && !isTrusted(path, bytes, options)
  ) {
    const how = `trust it to apply: cru plugin trust ${JSON.stringify(path)}`;
    for (const name of turnedOff) {
      config.plugins[name].enabled = true;
      config.refused.push(`${path} turns ${name} off, which it may not until you trust it (kept on; ${how})`);
    }
    if (config.index.url !== undefined) {
      config.refused.push(
        `${path} names an index server (${config.index.url}), which it may not until you trust it (using the embedded index; ${how})`,
      );
      config.index = {};
    }
    for (const source of watched) {
      config.refused.push(
        `${path} names folders for cru watch to import (watch.${source}), which it may not until you trust it ` +
          `(not watched; give them with --${source}, or ${how})`,
      );
      delete config.watch[source];
    }
  }
  return config;
}

function isTrusted(path: string, bytes: Uint8Array, options: ReadStoreConfigOptions): boolean {
  if (options.trusted !== undefined) return options.trusted;
  if (env("CRU_TRUST_PLUGINS") === "1") return true;
  try {
    return TrustRecords.read(options.configDir ?? userConfigDir()).stateOf(path, bytes) === "trusted";
  } catch {
    return false; // unreadable records trust nothing
  }
}

function mapping(path: string, key: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(path, `${key} must be a mapping`);
  return value as Record<string, unknown>;
}
