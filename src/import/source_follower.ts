/**
 * Following one JSONL transcript (Claude Code, Codex) while its tool writes
 * it: each step reads only the bytes added since the last one, with the
 * parser and the session's place kept in between, so taking a new line costs
 * the line, not the file.
 *
 * The first step is an ordinary import of the file (it lines the source up
 * with what earlier imports wrote). A follower starts over that way whenever
 * what it knows may be stale: the file shrank or was replaced, or its session
 * changed under it (another import, a hand edit). Between steps the parser
 * keeps a tool call until its result comes, as an import of the whole file
 * would have it at that point; what it holds when the follower is dropped is
 * taken by the next import, which counts what was written. Markdown sources
 * (aider, SpecStory) are not followed: their last event is only known to be
 * whole at the end of the file.
 *
 * @module
 */
import { createReadStream, statSync } from "node:fs";
import { formatTimestamp } from "../model/timestamp.ts";
import { LineSplitter } from "../format/line_splitter.ts";
import type { SourceParser } from "./parsers/source_item.ts";
import { createSourceParser } from "./parsers/source_parser.ts";
import type { SessionStore } from "../store/session_store.ts";
import {
  type ImportOptions,
  type ImportReport,
  READ_CHUNK,
  sniffFormat,
  SourceSessions,
  withImportLock,
} from "./import_service.ts";

/** Formats a follower reads a step at a time. */
export const FOLLOWED_FORMATS: readonly string[] = ["claude-code", "codex"];

interface Position {
  parser: SourceParser;
  splitter: LineSplitter;
  sessions: SourceSessions;
  report: ImportReport;
  /** Bytes read so far. */
  offset: number;
  ino: number;
  /** The current session's newest log and its size after the last step. */
  fingerprint: string;
}

/**
 * Follows one transcript.
 *
 * @example
 * ```ts ignore
 * import { SessionStore } from "../store/session_store.ts";
 * import { SourceFollower } from "./source_follower.ts";
 * const follower = new SourceFollower(new SessionStore({ root: "/tmp/x/.crucible" }), "/tmp/s.jsonl", { from: "claude-code" });
 * console.log((await follower.step()).events); // again after the file grew: only what is new
 * ```
 */
export class SourceFollower {
  readonly #store: SessionStore;
  readonly #path: string;
  readonly #options: ImportOptions;
  #at: Position | undefined;
  readonly #reportedNew = new Set<string>();

  constructor(store: SessionStore, path: string, options: ImportOptions) {
    this.#store = store;
    this.#path = path;
    this.#options = options;
  }

  /** Takes what was added to the file since the last step (the first step: the whole file). */
  async step(): Promise<ImportReport> {
    let result: ImportReport | undefined;
    await withImportLock(this.#store.root, async () => {
      const stat = statSync(this.#path);
      if (this.#at && this.#stale(this.#at, stat)) this.#at = undefined;
      const at = this.#at ?? this.#start(stat);
      const before = new Map(at.report.sessions.map((s) => [s.id, s.events]));
      try {
        await this.#read(at, stat.size);
        await at.sessions.current?.flushPending();
      } catch (error) {
        this.#at = undefined; // where it stopped is not known: start over next time
        throw error;
      }
      at.fingerprint = this.#fingerprint(at);
      this.#at = at;
      // Each session once as created, in the step that created it.
      const sessions = at.report.sessions
        .map((s) => ({
          ...s,
          events: s.events - (before.get(s.id) ?? 0),
          created: s.created && !this.#reportedNew.has(s.id),
        }))
        .filter((s) => s.events > 0 || s.created);
      for (const s of sessions) if (s.created) this.#reportedNew.add(s.id);
      const warnings = at.report.warnings.splice(0);
      result = {
        files: 1,
        sessions,
        events: sessions.reduce((sum, s) => sum + s.events, 0),
        warnings,
        skipped: [],
      };
    });
    return result!;
  }

  #start(stat: { ino: number; mtime: Date }): Position {
    sniffFormat(this.#path, this.#options.from); // a file in the wrong format fails before anything is written
    const report: ImportReport = { files: 1, sessions: [], events: 0, warnings: [], skipped: [] };
    const parser = createSourceParser(this.#options.from, {
      file: this.#path,
      fallbackTime: formatTimestamp(stat.mtime),
    });
    return {
      parser,
      splitter: new LineSplitter(),
      sessions: new SourceSessions(this.#store, this.#path, this.#options, report),
      report,
      offset: 0,
      ino: stat.ino,
      fingerprint: "",
    };
  }

  /** Reads from where the last step stopped up to `size`; a last line without its line break waits. */
  async #read(at: Position, size: number): Promise<void> {
    if (size <= at.offset) return;
    const stream = createReadStream(this.#path, { start: at.offset, end: size - 1, highWaterMark: READ_CHUNK });
    for await (const chunk of stream) {
      at.offset += (chunk as Uint8Array).length;
      for (const line of at.splitter.push(chunk as Uint8Array)) {
        const items = at.parser.push(line);
        if (items.length > 0) await at.sessions.take(items);
      }
    }
    // Caught up with the writer: nothing waits for a usage report that may never come.
    const settled = at.parser.caughtUp?.() ?? [];
    if (settled.length > 0) await at.sessions.take(settled);
  }

  #stale(at: Position, stat: { size: number; ino: number }): boolean {
    return stat.size < at.offset || stat.ino !== at.ino || this.#fingerprint(at) !== at.fingerprint;
  }

  #fingerprint(at: Position): string {
    const id = at.sessions.current?.id;
    if (id === undefined) return "";
    try {
      const newest = this.#store.logFiles(id).at(-1);
      return newest === undefined ? "" : `${newest}:${statSync(newest).size}`;
    } catch {
      return "gone";
    }
  }
}
