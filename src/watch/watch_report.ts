/**
 * What `cru watch --status` shows: which folders are watched (and whether they
 * exist), whether a watcher runs, the last import per source, recent problems.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { runningWatcher } from "./watch_lock.ts";
import { readWatchStatus, type SourceStatus, type WatchProblem } from "./watch_state.ts";
import type { WatchSource } from "./watch_sources.ts";

/** The status of watching one store. */
export interface WatchReportData {
  [key: string]: unknown;
  /** True while a `cru watch` runs on the store. */
  running: boolean;
  /** The running watcher's pid, or the last one's. */
  pid: number | null;
  /** When the running (or last) watcher started, and when it last wrote its status. */
  started: string | null;
  updated: string | null;
  sources: SourceStatus[];
  problems: WatchProblem[];
}

/**
 * The status of the store's watching, for the sources as configured now.
 *
 * @example
 * ```ts ignore
 * import { watchReport } from "./watch_report.ts";
 * console.log(watchReport("/home/me/.crucible", sources).running);
 * ```
 */
export function watchReport(root: string, sources: WatchSource[]): WatchReportData {
  const saved = readWatchStatus(root);
  const pid = runningWatcher(root);
  return {
    running: pid !== undefined,
    pid: pid !== undefined && /^\d+$/.test(pid) ? Number(pid) : saved?.pid ?? null,
    started: saved?.started ?? null,
    updated: saved?.updated ?? null,
    sources: sources.map((source) => {
      const before = saved?.sources?.find((s) => s.name === source.name);
      return {
        name: source.name,
        roots: source.roots.map((path) => ({ path, exists: existsSync(path) })),
        files: before?.files ?? 0,
        events: before?.events ?? 0,
        last_import: before?.last_import ?? null,
      };
    }),
    problems: saved?.problems ?? [],
  };
}
