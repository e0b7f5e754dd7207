import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAge, parseDateFilter, parseUntil } from "./time_filter.ts";

const NOW = new Date("2024-02-01T00:00:00Z");

test("parseDateFilter() reads dates, timestamps and relative ages", () => {
  assert.equal(parseDateFilter("2024-01-15", "--since", NOW), Date.UTC(2024, 0, 15));
  assert.equal(parseDateFilter("2024-01-15T10:30:00Z", "--since", NOW), Date.UTC(2024, 0, 15, 10, 30));
  assert.equal(parseDateFilter("2024-01-15T10:30:00+02:00", "--since", NOW), Date.UTC(2024, 0, 15, 8, 30));
  assert.equal(parseDateFilter("2024-01-15T10:30", "--since", NOW), Date.UTC(2024, 0, 15, 10, 30));
  assert.equal(parseDateFilter("7d", "--since", NOW), NOW.getTime() - 7 * 86_400_000);
  assert.equal(parseDateFilter("12h", "--since", NOW), NOW.getTime() - 12 * 3_600_000);
});

test("parseDateFilter() names the input and the value it cannot read", () => {
  for (const bad of ["yesterday", "2024-13-01", "2024-02-30", "7", "7y", "", "2024-01-15T25:00"]) {
    assert.throws(() => parseDateFilter(bad, "--since", NOW), (error: Error) => {
      assert.equal(error.message.startsWith(`invalid --since ${JSON.stringify(bad)}: expected`), true, error.message);
      return true;
    });
  }
});

test("parseAge() reads 30d, 12h, 2w, 90d and refuses anything else", () => {
  assert.equal(parseAge("30d", "--older-than"), 30 * 86_400_000);
  assert.equal(parseAge("12h", "--older-than"), 12 * 3_600_000);
  assert.equal(parseAge("2w", "--older-than"), 14 * 86_400_000);
  assert.throws(() => parseAge("90 days", "--older-than"), /invalid --older-than "90 days": expected an age/);
  assert.throws(() => parseAge("-1d", "--older-than"), /invalid --older-than/);
});

test("parseUntil() takes a bare date to the end of that day, and anything else as parseDateFilter() does", () => {
  assert.equal(parseUntil("2024-01-15", "--until", NOW), Date.UTC(2024, 0, 16) - 1);
  assert.equal(parseUntil("2024-01-15T10:30:00Z", "--until", NOW), Date.UTC(2024, 0, 15, 10, 30));
  assert.equal(parseUntil("7d", "--until", NOW), NOW.getTime() - 7 * 86_400_000);
  assert.throws(() => parseUntil("2024-02-30", "--until", NOW), /invalid --until "2024-02-30"/);
});

test("ages and relative dates too large to name a date are refused", () => {
  assert.throws(() => parseAge("99999999999d", "--older-than"), /at most 100000000d/);
  assert.throws(() => parseDateFilter("1000000000000000000000w", "--since"), /at most 100000000d/);
  assert.equal(parseAge("100000000d", "--older-than"), 100_000_000 * 86_400_000);
});
