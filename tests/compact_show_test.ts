import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";

interface ShowJson {
  files: string[];
  logs: { file: string; context: string | null }[];
  events: { role: string; content: string }[];
}

test("compact --summary is part of the session: show and show --json see the summary where it was given", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir]);
    const cru = async (...args: string[]) => {
      const run = await runCru([...args, "--dir", dir]);
      assert.equal(run.code, 0, run.stderr);
      return run.stdout;
    };
    await cru("session", "append", id, "--role", "user", "why is the deploy slow?");
    await cru("session", "compact", id, "--summary", "The runner cache key is stale; bump it.");
    // A summary with nothing after it yet is shown too.
    let text = await cru("session", "show", id);
    assert.match(
      text,
      /user:\nwhy is the deploy slow\?\n\n── compacted\n\nsummary:\nThe runner cache key is stale; bump it\.\n$/,
    );
    await cru("session", "append", id, "--role", "assistant", "bumped");
    text = await cru("session", "show", id);
    assert.match(
      text,
      /── compacted\n\nsummary:\nThe runner cache key is stale; bump it\.\n\n── [^\n]+\n\nassistant:\nbumped/,
    );
    const shown = await cruJson<ShowJson>(["session", "show", id, "--dir", dir]);
    assert.deepEqual(shown.logs.map((l) => l.context), [null, "The runner cache key is stale; bump it."]);
    assert.deepEqual(shown.logs.map((l) => l.file), shown.files);
  }));
