import { test } from "node:test";
import assert from "node:assert/strict";
import { isTranscript, watchSources } from "./watch_sources.ts";

const base = { flags: {}, config: {}, configFile: "/s/config.yaml", home: "/home/me", cwd: "/work", env: {} };

test("watchSources() watches Claude Code and Codex in their default folders, moved by their env vars", () => {
  assert.deepEqual(watchSources(base).map((s) => [s.name, s.roots]), [
    ["claude-code", ["/home/me/.claude/projects"]],
    ["codex", ["/home/me/.codex/sessions"]],
  ]);
  const moved = watchSources({ ...base, env: { claudeConfigDir: "/cfg/claude", codexHome: "/cfg/codex" } });
  assert.deepEqual(moved.map((s) => s.roots[0]), ["/cfg/claude/projects", "/cfg/codex/sessions"]);
});

test("watchSources(): flags replace config.yaml, which replaces the defaults; false turns a source off", () => {
  const sources = watchSources({
    ...base,
    flags: { aider: ["app", "/abs/other"] },
    config: { codex: false, aider: ["~/ignored"], specstory: ["~/notes"] },
  });
  assert.deepEqual(sources.map((s) => [s.name, s.roots]), [
    ["claude-code", ["/home/me/.claude/projects"]],
    ["aider", ["/work/app", "/abs/other"]],
    ["specstory", ["/home/me/notes"]],
  ]);
});

test("watchSources() refuses a source it does not know, naming the file and the key", () => {
  assert.throws(
    () => watchSources({ ...base, config: { cursor: ["/x"] } }),
    /^CruError: \/s\/config\.yaml: watch\.cursor is not a source cru watches \(claude-code, codex/,
  );
});

test("isTranscript() takes each tool's own files only", () => {
  assert.ok(isTranscript("claude-code", "/h/.claude/projects/-p/abc.jsonl"));
  assert.ok(!isTranscript("claude-code", "/h/.claude/projects/-p/abc.json"));
  assert.ok(isTranscript("aider", "/p/.aider.chat.history.md"));
  assert.ok(!isTranscript("aider", "/p/node_modules/x/.aider.chat.history.md"));
  assert.ok(isTranscript("specstory", "/p/.specstory/history/2025-01-01_10-00Z-chat.md"));
  assert.ok(!isTranscript("specstory", "/p/docs/history/notes.md"));
});
