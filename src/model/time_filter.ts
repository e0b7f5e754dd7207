/**
 * Dates and ages as users type them: `2024-01-15`, full ISO timestamps,
 * relative `7d`/`12h` (ago), and ages `30d`, `12h`, `2w`.
 *
 * @module
 */
import { InvalidInputError } from "./errors.ts";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+)([smhdw])$/;
/** The longest age whose date exists (JavaScript dates span ±100,000,000 days from 1970). */
const MAX_AGE_MS = 100_000_000 * 86_400_000;

/**
 * Reads an age such as `90d` as milliseconds.
 *
 * @example
 * ```ts
 * import { parseAge } from "./time_filter.ts";
 * console.assert(parseAge("2w", "--older-than") === 14 * 86_400_000);
 * ```
 */
export function parseAge(value: string, input: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) throw new InvalidInputError(input, value, "an age like 30d, 12h, 2w or 90d");
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  // Dates reach ±100,000,000 days from 1970: an age beyond that names no time at all.
  if (!(ms <= MAX_AGE_MS)) throw new InvalidInputError(input, value, "an age of at most 100000000d");
  return ms;
}

/**
 * Reads a date filter as milliseconds since the epoch: an ISO date (UTC
 * midnight), an ISO timestamp, or a relative age before `now`.
 *
 * @example
 * ```ts
 * import { parseDateFilter } from "./time_filter.ts";
 * console.assert(parseDateFilter("2024-01-15", "--since") === Date.UTC(2024, 0, 15));
 * ```
 */
export function parseDateFilter(value: string, input: string, now: Date = new Date()): number {
  const text = value.trim();
  if (DURATION.test(text)) return now.getTime() - parseAge(text, input);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isNaN(ms) && new Date(ms).toISOString().startsWith(text)) return ms;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new InvalidInputError(
    input,
    value,
    "a date like 2024-01-15, a timestamp like 2024-01-15T10:30:00Z, or 7d / 12h ago",
  );
}

/**
 * Reads an `--until` filter: as {@linkcode parseDateFilter}, but a bare date
 * means the end of that (UTC) day, so `--until 2024-01-15` includes all of it.
 *
 * @example
 * ```ts
 * import { parseUntil } from "./time_filter.ts";
 * console.assert(parseUntil("2024-01-15", "--until") === Date.UTC(2024, 0, 16) - 1);
 * ```
 */
export function parseUntil(value: string, input: string, now: Date = new Date()): number {
  const ms = parseDateFilter(value, input, now);
  return /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? ms + 86_400_000 - 1 : ms;
}
