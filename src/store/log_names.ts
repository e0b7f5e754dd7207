/**
 * Names and order of the log files in a session folder.
 *
 * @module
 */

const CRU_LOG_NAME = /^(\d{4}-\d{2}-\d{2}-\d{4})(?:-(\d+))?\.md$/;

/**
 * The log file name for a log started at `started`, made unique against
 * `existing`: `2024-01-15-1030.md`, then `2024-01-15-1030-2.md`, …
 *
 * @example
 * ```ts
 * import { logFileName } from "./log_names.ts";
 * const started = new Date(Date.UTC(2024, 0, 15, 10, 30));
 * console.assert(logFileName(started, ["2024-01-15-1030.md"]) === "2024-01-15-1030-2.md");
 * ```
 */
export function logFileName(started: Date, existing: readonly string[]): string {
  const iso = started.toISOString();
  const base = `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  if (!existing.includes(`${base}.md`)) return `${base}.md`;
  for (let n = 2;; n++) if (!existing.includes(`${base}-${n}.md`)) return `${base}-${n}.md`;
}

/**
 * The name of a continuation log started at `now`: as {@linkcode logFileName},
 * unless a clock set back would make it sort before the newest log (which
 * would orphan it: the newest log by name is where appends go). Then it takes
 * the newest log's time with the next number, so it sorts last.
 *
 * @example
 * ```ts
 * import { nextLogName } from "./log_names.ts";
 * const behind = new Date(Date.UTC(2020, 0, 1));
 * console.assert(nextLogName(behind, ["2024-01-15-1030.md"]) === "2024-01-15-1030-2.md");
 * ```
 */
export function nextLogName(now: Date, existing: readonly string[]): string {
  const name = logFileName(now, existing);
  const newest = sortLogNames(existing).at(-1);
  if (newest === undefined || sortLogNames([newest, name])[1] === name) return name;
  const match = CRU_LOG_NAME.exec(newest);
  if (!match) return name; // a hand-named log sorts by its own name: nothing cru can name comes after it
  for (let n = Number(match[2] ?? 1) + 1;; n++) {
    if (!existing.includes(`${match[1]}-${n}.md`)) return `${match[1]}-${n}.md`;
  }
}

/** True for names that count as session logs: markdown files not hidden. */
export function isLogFileName(name: string): boolean {
  return name.endsWith(".md") && !name.startsWith(".");
}

/** Sorts log names oldest first: by time in the name, then by continuation number. */
export function sortLogNames(names: readonly string[]): string[] {
  const key = (name: string): [string, number] => {
    const match = CRU_LOG_NAME.exec(name);
    return match ? [match[1], Number(match[2] ?? 1)] : [name, 0];
  };
  return [...names].sort((a, b) => {
    const [baseA, numberA] = key(a);
    const [baseB, numberB] = key(b);
    return baseA < baseB ? -1 : baseA > baseB ? 1 : numberA - numberB;
  });
}
