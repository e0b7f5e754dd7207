import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { runCru } from "./_helpers/run_cru.ts";

/** The log example in the README, exactly as a new user reads (and copies) it. */
const README_LOG = /```markdown\n([\s\S]*?)```/.exec(
  readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8"),
)![1];

interface ShowJson {
  events: { role: string; content: string; tool?: string; args?: unknown }[];
}

test("the README's own log example is read as written: the tool line carries its result", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    mkdirSync(join(dir, "sessions", "chat-abc123"), { recursive: true });
    writeFileSync(join(dir, "sessions", "chat-abc123", "2024-01-15-1030.md"), README_LOG);
    const run = await runCru(["session", "show", "chat-abc123", "--json", "--dir", dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "", "no warnings");
    assert.deepEqual((JSON.parse(run.stdout) as ShowJson).events.map((e) => [e.role, e.tool, e.args, e.content]), [
      ["user", undefined, undefined, "Find all notes tagged #project and summarize them"],
      ["assistant", undefined, undefined, "I'll search for notes with the project tag."],
      ["tool", "search_by_tags", { tags: ["project"] }, "Found 12 notes matching #project."],
    ]);
  }));

test("a stray paragraph and a ## line that is no timestamp stay text, each with one warning naming file and line", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = join(dir, "sessions", "chat-abc123", "2024-01-15-1030.md");
    mkdirSync(join(dir, "sessions", "chat-abc123"), { recursive: true });
    writeFileSync(
      file,
      `${README_LOG}\n## 2024-01-15T11:00:00Z\n\nA stray paragraph.\n\n## Tuesday\n\n**User:** next\n`,
    );
    const lines = README_LOG.split("\n").length;
    const expected = [
      `warning: ${file}:${lines + 3}: text without a **Role:** label under a turn heading; kept as a note`,
      `warning: ${file}:${lines + 5}: "## Tuesday" is not a turn heading (## <ISO timestamp>); kept as text`,
    ];
    for (const args of [["session", "show", "chat-abc123"], ["session", "show", "chat-abc123", "--json"]]) {
      const run = await runCru([...args, "--dir", dir]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.stderr.trimEnd().split("\n"), expected);
    }
    const shown = await runCru(["session", "show", "chat-abc123", "--json", "--dir", dir]);
    assert.deepEqual((JSON.parse(shown.stdout) as ShowJson).events.slice(3).map((e) => [e.role, e.content]), [
      ["note", "A stray paragraph.\n\n## Tuesday"],
      ["user", "next"],
    ]);
  }));
