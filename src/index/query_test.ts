import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidInputError } from "../model/errors.ts";
import { parseQuery } from "./query.ts";

test("parseQuery() makes each word a clause that must match, through the tokenizer", () => {
  assert.deepEqual(parseQuery("Build  Errors"), {
    clauses: [[{ kind: "term", term: "build" }], [{ kind: "term", term: "error" }]],
    excluded: [],
  });
});

test("parseQuery() reads phrases, closing an unclosed quote at the end", () => {
  const phrase = { kind: "phrase", terms: ["type", "error"] };
  assert.deepEqual(parseQuery('"type error"').clauses, [[phrase]]);
  assert.deepEqual(parseQuery('"type error').clauses, [[phrase]]);
  assert.deepEqual(parseQuery('"error"').clauses, [[{ kind: "term", term: "error" }]]);
});

test("parseQuery() makes a word of several terms a phrase of them", () => {
  assert.deepEqual(parseQuery("foo-bar").clauses, [[{ kind: "phrase", terms: ["foo", "bar"] }]]);
  assert.deepEqual(parseQuery("初始化").clauses, [[{ kind: "phrase", terms: ["初始", "始化"] }]]);
});

test("parseQuery() reads prefixes by their folded form and stem", () => {
  const pars = [{ kind: "prefix", prefix: "pars" }, { kind: "term", term: "par" }];
  assert.deepEqual(parseQuery("pars*").clauses, [pars]);
  assert.deepEqual(parseQuery("(pars*").clauses, [pars]);
  assert.deepEqual(parseQuery("running*").clauses, [[{ kind: "prefix", prefix: "running" }, {
    kind: "term",
    term: "run",
  }]]);
  assert.deepEqual(parseQuery("Café*").clauses, [[{ kind: "prefix", prefix: "cafe" }]]);
  assert.deepEqual(parseQuery("初*").clauses, [[{ kind: "prefix", prefix: "初" }]]);
  assert.deepEqual(parseQuery("x pars* OR y").clauses, [[{ kind: "term", term: "x" }], [...pars, {
    kind: "term",
    term: "y",
  }]]);
  assert.throws(() => parseQuery("foo-ba*"), InvalidInputError);
});

test("parseQuery() reads exclusions of words, phrases and prefixes", () => {
  assert.deepEqual(parseQuery('a -b -"c d" -e*').excluded, [
    { kind: "term", term: "b" },
    { kind: "phrase", terms: ["c", "d"] },
    { kind: "prefix", prefix: "e" },
  ]);
  assert.deepEqual(parseQuery("a - b").clauses.length, 2, "a lone dash is no exclusion");
});

test("parseQuery() binds OR tighter than the implicit AND", () => {
  assert.deepEqual(parseQuery("x a OR b OR c y").clauses, [
    [{ kind: "term", term: "x" }],
    [{ kind: "term", term: "a" }, { kind: "term", term: "b" }, { kind: "term", term: "c" }],
    [{ kind: "term", term: "y" }],
  ]);
  assert.deepEqual(parseQuery('"a b" OR c').clauses, [[{ kind: "phrase", terms: ["a", "b"] }, {
    kind: "term",
    term: "c",
  }]]);
  // A dangling OR is dropped, a doubled one counts once; a lowercase one is a word.
  assert.deepEqual(parseQuery("OR x OR").clauses, [[{ kind: "term", term: "x" }]]);
  assert.deepEqual(parseQuery("x OR OR y").clauses, [[{ kind: "term", term: "x" }, { kind: "term", term: "y" }]]);
  assert.deepEqual(parseQuery("x or y").clauses.length, 3);
  // An OR next to an exclusion joins nothing.
  assert.deepEqual(parseQuery("x -a OR b"), {
    clauses: [[{ kind: "term", term: "x" }], [{ kind: "term", term: "b" }]],
    excluded: [{ kind: "term", term: "a" }],
  });
  assert.deepEqual(parseQuery("x OR -a").clauses, [[{ kind: "term", term: "x" }]]);
});

test("parseQuery() refuses a query with nothing to look for, naming it", () => {
  assert.throws(() => parseQuery(""), /^InvalidInputError: invalid query "": expected at least one word/);
  assert.throws(() => parseQuery("-a -b"), /invalid query "-a -b": expected at least one word that is not excluded/);
  assert.throws(() => parseQuery('"" ...'), InvalidInputError);
});
