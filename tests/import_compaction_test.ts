/** A compaction in a Claude Code or Codex transcript becomes a continuation log of the imported session. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { ClaudeLines, CodexLines } from "./_helpers/transcript_lines.ts";
import { SessionStore } from "../src/store/session_store.ts";
import { importSources } from "../src/import/import_service.ts";

const text = (lines: string[]) => lines.map((line) => `${line}\n`).join("");

test("a Claude Code compaction starts a continuation log carrying its summary; re-importing adds nothing", () =>
  withTempDir(async (tmp) => {
    const store = new SessionStore({ root: join(tmp, ".crucible") });
    const file = join(tmp, "s.jsonl");
    const claude = new ClaudeLines("s1");
    writeFileSync(
      file,
      text([
        claude.user("Fix the flaky test"),
        claude.assistant("Looking at it."),
        ...claude.compaction("we found the race in the fixture"),
        claude.assistant("Continuing after the summary."),
      ]),
    );
    const first = await importSources(store, [file], { from: "claude-code" });
    const id = first.sessions[0].id;
    const session = await store.read(id);
    assert.equal(session.logs.length, 2);
    const [before, after] = session.logs;
    assert.equal(after.log.meta.continued_from, basename(before.file));
    assert.match(
      readFileSync(after.file, "utf8"),
      /\*Compacted from previous session\. Context: .*race in the fixture/,
    );
    // The boundary stays in the first log; the summary and what follows are in the continuation.
    assert.deepEqual(after.log.events.map((e) => e.role), ["user", "assistant"]);
    assert.match(after.log.events[0].content, /race in the fixture/);
    assert.equal(after.log.meta.started, after.log.events[0].at, "the continuation starts at the source's time");

    const again = await importSources(store, [file], { from: "claude-code" });
    assert.equal(again.events, 0);
    assert.equal((await store.read(id)).logs.length, 2, "no second continuation");

    appendFileSync(file, text([claude.user("and now the next bug")]));
    const grown = await importSources(store, [file], { from: "claude-code" });
    assert.equal(grown.events, 1);
    const logs = (await store.read(id)).logs;
    assert.equal(logs.length, 2);
    assert.equal(logs[1].log.events.at(-1)?.content, "and now the next bug");
  }));

test("a Codex compacted line starts a continuation log, taken once however often the file is imported", () =>
  withTempDir(async (tmp) => {
    const store = new SessionStore({ root: join(tmp, ".crucible") });
    const file = join(tmp, "rollout.jsonl");
    const codex = new CodexLines("c1");
    writeFileSync(file, text([codex.meta(), ...codex.user("Rename the module")]));
    const first = await importSources(store, [file], { from: "codex" });
    const id = first.sessions[0].id;
    appendFileSync(file, text([codex.compacted("renamed half the imports"), ...codex.assistant("All renamed.")]));
    await importSources(store, [file], { from: "codex" });
    await importSources(store, [file], { from: "codex" });
    const logs = (await store.read(id)).logs;
    assert.equal(logs.length, 2);
    assert.deepEqual(logs[0].log.events.map((e) => e.role), ["user"]);
    assert.deepEqual(logs[1].log.events.map((e) => `${e.role}: ${e.content}`), [
      "note: Compacted: renamed half the imports",
      "assistant: All renamed.",
    ]);
  }));
