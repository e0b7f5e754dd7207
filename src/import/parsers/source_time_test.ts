import { test } from "node:test";
import assert from "node:assert/strict";
import { findSourceTime, jsonTime } from "./source_time.ts";

test("findSourceTime() reads the times aider and SpecStory write", () => {
  const cases: [string, string | undefined][] = [
    ["# aider chat started at 2025-02-04 21:52:53", "2025-02-04T21:52:53Z"],
    ["# 2025-02-20 03:44:29Z", "2025-02-20T03:44:29Z"],
    ["Bot's awareness (2025-10-07 07:51Z)", "2025-10-07T07:51:00Z"],
    ["(2025-10-01 08:17+0200)", "2025-10-01T06:17:00Z"],
    ["(2025-10-01 08:17-02:30)", "2025-10-01T10:47:00Z"],
    ["面包屑导航 (2025/1/22 17:33:05)", "2025-01-22T17:33:05Z"],
    ["(2026-05-04)", "2026-05-04T00:00:00Z"],
    ["deepseek-v4-pro 2026-05-05 10:07:26Z", "2026-05-05T10:07:26Z"],
    ["2025-12-28T12:18:30.533Z", "2025-12-28T12:18:30Z"],
    ["copilot/claude-sonnet-4.5", undefined],
    ["2025-02-30 10:00", undefined],
    ["2025-01-01 25:00", undefined],
  ];
  for (const [text, expected] of cases) assert.equal(findSourceTime(text), expected, text);
});

test("jsonTime() reads ISO strings and epoch seconds or milliseconds, and nothing else", () => {
  assert.equal(jsonTime("2025-12-28T12:18:30.533Z"), "2025-12-28T12:18:30Z");
  assert.equal(jsonTime(1735388310), "2024-12-28T12:18:30Z");
  assert.equal(jsonTime(1735388310000), "2024-12-28T12:18:30Z");
  for (const bad of [null, undefined, {}, "soon", -1, Number.NaN]) assert.equal(jsonTime(bad), undefined);
});
