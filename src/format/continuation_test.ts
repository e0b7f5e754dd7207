import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { continuationContent, continuedText } from "./continuation.ts";

test("continuedText() gives back exactly the text continuationContent() wrapped (property)", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), (rest) => assert.equal(continuedText(continuationContent(rest)), rest)),
    { numRuns: 1000 },
  );
});

test("continuedText() refuses text that only looks like a continuation", () => {
  for (const text of ["(continued)", "(continued)x", "continued", " (continued) x", ""]) {
    assert.equal(continuedText(text), undefined, text);
  }
});
