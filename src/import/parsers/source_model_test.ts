import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { modelFromHead } from "./source_model.ts";

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../tests/fixtures/usage/${name}`, import.meta.url)), "utf8");

test("modelFromHead() finds the first model of a Claude Code or Codex transcript, skipping cut and synthetic lines", () => {
  assert.equal(modelFromHead("claude-code", fixture("claude_code.jsonl")), "claude-sonnet-4-5-20250929");
  assert.equal(modelFromHead("codex", fixture("codex.jsonl")), "gpt-5-codex");
  const synthetic = JSON.stringify({ type: "assistant", message: { model: "<synthetic>" } });
  assert.equal(modelFromHead("claude-code", `${synthetic}\n{"type":"assistant","message":{"model":"cut`), undefined);
  assert.equal(modelFromHead("aider", '{"model":"x"}'), undefined);
});
