import { test } from "node:test";
import assert from "node:assert/strict";
import { isPrintable, readKeys } from "./read_keys.ts";

test("readKeys() names arrows, control keys and characters, several to a chunk", () => {
  assert.deepEqual(readKeys("ab\x1b[A\x1bOB\x0e\x10\r\x7f\x03"), [
    "a",
    "b",
    "up",
    "down",
    "ctrl-n",
    "ctrl-p",
    "enter",
    "backspace",
    "ctrl-c",
  ]);
  assert.deepEqual(readKeys("\x1b[5~\x1b[6~\x1b[Z\t"), ["pageup", "pagedown", "shift-tab", "tab"]);
});

test("readKeys() reads a lone ESC as esc, and ESC before a character as alt (never leaving by mistake)", () => {
  assert.deepEqual(readKeys("\x1b"), ["esc"]);
  assert.deepEqual(readKeys("\x1bb"), ["alt-b"]);
});

test("readKeys() keeps characters outside the BMP whole", () => {
  assert.deepEqual(readKeys("é😀"), ["é", "😀"]);
  assert.ok(isPrintable("😀") && isPrintable("a") && !isPrintable("up") && !isPrintable("\x01"));
});
