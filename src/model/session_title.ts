/**
 * A title made from a message, for sessions that have none of their own
 * (imported sessions take their first user message's).
 *
 * @module
 */

/** The longest title made from a message, in characters. */
export const MAX_DERIVED_TITLE = 72;

/**
 * The first line of `text` that has words, with spaces collapsed, cut to
 * {@linkcode MAX_DERIVED_TITLE} characters (ending in `…` when cut); undefined
 * when the text has no words.
 *
 * @example
 * ```ts
 * import { titleFromText } from "./session_title.ts";
 * console.assert(titleFromText("\n  fix   the build  \nthen deploy") === "fix the build");
 * ```
 */
export function titleFromText(text: string): string | undefined {
  const line = text.split(/\r?\n|\r/).map((l) => l.replace(/\s+/g, " ").trim()).find((l) => /[\p{L}\p{N}]/u.test(l));
  if (line === undefined) return undefined;
  const chars = [...line];
  return chars.length <= MAX_DERIVED_TITLE ? line : `${chars.slice(0, MAX_DERIVED_TITLE - 1).join("").trimEnd()}…`;
}
