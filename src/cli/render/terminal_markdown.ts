/**
 * Markdown for reading on a terminal: `marked` reads it, and each block becomes
 * styled lines — headings bold, code blocks in a gutter, lists with bullets,
 * links with their address. Raw HTML stays as the text it is.
 *
 * @module
 */
import { Lexer, type Token, type Tokens } from "marked";
import type { Palette } from "./paint.ts";

/**
 * Renders markdown as terminal lines (not wrapped: the pager or the browser
 * wraps to its width).
 *
 * @example
 * ```ts
 * import { renderTerminalMarkdown } from "./terminal_markdown.ts";
 * import { palette } from "./paint.ts";
 * const lines = renderTerminalMarkdown("# Hi\n\nSome `code`.", palette({ colour: false }));
 * console.assert(lines.join("\n") === "Hi\n\nSome code.");
 * ```
 */
export function renderTerminalMarkdown(text: string, paint: Palette): string[] {
  let tokens: Token[];
  try {
    tokens = new Lexer({ gfm: true }).lex(text);
  } catch {
    return text.split("\n"); // marked never should throw, but text must never be lost
  }
  const lines = blocks(tokens, paint);
  while (lines.at(-1) === "") lines.pop();
  return lines;
}

function blocks(tokens: Token[], paint: Palette): string[] {
  const lines: string[] = [];
  const gap = () => {
    if (lines.length > 0 && lines.at(-1) !== "") lines.push("");
  };
  for (const token of tokens) {
    switch (token.type) {
      case "space":
        break;
      case "heading":
        gap();
        lines.push(paint.bold(paint.blue(inline((token as Tokens.Heading).tokens, paint))));
        break;
      case "paragraph":
        gap();
        lines.push(...inline((token as Tokens.Paragraph).tokens, paint).split("\n"));
        break;
      case "code": {
        const code = token as Tokens.Code;
        gap();
        if (code.lang) lines.push(paint.dim(`┌ ${code.lang}`));
        for (const line of code.text.split("\n")) lines.push(`${paint.dim("│")} ${paint.cyan(line)}`);
        break;
      }
      case "blockquote":
        gap();
        for (const line of blocks((token as Tokens.Blockquote).tokens, paint)) {
          lines.push(`${paint.dim("▎")} ${paint.italic(line)}`);
        }
        break;
      case "list": {
        const list = token as Tokens.List;
        gap();
        list.items.forEach((item, i) => {
          const bullet = list.ordered ? `${Number(list.start || 1) + i}.` : "•";
          const check = item.task ? (item.checked ? "[x] " : "[ ] ") : "";
          const body = blocks(item.tokens, paint).filter((line, j, all) => line !== "" || j < all.length - 1);
          body.forEach((line, j) => {
            lines.push(j === 0 ? `${paint.dim(bullet)} ${check}${line}` : `${" ".repeat(bullet.length + 1)}${line}`);
          });
        });
        break;
      }
      case "hr":
        gap();
        lines.push(paint.dim("─".repeat(40)));
        break;
      case "table": {
        const table = token as Tokens.Table;
        gap();
        const row = (cells: Tokens.TableCell[]) => cells.map((cell) => inline(cell.tokens, paint)).join(" │ ");
        lines.push(paint.bold(row(table.header)));
        for (const cells of table.rows) lines.push(row(cells));
        break;
      }
      case "html":
        gap();
        lines.push(...(token as Tokens.HTML).text.replace(/\n$/, "").split("\n"));
        break;
      case "text": {
        const text = token as Tokens.Text;
        lines.push(...(text.tokens ? inline(text.tokens, paint) : text.text).split("\n"));
        break;
      }
      default:
        if ("raw" in token && typeof token.raw === "string") lines.push(...token.raw.replace(/\n$/, "").split("\n"));
    }
  }
  return lines;
}

function inline(tokens: Token[] | undefined, paint: Palette): string {
  if (!tokens) return "";
  return tokens.map((token) => {
    switch (token.type) {
      case "strong":
        return paint.bold(inline((token as Tokens.Strong).tokens, paint));
      case "em":
        return paint.italic(inline((token as Tokens.Em).tokens, paint));
      case "del":
        return paint.dim(inline((token as Tokens.Del).tokens, paint));
      case "codespan":
        return paint.cyan(unescape((token as Tokens.Codespan).text));
      case "br":
        return "\n";
      case "link": {
        const link = token as Tokens.Link;
        const text = inline(link.tokens, paint);
        return link.href === link.text || link.href === `mailto:${link.text}`
          ? paint.underline(text)
          : `${paint.underline(text)} ${paint.dim(`(${link.href})`)}`;
      }
      case "image": {
        const image = token as Tokens.Image;
        return paint.dim(`[image: ${image.text || image.href}]`);
      }
      case "escape":
      case "text":
      case "html": {
        const t = token as Tokens.Text;
        return "tokens" in t && t.tokens ? inline(t.tokens, paint) : unescape(t.text);
      }
      default:
        return "raw" in token ? String(token.raw) : "";
    }
  }).join("");
}

/** marked hands inline text over HTML-escaped; a terminal wants it as written. */
function unescape(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[name] ?? "",
  );
}
