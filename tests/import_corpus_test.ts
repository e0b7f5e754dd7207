/**
 * The importer over the real transcripts other tools wrote (../shared/corpus/real). They are not part
 * of the repo: these tests run when `CRU_CORPUS` names that folder (`.ci/run` sets it when it is there)
 * and report themselves skipped otherwise. The repo's own fixtures (tests/import_test.ts) cover each
 * construct the corpus showed.
 */
import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { checkFolderImport, CORPUS, CORPUS_SKIP, importJson } from "./_helpers/transcripts.ts";

test("import reads every real transcript: sessions match the sources' markers and no word is lost", {
  skip: CORPUS_SKIP,
}, () =>
  withTempDir(async (tmp) => {
    const report = await checkFolderImport(CORPUS!, join(tmp, ".crucible"), [
      ["AttentionGate", "Brain-MRI"],
      ["debouncing", "bigmind"],
      ["homelab", ".jsonl"],
    ]);
    assert.ok(report.events > 1000, `${report.events} events`);
  }));

test(
  "two imports of the real aider histories at once write each event once",
  { skip: CORPUS_SKIP },
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const aider = join(CORPUS!, "aider");
      const [a, b] = await Promise.all([importJson(dir, aider), importJson(dir, aider)]);
      const once = await importJson(join(tmp, "once"), aider);
      assert.equal(a.events + b.events, once.events);
      assert.deepEqual(b.sessions.map((s) => s.id), a.sessions.map((s) => s.id));
    }),
);
