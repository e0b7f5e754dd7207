/**
 * What the transcript parsers produce: sessions, events and warnings, one line
 * of the source at a time. Shared by every source format.
 *
 * @module
 */
import type { SessionEvent } from "../../model/event.ts";

/** The transcript formats cru reads. */
export const SOURCE_FORMATS = ["aider", "specstory", "claude-code", "codex"] as const;
/** One of {@linkcode SOURCE_FORMATS}. */
export type SourceFormat = typeof SOURCE_FORMATS[number];

/** A session starts in the source (an aider header, a SpecStory file, a JSONL transcript). */
export interface SourceSession {
  kind: "session";
  format: SourceFormat;
  /** What tells this session apart from the others of the same file ("" when a file holds one). */
  key: string;
  /** The line it starts at (1-based). */
  line: number;
  /** When it started (a cru timestamp). */
  started: string;
  title?: string;
  /** Frontmatter keys that say where it came from (`source_session`, `source_app` …). */
  meta: Record<string, unknown>;
}

/** An event of the current session, with the line it starts at. */
export interface SourceEvent {
  kind: "event";
  event: SessionEvent;
  line: number;
}

/** Something in the source that could not be read; the rest goes on. */
export interface SourceWarning {
  kind: "warning";
  line: number;
  message: string;
}

/**
 * The source compacted its context here (Claude Code's compact summary, Codex's
 * `compacted` line): what follows goes into a continuation log carrying
 * `summary` as its context. Not an event itself: the summary event follows it.
 */
export interface SourceCompaction {
  kind: "compaction";
  line: number;
  /** When it happened (a cru timestamp). */
  at: string;
  summary: string;
}

/** What a parser hands back for a line. */
export type SourceItem = SourceSession | SourceEvent | SourceWarning | SourceCompaction;

/**
 * An incremental transcript parser: lines in (without their line breaks),
 * items out, in order. Events always follow the session they belong to.
 */
export interface SourceParser {
  /** The format, once known (auto-detection decides on the first telling line). */
  readonly format: SourceFormat | undefined;
  /** Reads the next line of the file. Throws {@linkcode SourceFormatError} when the file is not in the format. */
  push(line: string): SourceItem[];
  /** The file has ended: whatever is still open. */
  end(): SourceItem[];
  /**
   * The file has no more lines for now (it is followed while written): what
   * is held only for details that may still come (a model call's usage) goes
   * out; tool calls still wait for their results.
   */
  caughtUp?(): SourceItem[];
}

/** Options every parser takes. */
export interface SourceParserOptions {
  /** The file's name, for error messages. */
  file: string;
  /** The time to use where the source says none (e.g. the file's mtime), as a cru timestamp. */
  fallbackTime: string;
}

export { SourceFormatError } from "../../model/errors.ts";

/** A line quoted in a message: at most 60 characters, as JSON. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);
}

/**
 * A tool name as a `[Tool: name]` line can hold: no spaces or brackets, 1–200 characters.
 *
 * @example
 * ```ts
 * import { toolName } from "./source_item.ts";
 * console.assert(toolName("read file [v2]") === "read_file__v2_");
 * console.assert(toolName(undefined) === "tool");
 * ```
 */
export function toolName(raw: unknown): string {
  const name = typeof raw === "string" ? raw.replace(/[\s[\]]/g, "_").slice(0, 200) : "";
  return name === "" ? "tool" : name;
}
