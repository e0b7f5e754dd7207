/**
 * Log files: the markdown files a session folder holds, one per continuation.
 *
 * @module
 */
import type { SessionEvent } from "./event.ts";
import { defaultHeading } from "./session_type.ts";

/** The frontmatter of a log, with user keys kept in `extra`. */
export interface LogMeta {
  session_id: string;
  type: string;
  started: string;
  /** File name of the previous log (the wikilink target), or null for the first log. */
  continued_from: string | null;
  title?: string;
  ended?: string;
  tags?: string[];
  /** Frontmatter keys cru does not know, kept as they were. */
  extra: Record<string, unknown>;
}

/** A parsed log: frontmatter, heading, compaction context and events. */
export interface Log {
  meta: LogMeta;
  /** The `# …` heading under the frontmatter. */
  heading: string;
  /** The summary of a `*Compacted from previous session. Context: …*` line, if any. */
  context?: string;
  events: SessionEvent[];
}

/** Something in a log that was not understood; the text was kept. */
export interface ParseWarning {
  file: string;
  line: number;
  message: string;
}

/** What cru adds to a continuation's heading: `# Deploy notes (continued)`. */
export const CONTINUED_SUFFIX = " (continued)";

/**
 * A log's title: `title:` in its frontmatter, else its `# Heading` (without a
 * continuation's ` (continued)`) when that is not the default one cru writes
 * (`# Chat Session`), else null. The one home of this rule: `show`, `list`
 * and the index all use it.
 *
 * @example
 * ```ts
 * import { logTitle } from "./log.ts";
 * const meta = { session_id: "chat-a", type: "chat", started: "", continued_from: null, extra: {} };
 * console.assert(logTitle({ meta, heading: "Deploy notes" }) === "Deploy notes");
 * console.assert(logTitle({ meta, heading: "Chat Session" }) === null);
 * const next = { ...meta, continued_from: "2024-01-15T10-30-00.md" };
 * console.assert(logTitle({ meta: next, heading: "Chat Session (continued)" }) === null);
 * ```
 */
export function logTitle(log: Pick<Log, "meta" | "heading">): string | null {
  if (log.meta.title !== undefined) return log.meta.title;
  const continued = log.meta.continued_from !== null && log.heading.endsWith(CONTINUED_SUFFIX);
  const heading = continued ? log.heading.slice(0, -CONTINUED_SUFFIX.length) : log.heading;
  return heading !== "" && heading !== defaultHeading(log.meta.type) ? heading : null;
}
