import { test } from "node:test";
import assert from "node:assert/strict";
import { palette } from "./paint.ts";
import { renderTerminalMarkdown } from "./terminal_markdown.ts";

const plain = palette({ colour: false });

test("renderTerminalMarkdown() shows code blocks in a gutter and keeps their text exactly", () => {
  const lines = renderTerminalMarkdown("Run:\n\n```sh\nif a < b; then\n  echo &amp;\nfi\n```", plain);
  assert.deepEqual(lines, ["Run:", "", "┌ sh", "│ if a < b; then", "│   echo &amp;", "│ fi"]);
});

test("renderTerminalMarkdown() renders lists, quotes and links, and leaves raw HTML as text", () => {
  const lines = renderTerminalMarkdown("- one\n- two\n\n> said\n\n<b>x</b> & [docs](https://x.dev)", plain);
  assert.deepEqual(lines, ["• one", "• two", "", "▎ said", "", "<b>x</b> & docs (https://x.dev)"]);
});

test("renderTerminalMarkdown() styles emphasis and code with escapes only when the palette has them", () => {
  const styled = renderTerminalMarkdown("**bold** and `code`", palette({ colour: true }));
  assert.equal(styled[0], "\x1b[1mbold\x1b[22m and \x1b[36mcode\x1b[39m");
  const noColour = renderTerminalMarkdown("**bold** and `code`", palette({ colour: false, emphasis: true }));
  assert.equal(noColour[0], "\x1b[1mbold\x1b[22m and code");
});
