import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodePostings, encodePostings } from "./postings_codec.ts";

test("encodePostings() and decodePostings() round-trip any ascending postings", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 200 }),
      fc.integer({ min: 1, max: 2 ** 31 }),
      (docs, tf) => {
        docs.sort((a, b) => a - b);
        const tfs = docs.map((_, i) => 1 + (tf + i) % 1000);
        const decoded = decodePostings(encodePostings(docs, tfs));
        assert.deepEqual([...decoded.docs], docs);
        assert.deepEqual([...decoded.tfs], tfs);
      },
    ),
  );
});

test("encodePostings() packs small gaps in a byte each", () => {
  const docs = Array.from({ length: 1000 }, (_, i) => i * 3);
  assert.ok(encodePostings(docs, docs.map(() => 1)).length <= 2 + 2000);
});

test("decodePostings() refuses truncated bytes", () => {
  const bytes = encodePostings([1, 300], [1, 200]);
  assert.throws(() => decodePostings(bytes.subarray(0, bytes.length - 1)), RangeError);
});
