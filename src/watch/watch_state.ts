/**
 * What `cru watch` remembers in `.crucible/watch/`: the size and time of each
 * transcript when it was last imported (`files.json`, so a restart does not
 * read every file again), and what `cru watch --status` shows (`status.json`:
 * the folders, the last import per source, recent errors). Both are only
 * shortcuts: losing them costs a re-read, never an event, because imports add
 * only what is new.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processId } from "../runtime/process.ts";
import type { WatchSource, WatchSourceName } from "./watch_sources.ts";

/** The last import that added events, per source. */
export interface LastImport {
  at: string;
  file: string;
  session: string;
  events: number;
}

/** A problem met while watching: a damaged line (with its line) or a file that could not be imported. */
export interface WatchProblem {
  at: string;
  file: string;
  line?: number;
  message: string;
}

/** One source as the status shows it. */
export interface SourceStatus {
  name: WatchSourceName;
  roots: { path: string; exists: boolean }[];
  /** Transcripts seen under its folders. */
  files: number;
  /** Events imported since the watcher started. */
  events: number;
  last_import: LastImport | null;
}

/** `status.json`. */
export interface WatchStatus {
  pid: number;
  started: string;
  updated: string;
  /** True once the watcher stopped cleanly (a crashed one leaves false). */
  stopped: boolean;
  sources: SourceStatus[];
  /** The most recent problems, newest last. */
  problems: WatchProblem[];
}

/** Problems kept in the status. */
const KEPT_PROBLEMS = 50;

/** A file's size and modification time when it was imported. */
interface Fingerprint {
  size: number;
  mtimeMs: number;
}

/** The folder of the watcher's files in a store. */
export function watchFolder(root: string): string {
  return join(root, "watch");
}

/** Reads `status.json`, or undefined when there is none (or it cannot be read). */
export function readWatchStatus(root: string): WatchStatus | undefined {
  try {
    return JSON.parse(readFileSync(join(watchFolder(root), "status.json"), "utf8")) as WatchStatus;
  } catch {
    return undefined;
  }
}

/**
 * The watcher's memory: fingerprints of imported files and the status.
 *
 * @example
 * ```ts ignore
 * import { WatchState } from "./watch_state.ts";
 * const state = WatchState.load("/tmp/x/.crucible", [], { pid: 1, now: () => new Date() });
 * if (state.changed("/a.jsonl", 10, 1)) state.imported("/a.jsonl", 10, 1);
 * state.save();
 * ```
 */
export class WatchState {
  readonly #root: string;
  readonly #files: Map<string, Fingerprint>;
  readonly #status: WatchStatus;
  readonly #now: () => Date;

  private constructor(root: string, files: Map<string, Fingerprint>, status: WatchStatus, now: () => Date) {
    this.#root = root;
    this.#files = files;
    this.#status = status;
    this.#now = now;
  }

  /** Loads what an earlier watcher left (last imports and problems carry over). */
  static load(root: string, sources: WatchSource[], options: { pid: number; now: () => Date }): WatchState {
    const files = new Map<string, Fingerprint>();
    try {
      const saved = JSON.parse(readFileSync(join(watchFolder(root), "files.json"), "utf8")) as {
        files?: Record<string, [number, number]>;
      };
      for (const [path, [size, mtimeMs]] of Object.entries(saved.files ?? {})) files.set(path, { size, mtimeMs });
    } catch {
      // none yet, or unreadable: every file is read once more, which adds nothing twice
    }
    const before = readWatchStatus(root);
    const now = options.now().toISOString();
    const status: WatchStatus = {
      pid: options.pid,
      started: now,
      updated: now,
      stopped: false,
      sources: sources.map((source) => ({
        name: source.name,
        roots: source.roots.map((path) => ({ path, exists: existsSync(path) })),
        files: 0,
        events: 0,
        last_import: before?.sources?.find((s) => s.name === source.name)?.last_import ?? null,
      })),
      problems: Array.isArray(before?.problems) ? before.problems.slice(-KEPT_PROBLEMS) : [],
    };
    return new WatchState(root, files, status, options.now);
  }

  /** True when the file is not known with this size and time. */
  changed(path: string, size: number, mtimeMs: number): boolean {
    const known = this.#files.get(path);
    return known === undefined || known.size !== size || known.mtimeMs !== mtimeMs;
  }

  /** Records that the file was imported as it was with this size and time. */
  imported(path: string, size: number, mtimeMs: number): void {
    this.#files.set(path, { size, mtimeMs });
  }

  /** Records an import that added events. */
  added(source: WatchSourceName, entry: LastImport): void {
    const status = this.#source(source);
    status.events += entry.events;
    status.last_import = entry;
  }

  /** Records a problem (the oldest fall off). */
  problem(problem: Omit<WatchProblem, "at">): void {
    this.#status.problems.push({ at: this.#now().toISOString(), ...problem });
    if (this.#status.problems.length > KEPT_PROBLEMS) this.#status.problems.splice(0, 1);
  }

  /** Sets how many transcripts a source has and whether its folders exist. */
  seen(source: WatchSourceName, files: number, roots: { path: string; exists: boolean }[]): void {
    const status = this.#source(source);
    status.files = files;
    status.roots = roots;
  }

  /** The status as it stands. */
  get status(): WatchStatus {
    return this.#status;
  }

  /** Writes both files (atomically). */
  save(options: { stopped?: boolean } = {}): void {
    this.#status.updated = this.#now().toISOString();
    if (options.stopped) this.#status.stopped = true;
    mkdirSync(watchFolder(this.#root), { recursive: true });
    const files: Record<string, [number, number]> = {};
    for (const [path, { size, mtimeMs }] of this.#files) files[path] = [size, mtimeMs];
    replaceFile(join(watchFolder(this.#root), "files.json"), JSON.stringify({ version: 1, files }));
    replaceFile(join(watchFolder(this.#root), "status.json"), `${JSON.stringify(this.#status, null, 2)}\n`);
  }

  #source(name: WatchSourceName): SourceStatus {
    return this.#status.sources.find((s) => s.name === name)!;
  }
}

/**
 * Replaces a file whole (temp file + rename), so a reader never sees half of
 * it. No fsync: these files are shortcuts, and one lost in a crash costs a
 * re-read, never an event.
 */
function replaceFile(path: string, text: string): void {
  const temp = `${path}.${processId()}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
