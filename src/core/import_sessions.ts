/**
 * Import of other tools' transcripts (aider, SpecStory, Claude Code / Codex JSONL)
 * as ordinary cru sessions. (Stub: being written — see issue 7.)
 *
 * @module
 */
import type { SessionEvent } from "../model/event.ts";
import { CruError } from "../model/errors.ts";
import type { ParseWarning } from "../model/log.ts";
import type { SessionStore } from "../store/session_store.ts";

/** Formats `import` reads. */
export const IMPORT_FORMATS = ["aider", "specstory", "claude-code", "codex", "auto"] as const;
/** One of {@linkcode IMPORT_FORMATS}. */
export type ImportFormat = typeof IMPORT_FORMATS[number];

/** Options of {@linkcode importSources}. */
export interface ImportOptions {
  from: ImportFormat;
  /** Session type of the imported sessions (default: chat for aider/SpecStory, agent for JSONL). */
  type?: "chat" | "agent";
  /** Runs on each event before it is written (the `event:before-append` hook: redaction); null drops it. */
  transform?: (event: SessionEvent, sessionId: string) => Promise<SessionEvent | null>;
}

/** One session an import created or extended. */
export interface ImportedSession {
  id: string;
  source: string;
  source_path: string;
  created: boolean;
  /** Events written by this import (0 when it was already up to date). */
  events: number;
}

/** What an import did. */
export interface ImportReport {
  files: number;
  sessions: ImportedSession[];
  events: number;
  warnings: ParseWarning[];
}

/** Imports files or folders of other tools' transcripts. */
export function importSources(_store: SessionStore, _paths: string[], _options: ImportOptions): Promise<ImportReport> {
  return Promise.reject(new CruError("not_implemented", "import is not implemented yet"));
}
