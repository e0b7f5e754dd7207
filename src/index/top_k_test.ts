import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TopK } from "./top_k.ts";

test("TopK keeps the k greatest, best first (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.integer()), fc.integer({ min: 0, max: 10 }), (values, k) => {
      const top = new TopK<number>(k, (a, b) => a > b);
      for (const value of values) top.offer(value);
      assert.deepEqual(top.sorted(), [...values].sort((a, b) => b - a).slice(0, k));
      assert.equal(top.full, values.length >= k);
    }),
  );
});
