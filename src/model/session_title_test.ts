import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_DERIVED_TITLE, titleFromText } from "./session_title.ts";

test("titleFromText() takes the first line with words, spaces collapsed", () => {
  assert.equal(titleFromText("\n\n   \n  add   a test\nand more"), "add a test");
  assert.equal(titleFromText("---\n你能识别我的图片吗？"), "你能识别我的图片吗？");
  assert.equal(titleFromText("  \n--\n"), undefined);
});

test("titleFromText() cuts a long line with an ellipsis, never inside a character", () => {
  const title = titleFromText("a😀".repeat(100))!;
  assert.equal([...title].length, MAX_DERIVED_TITLE);
  assert.ok(title.endsWith("…"));
  assert.ok(!title.includes("\uFFFD"));
});
