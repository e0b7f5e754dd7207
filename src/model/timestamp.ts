/**
 * Timestamps as cru writes them: ISO-8601, UTC, whole seconds (`2024-01-15T10:30:00Z`).
 *
 * @module
 */

/** Matches the timestamp of a `## <timestamp>` turn heading (date, time, optional fraction and zone). */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Formats a date as cru's turn timestamp.
 *
 * @example
 * ```ts
 * import { formatTimestamp } from "./timestamp.ts";
 * console.assert(formatTimestamp(new Date(Date.UTC(2024, 0, 15, 10, 30, 5, 900))) === "2024-01-15T10:30:05Z");
 * ```
 */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Milliseconds since the epoch for a heading timestamp, or NaN when it cannot be read. */
export function timestampMs(value: string): number {
  const iso = value.replace(" ", "T");
  // A timestamp without a zone is taken as UTC, as cru writes UTC.
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
  return Date.parse(zoned);
}

/**
 * `value` rewritten as cru writes timestamps, or `fallback` when it cannot be
 * read: how a log's times are read for summaries and the index.
 *
 * @example
 * ```ts
 * import { normalizeTimestamp } from "./timestamp.ts";
 * console.assert(normalizeTimestamp("2024-01-15 10:30", null) === "2024-01-15T10:30:00Z");
 * console.assert(normalizeTimestamp("soon", null) === null);
 * ```
 */
export function normalizeTimestamp<T extends string | null>(value: string, fallback: T): string | T {
  const ms = timestampMs(value);
  return Number.isNaN(ms) ? fallback : formatTimestamp(new Date(ms));
}
