import { test } from "node:test";
import assert from "node:assert/strict";
import { bestSnippet } from "./best_snippet.ts";

const is = (...terms: string[]) => (term: string) => terms.includes(term);

test("bestSnippet() picks the window holding the most distinct matched terms", () => {
  const text = "build alone here. " + "filler words ".repeat(40) + "then the build failed with a type error. " +
    "more filler ".repeat(40);
  const snippet = bestSnippet(text, is("build", "error"), { width: 80, before: 10 });
  assert.match(snippet, /^… .*the «build» failed with a type «error»/);
  assert.ok(snippet.endsWith(" …"));
});

test("bestSnippet() marks what the tokenizer matched: stems, folded letters, CJK runs as one", () => {
  assert.equal(bestSnippet("Running the runs", is("run")), "«Running» the «runs»");
  assert.equal(bestSnippet("un Café", is("cafe")), "un «Café»");
  assert.equal(bestSnippet("项目初始化完成", is("初始", "始化")), "项目«初始化»完成");
});

test("bestSnippet() puts the window on one line and shows the start when nothing matched", () => {
  assert.equal(bestSnippet("a\n\nb  c", is("b")), "a «b» c");
  assert.equal(bestSnippet("word ".repeat(100), is("x"), { width: 20 }), "word word word word …");
});

test("bestSnippet() never splits a surrogate pair", () => {
  const text = "😀".repeat(100) + " needle " + "😀".repeat(100);
  const snippet = bestSnippet(text, is("needl"), { width: 30, before: 7 });
  assert.ok(snippet.includes("«needle»"));
  assert.equal(snippet, snippet.toWellFormed());
});

test("bestSnippet() keeps the matches inside a narrow window", () => {
  const text = "intro. " + "filler ".repeat(50) + "The build failed: type error in build.ts";
  const snippet = bestSnippet(text, is("build", "error"), { width: 60 });
  assert.match(snippet, /«build» failed: type «error» in «build»/);
});
