/**
 * Markdown to HTML for export, with `marked`, made safe to open: raw HTML in a
 * message is shown as text, links go only to http(s), mailto and in-page
 * anchors, and images become links (an exported page loads nothing).
 *
 * @module
 */
import { Marked, type Tokens } from "marked";
import { escapeHtml } from "./escape_html.ts";

const SAFE_HREF = /^(https?:|mailto:|#)/i;

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      // A block of raw HTML (or XML-ish prompt markup) keeps its lines, as text.
      return token.block ? `<div class="raw">${escapeHtml(token.text)}</div>\n` : escapeHtml(token.text);
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const text = this.parser.parseInline(tokens);
      if (!SAFE_HREF.test(href.trim())) return text;
      const titled = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(href)}"${titled} rel="noopener noreferrer">${text}</a>`;
    },
    image({ href, text }: Tokens.Image): string {
      const label = escapeHtml(text || href);
      return SAFE_HREF.test(href.trim())
        ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">[image: ${label}]</a>`
        : `[image: ${label}]`;
    },
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? "").match(/^\S*/)?.[0] ?? "";
      const label = language ? `<span class="lang">${escapeHtml(language)}</span>` : "";
      return `<pre class="code">${label}<code>${escapeHtml(text)}</code></pre>\n`;
    },
  },
});

/**
 * Renders a message's markdown as HTML fit to embed in an exported page.
 *
 * @example
 * ```ts
 * import { markdownToHtml } from "./html_markdown.ts";
 * console.assert(!markdownToHtml("<script>alert(1)</script>").includes("<script>"));
 * ```
 */
export function markdownToHtml(text: string): string {
  try {
    return marked.parse(text, { async: false });
  } catch {
    return `<pre>${escapeHtml(text)}</pre>`;
  }
}
