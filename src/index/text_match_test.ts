import { test } from "node:test";
import assert from "node:assert/strict";
import { parseQuery } from "./query.ts";
import { hasPhrase, matchesText } from "./text_match.ts";

test("matchesText() judges clauses, OR, phrases, prefixes and exclusions on the text", () => {
  const text = "The parser raised a Type Error while running";
  assert.ok(matchesText(parseQuery('"type error" run'), text));
  assert.ok(!matchesText(parseQuery('"error type"'), text));
  assert.ok(matchesText(parseQuery("missing OR pars*"), text));
  assert.ok(!matchesText(parseQuery("type -raise"), text));
  assert.ok(!matchesText(parseQuery('type -"type error"'), text));
});

test("hasPhrase() finds a run of terms anywhere, including at the end", () => {
  assert.ok(hasPhrase(["a", "b", "c"], ["b", "c"]));
  assert.ok(!hasPhrase(["a", "b", "c"], ["c", "b"]));
  assert.ok(!hasPhrase(["a"], ["a", "b"]));
});
