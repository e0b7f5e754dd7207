/**
 * Continuations: when a source event grew after it was imported (a live aider
 * history gets more `>` output, a SpecStory file is re-saved mid-reply, a tool
 * call's result arrives), the new text is appended as a further event marked
 * `(continued)`, because a log is only ever appended to. A re-import reads the
 * mark to line the session's events up with the source's again.
 *
 * @module
 */

/** The mark a continuation's content starts with. */
export const CONTINUATION_MARK = "(continued)";

/**
 * The content of a continuation that adds `rest` to an event.
 *
 * @example
 * ```ts
 * import { continuationContent, continuedText } from "./continuation.ts";
 * console.assert(continuationContent("and more") === "(continued) and more");
 * console.assert(continuationContent("\nnext line") === "(continued)\nnext line");
 * console.assert(continuedText(continuationContent(" x")) === " x");
 * ```
 */
export function continuationContent(rest: string): string {
  return rest.startsWith("\n") ? `${CONTINUATION_MARK}${rest}` : `${CONTINUATION_MARK} ${rest}`;
}

/** The text a continuation adds, or undefined when `content` is not one. */
export function continuedText(content: string): string | undefined {
  if (!content.startsWith(CONTINUATION_MARK)) return undefined;
  const next = content[CONTINUATION_MARK.length];
  if (next === "\n") return content.slice(CONTINUATION_MARK.length);
  if (next === " ") return content.slice(CONTINUATION_MARK.length + 1);
  return undefined;
}
