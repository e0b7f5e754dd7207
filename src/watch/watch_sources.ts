/**
 * What `cru watch` follows: per agent tool, the folders its transcripts are
 * written under and which files in them are transcripts. Folders come from the
 * command line, else config.yaml's `watch:`, else the tools' own defaults
 * (Claude Code and Codex only: aider and SpecStory write into projects, so
 * their folders must be given).
 *
 * @module
 */
import { isAbsolute, join, resolve, sep } from "node:path";
import type { ImportFormat } from "../import/import_service.ts";
import { CruError } from "../model/errors.ts";

/** The agent tools `cru watch` knows. */
export const WATCH_SOURCE_NAMES = ["claude-code", "codex", "aider", "specstory"] as const;
/** One of {@linkcode WATCH_SOURCE_NAMES}. */
export type WatchSourceName = typeof WATCH_SOURCE_NAMES[number];

/** One tool's transcripts. */
export interface WatchSource {
  name: WatchSourceName;
  /** The import format its files are read as. */
  format: ImportFormat;
  /** Absolute folders, watched recursively. */
  roots: string[];
}

/** Where the folders of each source come from. */
export interface WatchSourceSettings {
  /** Folders given on the command line, per source (replace config and defaults for that source). */
  flags: Partial<Record<WatchSourceName, string[]>>;
  /** config.yaml's `watch:` (false: the source is not watched). */
  config: Record<string, string[] | false>;
  /** Where that config came from, for messages. */
  configFile: string;
  /** The user's home folder (for defaults and `~`). */
  home: string;
  /** The current folder (relative folders are taken from it). */
  cwd: string;
  /** `CLAUDE_CONFIG_DIR` and `CODEX_HOME`, which move those tools' folders. */
  env: { claudeConfigDir?: string; codexHome?: string };
}

/**
 * The sources to watch, each with its folders (sources without folders left out).
 *
 * @example
 * ```ts
 * import { watchSources } from "./watch_sources.ts";
 * const sources = watchSources({ flags: {}, config: {}, configFile: "config.yaml", home: "/home/me", cwd: "/", env: {} });
 * console.assert(sources[0].roots[0] === "/home/me/.claude/projects");
 * ```
 */
export function watchSources(settings: WatchSourceSettings): WatchSource[] {
  for (const key of Object.keys(settings.config)) {
    if (!(WATCH_SOURCE_NAMES as readonly string[]).includes(key)) {
      throw new CruError(
        "config_invalid",
        `${settings.configFile}: watch.${key} is not a source cru watches (${WATCH_SOURCE_NAMES.join(", ")})`,
      );
    }
  }
  const defaults: Record<WatchSourceName, string[]> = {
    "claude-code": [join(settings.env.claudeConfigDir ?? join(settings.home, ".claude"), "projects")],
    codex: [join(settings.env.codexHome ?? join(settings.home, ".codex"), "sessions")],
    aider: [],
    specstory: [],
  };
  const absolute = (folder: string) => {
    const expanded = folder === "~"
      ? settings.home
      : folder.startsWith("~/")
      ? join(settings.home, folder.slice(2))
      : folder;
    return isAbsolute(expanded) ? resolve(expanded) : resolve(settings.cwd, expanded);
  };
  const sources: WatchSource[] = [];
  for (const name of WATCH_SOURCE_NAMES) {
    const configured = settings.config[name];
    const folders = settings.flags[name] ?? (configured === false ? [] : configured ?? defaults[name]);
    const roots = [...new Set(folders.map(absolute))];
    if (roots.length > 0) sources.push({ name, format: name, roots });
  }
  return sources;
}

/** Folders never looked into: they hold no transcripts and can be huge. */
const SKIPPED = new Set([".git", "node_modules"]);

/**
 * True when `path` (absolute, under one of the source's roots) is a transcript
 * of the source: `*.jsonl` for Claude Code and Codex, `.aider.chat.history.md`
 * for aider, `.specstory/history/*.md` for SpecStory.
 *
 * @example
 * ```ts
 * import { isTranscript } from "./watch_sources.ts";
 * console.assert(isTranscript("specstory", "/p/.specstory/history/2025-01-01_chat.md"));
 * console.assert(!isTranscript("aider", "/p/README.md"));
 * ```
 */
export function isTranscript(source: WatchSourceName, path: string): boolean {
  const parts = path.split(sep);
  if (parts.some((part) => SKIPPED.has(part))) return false;
  const name = parts[parts.length - 1];
  switch (source) {
    case "claude-code":
    case "codex":
      return name.endsWith(".jsonl");
    case "aider":
      return name === ".aider.chat.history.md";
    case "specstory":
      return name.endsWith(".md") && parts[parts.length - 2] === "history" && parts[parts.length - 3] === ".specstory";
  }
}

/** True when a folder may hold transcripts of the source somewhere below it. */
export function mayHoldTranscripts(path: string): boolean {
  return !path.split(sep).some((part) => SKIPPED.has(part));
}
