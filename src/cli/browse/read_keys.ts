/**
 * Raw terminal input as key names: `up`, `ctrl-n`, `enter`, `esc`, or the
 * character typed. A chunk can hold several keys (pasted text, fast typing).
 *
 * @module
 */

const SEQUENCES: Record<string, string> = {
  "\x1b[A": "up",
  "\x1b[B": "down",
  "\x1b[C": "right",
  "\x1b[D": "left",
  "\x1bOA": "up",
  "\x1bOB": "down",
  "\x1bOC": "right",
  "\x1bOD": "left",
  "\x1b[H": "home",
  "\x1b[F": "end",
  "\x1bOH": "home",
  "\x1bOF": "end",
  "\x1b[1~": "home",
  "\x1b[4~": "end",
  "\x1b[5~": "pageup",
  "\x1b[6~": "pagedown",
  "\x1b[3~": "delete",
  "\x1b[Z": "shift-tab",
  "\x1bOP": "f1",
};

const CONTROL: Record<number, string> = {
  0x03: "ctrl-c",
  0x04: "ctrl-d",
  0x09: "tab",
  0x0d: "enter",
  0x0a: "enter",
  0x7f: "backspace",
  0x08: "backspace",
  0x1b: "esc",
};

/**
 * Splits raw input into keys.
 *
 * @example
 * ```ts
 * import { readKeys } from "./read_keys.ts";
 * console.assert(readKeys("ab\x1b[B\x0e").join(" ") === "a b down ctrl-n");
 * ```
 */
export function readKeys(data: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < data.length) {
    if (data[i] === "\x1b" && i + 1 < data.length) {
      // A CSI or SS3 sequence: ESC [ params final, or ESC O letter.
      // deno-lint-ignore no-control-regex -- terminal escapes
      const match = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(data.slice(i));
      if (match) {
        keys.push(SEQUENCES[match[0]] ?? "unknown");
        i += match[0].length;
        continue;
      }
      // ESC and a character: alt held down (never read as esc, which leaves).
      const next = String.fromCodePoint(data.codePointAt(i + 1)!);
      keys.push(`alt-${next}`);
      i += 1 + next.length;
      continue;
    }
    const code = data.codePointAt(i)!;
    const char = String.fromCodePoint(code);
    i += char.length;
    if (CONTROL[code]) keys.push(CONTROL[code]);
    else if (code < 0x20) keys.push(`ctrl-${String.fromCharCode(code + 0x60)}`);
    else keys.push(char);
  }
  return keys;
}

/** True for a key that types a character. */
export function isPrintable(key: string): boolean {
  return [...key].length === 1 && key >= " ";
}
