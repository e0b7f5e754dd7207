/**
 * Times as other tools write them: ISO-8601, `2025-02-04 21:52:53` (aider, local
 * time without a zone), `2025-10-07 07:51Z`, `2025-10-01 08:17+0200`,
 * `2025/1/22 17:33:05`, a bare date, or epoch numbers in JSON.
 *
 * @module
 */
import { formatTimestamp } from "../../model/timestamp.ts";

const LOOSE_TIME =
  /(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T_](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?[ \t]*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?/;

/**
 * Finds the first time in `text` and returns it as a cru timestamp (UTC, whole
 * seconds), or undefined. A time without a zone is taken as UTC: the tools that
 * write one (aider, old SpecStory) write the user's local time and do not say
 * which zone that was.
 *
 * @example
 * ```ts
 * import { findSourceTime } from "./source_time.ts";
 * console.assert(findSourceTime("# aider chat started at 2025-02-04 21:52:53") === "2025-02-04T21:52:53Z");
 * console.assert(findSourceTime("(2025-10-01 08:17+0200)") === "2025-10-01T06:17:00Z");
 * console.assert(findSourceTime("no time here") === undefined);
 * ```
 */
export function findSourceTime(text: string): string | undefined {
  const match = LOOSE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "0", zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(`0.${fraction}`) * 1000);
  const check = new Date(ms);
  if (
    Number.isNaN(ms) || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 ||
    minute > 59 || second > 60
  ) {
    return undefined;
  }
  return formatTimestamp(new Date(ms - zoneOffsetMs(zone)));
}

/**
 * A time from a JSON field: an ISO string, or seconds / milliseconds since the epoch.
 *
 * @example
 * ```ts
 * import { jsonTime } from "./source_time.ts";
 * console.assert(jsonTime("2025-12-28T12:18:30.533Z") === "2025-12-28T12:18:30Z");
 * console.assert(jsonTime(1735388310) === "2024-12-28T12:18:30Z");
 * ```
 */
export function jsonTime(value: unknown): string | undefined {
  if (typeof value === "string") return findSourceTime(value);
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    const ms = value < 1e11 ? value * 1000 : value; // seconds until the year 5138
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : formatTimestamp(date);
  }
  return undefined;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === "Z" || zone === "UTC" || zone === "GMT") return 0;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}
