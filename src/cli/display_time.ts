/**
 * Times in text output: local time on a terminal, where a person reads them;
 * UTC as stored when piped (scripts) or with `--utc`. JSON always stays UTC.
 *
 * @module
 */
import { stdoutIsTerminal } from "../runtime/process.ts";
import { timestampMs } from "../model/timestamp.ts";

/** Options of {@linkcode displayTime}. */
export interface DisplayTimeOptions {
  /** Keep UTC (`--utc`). */
  utc?: boolean;
  /** Whether stdout is a terminal (default: asks the runtime). */
  terminal?: boolean;
}

/**
 * A stored UTC timestamp as text output shows it: `2024-01-15 11:30:00 +01:00`
 * in the local zone on a terminal, else unchanged.
 *
 * @example
 * ```ts
 * import { displayTime } from "./display_time.ts";
 * console.assert(displayTime("2024-01-15T10:30:00Z", { terminal: false }) === "2024-01-15T10:30:00Z");
 * ```
 */
export function displayTime(iso: string, options: DisplayTimeOptions = {}): string {
  if (options.utc || !(options.terminal ?? stdoutIsTerminal())) return iso;
  const ms = timestampMs(iso);
  if (Number.isNaN(ms)) return iso;
  const date = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? "-" : "+"}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${zone}`;
}
