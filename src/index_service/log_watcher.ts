/**
 * Watches a store's sessions folder so the owner knows which logs changed
 * without stat-ing every log before every query: hand edits, another tool's
 * writes, cleanup and import all show up here. Appends through cru also tell
 * the owner directly, before they return, so a search never waits on this.
 *
 * Uses the runtime's recursive `fs.watch` (inotify on Linux, FSEvents on
 * macOS; Node, Bun and Deno all have it): no dependency, no polling loop, quiet
 * when nothing changes. When watching is unavailable or fails (too many
 * folders for the inotify limit, a file system without events), `healthy`
 * turns false and the owner falls back to a sweep before each query.
 *
 * @module
 */
import { type FSWatcher, mkdirSync, watch } from "node:fs";

/** What changed: a log (store-relative path) or a whole session folder (`sessions/<id>`). */
export type ChangeListener = (path: string) => void;

/** A running watch of `<root>/sessions`. */
export class LogWatcher {
  #watcher: FSWatcher | undefined;
  #healthy = false;

  /** Starts watching; never throws (an unwatchable folder just leaves the watcher unhealthy). */
  constructor(sessionsDir: string, onChange: ChangeListener) {
    try {
      mkdirSync(sessionsDir, { recursive: true });
      this.#watcher = watch(sessionsDir, { recursive: true, persistent: false }, (_event, filename) => {
        if (filename === null || filename === undefined) {
          this.#healthy = false; // the platform did not say what changed: sweep
          return;
        }
        const path = String(filename).split("\\").join("/");
        if (path.endsWith(".md") && path.split("/").length === 2) onChange(`sessions/${path}`);
        else if (!path.includes("/")) onChange(`sessions/${path}`);
      });
      this.#watcher.on("error", () => (this.#healthy = false));
      this.#healthy = true;
    } catch {
      this.#healthy = false;
    }
  }

  /** False when changes may have been missed: the owner must sweep. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Stops watching (the watcher is unhealthy from then on). */
  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#healthy = false;
  }
}
