import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_TERM_LENGTH, tokenize, TOKENIZER_VERSION, tokenizeWithOffsets } from "./tokenizer.ts";

test("tokenize() splits on anything but letters, digits and marks, and lowercases", () => {
  assert.deepEqual(tokenize("Hello, World! foo_bar x1 42"), ["hello", "world", "foo", "bar", "x1", "42"]);
  assert.deepEqual(tokenize(""), []);
  assert.deepEqual(tokenize("  ...  "), []);
});

test("tokenize() stems English with Snowball (Porter2)", () => {
  assert.deepEqual(tokenize("running runs ran"), ["run", "run", "ran"]);
  // Porter2, not the 1980 Porter algorithm: these differ between the two.
  assert.deepEqual(tokenize("generously skies dying news"), ["generous", "sky", "die", "news"]);
});

test("tokenize() folds to ASCII: accents, ligatures and letters without a decomposition", () => {
  assert.deepEqual(tokenize("Café naïve RÉSUMÉ"), tokenize("cafe naive resume"));
  assert.deepEqual(tokenize("cafe\u0301"), ["cafe"]);
  assert.deepEqual(tokenize("Straße Ærø Œuvre łódź ﬁn"), tokenize("strasse aero oeuvre lodz fin"));
  assert.deepEqual(tokenize("ПРИВЕТ мир"), ["привет", "мир"]);
});

test("tokenize() turns CJK runs into overlapping bigrams, a lone character into itself", () => {
  assert.deepEqual(tokenize("项目初始化完成"), ["项目", "目初", "初始", "始化", "化完", "完成"]);
  assert.deepEqual(tokenize("初始化"), ["初始", "始化"]);
  assert.deepEqual(tokenize("字"), ["字"]);
  assert.deepEqual(tokenize("abc日本語def"), ["abc", "日本", "本語", "def"]);
  assert.deepEqual(tokenize("カタカナ ひらがな 한국어"), [
    "カタ",
    "タカ",
    "カナ",
    "ひら",
    "らが",
    "がな",
    "한국",
    "국어",
  ]);
  assert.deepEqual(tokenize("𠀀𠀁𠀂"), ["𠀀𠀁", "𠀁𠀂"]);
});

test("tokenize() cuts very long words", () => {
  const [term] = tokenize("x".repeat(10_000));
  assert.equal(term.length, MAX_TERM_LENGTH);
});

test("tokenizeWithOffsets() gives where each term's text lies", () => {
  const text = "  Über-Café 初始化!";
  const spans = tokenizeWithOffsets(text);
  assert.deepEqual(spans.map((s) => s.term), ["uber", "cafe", "初始", "始化"]);
  assert.deepEqual(spans.map((s) => text.slice(s.start, s.end)), ["Über", "Café", "初始", "始化"]);
  const emoji = "a😀b";
  assert.deepEqual(tokenizeWithOffsets(emoji).map((s) => emoji.slice(s.start, s.end)), ["a", "b"]);
});

test("TOKENIZER_VERSION names the stemmer", () => {
  assert.match(TOKENIZER_VERSION, /porter2/);
});
