/**
 * Terminal colour: only on a terminal and never with `NO_COLOR`.
 *
 * @module
 */
import { env, stdoutIsTerminal } from "../runtime/process.ts";

const enabled = stdoutIsTerminal() && env("NO_COLOR") === undefined && env("TERM") !== "dumb";

/** True when output is coloured. */
export function colorEnabled(): boolean {
  return enabled;
}

function paint(code: number): (text: string) => string {
  return (text) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
}

export const bold = paint(1);
export const dim = paint(2);
export const cyan = paint(36);
export const green = paint(32);
export const yellow = paint(33);
export const red = paint(31);
export const magenta = paint(35);
