import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSnippet, RAW_MARKS } from "./snippet.ts";

const { open, close } = RAW_MARKS;

test("makeSnippet() keeps short text whole, on one line, with matches marked «like this»", () => {
  assert.equal(makeSnippet(`first line\n\n  the ${open}runs${close}\tend`), "first line the «runs» end");
});

test("makeSnippet() cuts a window around the first match at word boundaries and marks the cuts", () => {
  const text = `${"lorem ipsum ".repeat(20)}the ${open}needle${close} sits here ${"dolor sit ".repeat(40)}`;
  const snippet = makeSnippet(text, { before: 20, width: 60 });
  assert.match(snippet, /^… (lorem|ipsum) .*the «needle» sits here .*(dolor|sit) …$/);
  assert.ok(snippet.length <= 60 + 2 * 2 + 2, snippet);
});

test("makeSnippet() closes a match that the window cuts in half", () => {
  const text = `${open}${"a".repeat(50)}${close} tail`;
  assert.equal(makeSnippet(text, { width: 10 }), `«${"a".repeat(10)}» …`);
});

test("makeSnippet() starts at the beginning when nothing is marked", () => {
  assert.equal(makeSnippet("no match here", { width: 8 }), "no match …");
});

test("makeSnippet() never splits a surrogate pair", () => {
  const snippet = makeSnippet(`${"😀".repeat(50)}${open}x${close}${"😀".repeat(50)}`, { before: 5, width: 9 });
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(snippet), snippet);
  assert.ok(snippet.includes("«x»"), snippet);
});

test("makeSnippet() leaves marks that were already in the text alone", () => {
  assert.equal(makeSnippet(`«quoted» and ${open}hit${close}`), "«quoted» and «hit»");
});
