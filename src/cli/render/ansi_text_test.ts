import { test } from "node:test";
import assert from "node:assert/strict";
import { fit, truncate, visibleWidth, wrap } from "./ansi_text.ts";

test("visibleWidth() leaves escapes out and counts wide characters as two", () => {
  assert.equal(visibleWidth("\x1b[1mab\x1b[22m"), 2);
  assert.equal(visibleWidth("日本"), 4);
  assert.equal(visibleWidth("a😀"), 3);
});

test("truncate() cuts to the width with an ellipsis and keeps escapes closed", () => {
  assert.equal(truncate("abcdef", 4), "abc…");
  assert.equal(truncate("abc", 4), "abc");
  const cut = truncate("\x1b[1mabcdef\x1b[22m", 4);
  assert.equal(visibleWidth(cut), 4);
  assert.ok(cut.endsWith("\x1b[0m"));
});

test("wrap() breaks at spaces when it can, else mid-word, never over the width", () => {
  assert.deepEqual(wrap("the quick brown fox", 10), ["the quick", "brown fox"]);
  assert.deepEqual(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  for (const line of wrap("日本語のテキストです", 5)) assert.ok(visibleWidth(line) <= 5, line);
});

test("fit() pads or cuts to exactly the width", () => {
  assert.equal(fit("ab", 4), "ab  ");
  assert.equal(visibleWidth(fit("abcdefgh", 4)), 4);
});
