/**
 * Log files: the markdown files a session folder holds, one per continuation.
 *
 * @module
 */
import type { SessionEvent } from "./event.ts";

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
