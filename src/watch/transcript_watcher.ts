/**
 * The watcher: follows agent tools' transcript folders and imports what they
 * write as they write it.
 *
 * It uses the runtime's recursive `fs.watch` (inotify on Linux, FSEvents on
 * macOS; Deno and Bun both implement `recursive: true`, inside the compiled
 * binary too), so it sleeps until the kernel says a file changed: no polling
 * loop and no native addon to embed. An event only marks a file dirty; after
 * a short pause the dirty files are imported one at a time (see
 * transcript_importer.ts: JSONL files are followed, reading only what was
 * added), and imports add only what is new, so a missed or repeated event
 * costs nothing and a restart adds nothing. A
 * transcript's last line while it is still being written (no newline yet) is
 * not reported as damaged; it is taken once complete.
 *
 * @module
 */
import { closeSync, existsSync, type FSWatcher, openSync, readdirSync, readSync, statSync, watch } from "node:fs";
import { join } from "node:path";
import type { ImportReport } from "../import/import_service.ts";
import { CruError } from "../model/errors.ts";
import { isTranscript, mayHoldTranscripts, type WatchSource } from "./watch_sources.ts";
import type { WatchState } from "./watch_state.ts";

/** What the watcher reports as it goes. */
export type WatchReport =
  | { kind: "import"; source: string; file: string; session: string; events: number; created: boolean }
  | { kind: "warning"; source: string; file: string; line: number; message: string }
  | { kind: "error"; source: string; file: string; message: string };

/** Options of {@linkcode TranscriptWatcher}. */
export interface TranscriptWatcherOptions {
  sources: WatchSource[];
  state: WatchState;
  /** Imports one transcript (the facade's `importSources`). */
  importFile: (path: string, source: WatchSource) => Promise<ImportReport>;
  /** Told of every import that added events, every damaged line (once), every failure. */
  report: (report: WatchReport) => void;
  /** Pause after a change before importing, so a burst of writes is one import (default 25 ms). */
  settleMs?: number;
  /** How often a folder that does not exist yet is looked for (default 2 s); only while one is missing. */
  missingFolderCheckMs?: number;
  /** Least time between two writes of the state files (default 1 s). */
  saveEveryMs?: number;
}

/** Damaged lines remembered per file, so each is reported once. */
const REPORTED_PER_FILE = 200;

/**
 * Follows the sources' folders.
 *
 * @example
 * ```ts ignore
 * const watcher = new TranscriptWatcher({ sources, state, importFile, report: console.log });
 * await watcher.start();
 * // … later
 * await watcher.stop(500);
 * ```
 */
export class TranscriptWatcher {
  readonly #options: TranscriptWatcherOptions;
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #dirty = new Map<string, WatchSource>();
  readonly #reported = new Map<string, Set<string>>();
  #settleTimer: ReturnType<typeof setTimeout> | undefined;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #missingTimer: ReturnType<typeof setInterval> | undefined;
  #draining: Promise<void> | undefined;
  #stopping = false;

  constructor(options: TranscriptWatcherOptions) {
    this.#options = options;
  }

  /** One pass over every folder: imports each transcript that changed since it was last imported. */
  async pass(): Promise<void> {
    for (const source of this.#options.sources) this.#scan(source);
    await this.#drain();
  }

  /** Starts watching, then makes one pass (what was written while no watcher ran is taken first). */
  async start(): Promise<void> {
    for (const source of this.#options.sources) for (const root of source.roots) this.#watchRoot(source, root);
    this.#checkMissingSoon();
    await this.pass();
  }

  /**
   * Stops watching and saves the state. An import under way gets `graceMs` to
   * finish; one cut short is safe (appends are atomic) and is redone next time.
   */
  async stop(graceMs = 500): Promise<void> {
    this.#stopping = true;
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
    clearTimeout(this.#settleTimer);
    clearTimeout(this.#saveTimer);
    clearInterval(this.#missingTimer);
    if (this.#draining) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.#draining, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.#save(true);
  }

  /** Lists a source's transcripts, marks the changed ones dirty, and updates its status. */
  #scan(source: WatchSource): void {
    let files = 0;
    const roots = source.roots.map((path) => ({ path, exists: existsSync(path) }));
    for (const root of roots) {
      if (!root.exists) continue;
      for (const file of transcriptsUnder(source, root.path)) {
        files++;
        this.#markIfChanged(file, source);
      }
    }
    this.#options.state.seen(source.name, files, roots);
  }

  #watchRoot(source: WatchSource, root: string): void {
    if (this.#watchers.has(root) || !existsSync(root)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(root, { recursive: true }, (_event, name) => this.#changed(source, root, name));
    } catch (error) {
      this.#options.report({ kind: "error", source: source.name, file: root, message: errorText(error) });
      return;
    }
    watcher.on("error", () => {
      // The folder went away (or the watch broke): look for it again, and rescan once it is back.
      watcher.close();
      this.#watchers.delete(root);
      this.#checkMissingSoon();
    });
    this.#watchers.set(root, watcher);
  }

  /** While some folder is missing, looks for it now and then (a stat; nothing runs once all exist). */
  #checkMissingSoon(): void {
    if (this.#missingTimer !== undefined || this.#stopping) return;
    const missing = () => this.#options.sources.flatMap((s) => s.roots.filter((r) => !this.#watchers.has(r)));
    if (missing().length === 0) return;
    this.#missingTimer = setInterval(() => {
      let appeared = false;
      for (const source of this.#options.sources) {
        for (const root of source.roots) {
          if (this.#watchers.has(root) || !existsSync(root)) continue;
          this.#watchRoot(source, root);
          appeared = true;
        }
      }
      if (appeared) void this.pass();
      if (missing().length === 0) {
        clearInterval(this.#missingTimer);
        this.#missingTimer = undefined;
      }
    }, this.#options.missingFolderCheckMs ?? 2_000);
  }

  #changed(source: WatchSource, root: string, name: string | Buffer | null): void {
    if (this.#stopping) return;
    if (name === null) {
      this.#scan(source); // the platform did not say which file: look at all of them
      this.#settle();
      return;
    }
    const path = join(root, String(name));
    if (isTranscript(source.name, path)) {
      this.#dirty.set(path, source);
      this.#settle();
      return;
    }
    if (!mayHoldTranscripts(path)) return;
    // A new folder: its files may have been written before the watch reached it.
    if (isDirectory(path)) {
      for (const file of transcriptsUnder(source, path)) this.#markIfChanged(file, source);
      this.#settle();
    }
  }

  #markIfChanged(file: string, source: WatchSource): void {
    const stat = statOrUndefined(file);
    if (stat && this.#options.state.changed(file, stat.size, stat.mtimeMs)) this.#dirty.set(file, source);
  }

  #settle(): void {
    if (this.#settleTimer !== undefined || this.#stopping) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = undefined;
      void this.#drain();
    }, this.#options.settleMs ?? 25);
  }

  /** Imports dirty files one at a time until none is left. */
  #drain(): Promise<void> {
    this.#draining ??= (async () => {
      while (this.#dirty.size > 0 && !this.#stopping) {
        const [path, source] = this.#dirty.entries().next().value!;
        this.#dirty.delete(path);
        await this.#importFile(path, source);
      }
    })().finally(() => {
      this.#draining = undefined;
      this.#saveSoon();
    });
    return this.#draining;
  }

  async #importFile(path: string, source: WatchSource): Promise<void> {
    const stat = statOrUndefined(path);
    // Gone: what was imported stays in cru; nothing to do.
    if (!stat || !this.#options.state.changed(path, stat.size, stat.mtimeMs)) return;
    const complete = stat.size === 0 || endsWithNewline(path, stat.size);
    let report: ImportReport;
    try {
      report = await this.#options.importFile(path, source);
    } catch (error) {
      // Still being written: its only line is not complete yet. Taken on the next change.
      if (!complete && isCode(error, "source_format")) return;
      const line = (error as { line?: unknown }).line;
      this.#problem(source, path, typeof line === "number" ? line : undefined, errorText(error));
      // A file in the wrong format is not retried until it changes; anything else is retried on the next change.
      if (isCode(error, "source_format")) this.#options.state.imported(path, stat.size, stat.mtimeMs);
      return;
    }
    this.#options.state.imported(path, stat.size, stat.mtimeMs);
    const last = Math.max(0, ...report.warnings.map((w) => w.line));
    for (const warning of report.warnings) {
      if (stat.size === 0) continue; // just created, nothing in it yet
      if (!complete && warning.line === last && warning.message.startsWith("not valid JSON")) continue;
      this.#problem(source, warning.file, warning.line, warning.message);
    }
    for (const session of report.sessions) {
      if (session.events === 0) continue;
      const at = new Date().toISOString();
      this.#options.state.added(source.name, { at, file: path, session: session.id, events: session.events });
      this.#options.report({
        kind: "import",
        source: source.name,
        file: path,
        session: session.id,
        events: session.events,
        created: session.created,
      });
    }
  }

  /** Reports a problem once per file and line. */
  #problem(source: WatchSource, file: string, line: number | undefined, message: string): void {
    let seen = this.#reported.get(file);
    if (!seen) this.#reported.set(file, seen = new Set());
    const key = `${line ?? ""}:${message}`;
    if (seen.has(key)) return;
    if (seen.size < REPORTED_PER_FILE) seen.add(key);
    this.#options.state.problem({ file, ...(line === undefined ? {} : { line }), message });
    this.#options.report(
      line === undefined
        ? { kind: "error", source: source.name, file, message }
        : { kind: "warning", source: source.name, file, line, message },
    );
  }

  #saveSoon(): void {
    if (this.#saveTimer !== undefined || this.#stopping) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      this.#save(false);
    }, this.#options.saveEveryMs ?? 1_000);
  }

  #save(stopped: boolean): void {
    try {
      this.#options.state.save({ stopped });
    } catch (error) {
      this.#options.report({ kind: "error", source: "watch", file: "status", message: errorText(error) });
    }
  }
}

/** The source's transcripts under a folder (sorted, folders that cannot hold any skipped). */
function transcriptsUnder(source: WatchSource, folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // gone meanwhile, or unreadable
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (mayHoldTranscripts(path)) walk(path);
      } else if (entry.isFile() && isTranscript(source.name, path)) found.push(path);
    }
  };
  walk(folder);
  return found;
}

function statOrUndefined(path: string): { size: number; mtimeMs: number } | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? { size: stat.size, mtimeMs: stat.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** True when the file's last byte is a newline (its last line is complete). */
function endsWithNewline(path: string, size: number): boolean {
  try {
    const fd = openSync(path, "r");
    try {
      const byte = new Uint8Array(1);
      return readSync(fd, byte, 0, 1, size - 1) === 1 && byte[0] === 0x0a;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof CruError && error.code === code;
}

function errorText(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
