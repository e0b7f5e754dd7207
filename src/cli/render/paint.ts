/**
 * Styles for text on a terminal, on or off as a whole: commands that draw for a
 * terminal they own (the browser, the pager) decide once and pass a palette.
 *
 * @module
 */

/** One style: wraps text in its escape, or returns it as it is. */
export type Style = (text: string) => string;

/** The styles renderers use. */
export interface Palette {
  bold: Style;
  dim: Style;
  italic: Style;
  underline: Style;
  inverse: Style;
  cyan: Style;
  green: Style;
  yellow: Style;
  red: Style;
  magenta: Style;
  blue: Style;
}

const sgr = (open: number, close: number): Style => (text) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain: Style = (text) => text;

/**
 * A palette: colours only when `colour`; bold, dim, italic, underline and
 * inverse when `emphasis` (they are not colour, so `NO_COLOR` keeps them on a
 * terminal).
 */
export function palette(options: { colour: boolean; emphasis?: boolean }): Palette {
  const emphasis = options.emphasis ?? options.colour;
  const colour = (code: number) => (options.colour ? sgr(code, 39) : plain);
  const mark = (open: number, close: number) => (emphasis ? sgr(open, close) : plain);
  return {
    bold: mark(1, 22),
    dim: mark(2, 22),
    italic: mark(3, 23),
    underline: mark(4, 24),
    inverse: mark(7, 27),
    cyan: colour(36),
    green: colour(32),
    yellow: colour(33),
    red: colour(31),
    magenta: colour(35),
    blue: colour(34),
  };
}
