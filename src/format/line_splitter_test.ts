import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineSplitter } from "./line_splitter.ts";
import { SourceFormatError } from "../model/errors.ts";

function split(bytes: Uint8Array, chunk: number, keepCR = false): string[] {
  const splitter = new LineSplitter({ keepCR });
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += chunk) lines.push(...splitter.push(bytes.subarray(at, at + chunk)));
  return [...lines, ...splitter.end()];
}

test("LineSplitter gives the same lines however the bytes are cut, multi-byte characters included", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 60 }).filter((t) => !t.startsWith("\uFEFF")),
      fc.integer({ min: 1, max: 9 }),
      (text, chunk) => {
        const expected = text.split("\n").map((line) => line.replace(/\r$/, ""));
        if (expected.at(-1) === "") expected.pop();
        assert.deepEqual(split(new TextEncoder().encode(text), chunk), expected);
      },
    ),
    { numRuns: 1000 },
  );
});

test("LineSplitter drops the CR of CRLF, keeps a lone CR, and drops a byte-order mark", () => {
  const bytes = new TextEncoder().encode("\uFEFFone\r\ntwo\rstill two\nthree");
  assert.deepEqual(split(bytes, 3), ["one", "two\rstill two", "three"]);
  assert.deepEqual(split(bytes, 3, true), ["one\r", "two\rstill two", "three"]);
});

test("LineSplitter keeps a line longer than any chunk whole", () => {
  const long = "x".repeat(100_000);
  assert.deepEqual(split(new TextEncoder().encode(`${long}\nend\n`), 4096), [long, "end"]);
});

test("LineSplitter turns invalid UTF-8 into U+FFFD instead of failing", () => {
  assert.deepEqual(split(new Uint8Array([0x61, 0xff, 0x62, 0x0a]), 1), ["a\uFFFDb"]);
});

test("input without line breaks is refused once a line passes the bound, not held in memory", () => {
  const splitter = new LineSplitter({ maxLineChars: 10, file: "big.jsonl" });
  assert.deepEqual(splitter.push(new TextEncoder().encode("short\n0123")), ["short"]);
  assert.throws(
    () => splitter.push(new TextEncoder().encode("456789abc")),
    (error: Error) => error instanceof SourceFormatError && /big\.jsonl:2: a line longer than 10/.test(error.message),
  );
  const whole = new LineSplitter({ maxLineChars: 10 });
  assert.deepEqual(whole.push(new TextEncoder().encode("0123456789\n")), ["0123456789"]);
});
