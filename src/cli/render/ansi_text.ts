/**
 * Text with ANSI styling on a terminal: its visible width, cut to a width,
 * wrapped. Wide (CJK, emoji) characters count as two columns.
 *
 * @module
 */

// deno-lint-ignore no-control-regex -- matching terminal escapes is the point
const ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/y;

/** Columns a character takes on a terminal. */
function columns(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 32 || (code >= 0x7f && code < 0xa0)) return 0;
  if (code >= 0x300 && code < 0x370) return 0; // combining marks
  const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Splits styled text into escapes (width 0) and characters. */
function* pieces(text: string): Generator<{ text: string; width: number }> {
  let i = 0;
  while (i < text.length) {
    ESCAPE.lastIndex = i;
    const match = ESCAPE.exec(text);
    if (match) {
      yield { text: match[0], width: 0 };
      i += match[0].length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(i)!);
    yield { text: char, width: columns(char) };
    i += char.length;
  }
}

/** The columns `text` takes, escapes left out. */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const piece of pieces(text)) width += piece.width;
  return width;
}

/** Cuts `text` to at most `width` columns (ending with `…` when cut), keeping its escapes. */
export function truncate(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const piece of pieces(text)) {
    if (piece.width === 0) {
      out += piece.text;
      continue;
    }
    if (used + piece.width > width - 1) break;
    out += piece.text;
    used += piece.width;
  }
  return `${out}…${text.includes("\x1b[") ? "\x1b[0m" : ""}`;
}

/** Breaks `text` (one line) into lines of at most `width` columns, at spaces when it can. */
export function wrap(text: string, width: number): string[] {
  if (width < 2 || visibleWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = "";
  let used = 0;
  let lastSpace = -1; // index in `line` just after the last space
  let widthAtSpace = 0;
  for (const piece of pieces(text)) {
    if (piece.width > 0 && used + piece.width > width) {
      if (lastSpace > 0 && widthAtSpace > width / 3) {
        lines.push(line.slice(0, lastSpace).trimEnd());
        line = line.slice(lastSpace);
        used -= widthAtSpace;
      } else {
        lines.push(line);
        line = "";
        used = 0;
      }
      lastSpace = -1;
    }
    line += piece.text;
    used += piece.width;
    if (piece.text === " ") [lastSpace, widthAtSpace] = [line.length, used];
  }
  lines.push(line);
  return lines;
}

/** Pads `text` with spaces to exactly `width` columns (cutting it when longer). */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(0, width - visibleWidth(cut)));
}
