/**
 * Text made safe to put inside HTML elements and attribute values.
 *
 * @module
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes `&`, `<`, `>`, `"` and `'`.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape_html.ts";
 * console.assert(escapeHtml("<b>") === "&lt;b&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}
