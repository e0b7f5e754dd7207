/**
 * Options every command takes, and how a command opens the store from them.
 *
 * @module
 */
import { type Command, Option } from "commander";
import type { Crucible, SessionFilters } from "../core/crucible.ts";
import { openCrucible } from "../core/open_crucible.ts";
import { InvalidInputError } from "../model/errors.ts";
import { SESSION_TYPES } from "../model/session_type.ts";
import { writeStderr } from "../runtime/process.ts";
import { parseDateFilter, parseUntil } from "../model/time_filter.ts";
import { resolve } from "node:path";

/** The options every command has. */
export interface CommonOptions {
  dir?: string;
  db?: string;
  json?: boolean;
  trustPlugins?: boolean;
}

/** How an `<id>` argument is described in help. */
export const SESSION_REF_HELP = "session id, a unique prefix of one, @last or @last~N";

/** Adds `--dir` and `--json` to a command. */
export function withCommonOptions(command: Command): Command {
  return command
    .option("--dir <path>", "the .crucible folder (default: $CRU_DIR, the nearest .crucible/, or ~/.crucible)")
    .option("--db <url>", "a SurrealDB server for the index (ws://…, http://…); default: $CRU_DB_URL or embedded")
    .option("--json", "print one JSON document on stdout")
    .option(
      "--trust-plugins",
      "run the store's plugins and apply its config.yaml without asking (CI that owns its repository; " +
        "same as CRU_TRUST_PLUGINS=1)",
    );
}

/** Opens the store a command's options point at (through {@linkcode openCrucible}, with the built-in plugins). */
export function openStore(options: CommonOptions): Crucible {
  return openCrucible({
    dir: options.dir,
    db: options.db,
    trustPlugins: options.trustPlugins || undefined,
    stallGuard: true,
    onWarning: (message) => void writeStderr(`cru: ${message}\n`),
  });
}

/**
 * The filters of list and search: `--type`, `--since`, `--until`, `--limit`,
 * the session facts (`--tag`, `--cwd`, `--project`, `--branch`, `--host`,
 * `--model`, `--source`). `limit: false` leaves `--limit` out (a command that
 * adds everything up).
 */
export function withFilterOptions(command: Command, options: { limit?: boolean } = {}): Command {
  command
    .addOption(
      new Option("--type <type>", "only sessions of this type").choices(SESSION_TYPES),
    )
    .option("--since <date>", "only activity at or after: 2024-01-15, an ISO timestamp, or 7d / 12h ago")
    .option("--until <date>", "only activity at or before: same forms as --since (a date includes that whole day)");
  if (options.limit ?? true) command.option("--limit <n>", "at most this many results");
  command
    .option("--tag <tag>", "only sessions with this tag")
    .option("--cwd <folder>", "only sessions started in this folder or below it")
    .option("--project <name>", "only sessions of this project: the git remote's owner/name, else the folder's name")
    .option("--branch <name>", "only sessions started on this git branch")
    .option("--host <name>", "only sessions started on this host")
    .option("--model <name>", "only sessions with this model")
    .option("--source <app>", "only sessions imported from this app (claude-code, codex, aider, specstory)");
  return command;
}

/** The filter options as typed on the command line. */
export interface FilterOptions {
  type?: string;
  since?: string;
  until?: string;
  limit?: string;
  tag?: string;
  cwd?: string;
  project?: string;
  branch?: string;
  host?: string;
  model?: string;
  source?: string;
}

/** Reads the filter options, naming the first one that is malformed. */
export function readFilters(options: FilterOptions): SessionFilters {
  const filters: SessionFilters = {};
  if (options.type !== undefined) filters.type = options.type;
  if (options.since !== undefined) filters.since = parseDateFilter(options.since, "--since");
  if (options.until !== undefined) filters.until = parseUntil(options.until, "--until");
  if (options.limit !== undefined) {
    if (!/^\d+$/.test(options.limit) || Number(options.limit) < 1 || !Number.isSafeInteger(Number(options.limit))) {
      throw new InvalidInputError("--limit", options.limit, `a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);
    }
    filters.limit = Number(options.limit);
  }
  for (const key of ["tag", "project", "branch", "host", "model", "source"] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (value.trim() === "") throw new InvalidInputError(`--${key}`, value, "some text");
    filters[key] = value;
  }
  if (options.cwd !== undefined) {
    if (options.cwd.trim() === "") throw new InvalidInputError("--cwd", options.cwd, "a folder");
    filters.cwd = resolve(options.cwd);
  }
  return filters;
}

/** `--utc`, for commands whose text output shows times (local time on a terminal otherwise). */
export function withTimeOption(command: Command): Command {
  return command.option("--utc", "show times in UTC (on a terminal, text output shows local time; JSON is always UTC)");
}
