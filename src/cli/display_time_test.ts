import { test } from "node:test";
import assert from "node:assert/strict";
import { displayTime } from "./display_time.ts";

test("displayTime() shows local time with its offset on a terminal, and UTC when piped or asked", () => {
  const at = "2024-01-15T10:30:05Z";
  const local = displayTime(at, { terminal: true });
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):(\d{2})$/.exec(local);
  assert.ok(match, local);
  const [y, mo, d, h, mi, s, sign, oh, om] = match!.slice(1);
  const offsetMs = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  assert.equal(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offsetMs, Date.parse(at), "the same instant");
  assert.equal(displayTime(at, { terminal: true, utc: true }), at);
  assert.equal(displayTime(at, { terminal: false }), at);
  assert.equal(displayTime("sometime", { terminal: true }), "sometime");
});
