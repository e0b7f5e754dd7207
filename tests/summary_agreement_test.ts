/**
 * `show` and `list` summarise a session by one rule (src/model/session_summary.ts): title, started, ended and
 * last activity agree for the logs where they used to differ.
 */
import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson } from "./_helpers/run_cru.ts";
import { SessionStore } from "../src/store/session_store.ts";

const SUMMARY_KEYS = ["title", "started", "ended", "last_activity"] as const;

type Summary = Record<(typeof SUMMARY_KEYS)[number], string | null> & { id: string };

test(
  "show --json and list --json agree on title, started, ended and last activity",
  { timeout: 240_000 },
  () =>
    withTempDir(async (dir) => {
      const root = join(dir, ".crucible");
      let clock = Date.parse("2024-03-01T09:00:00Z");
      const store = new SessionStore({ root, now: () => new Date(clock) });

      // A log with a `# Heading` and no `title:`.
      const headed = store.create({ type: "chat" });
      writeFileSync(headed.file, readFileSync(headed.file, "utf8").replace("# Chat Session", "# Deploy notes"));
      await store.append(headed.id, [{ role: "user", content: "ship it" }]);

      // A continuation whose first log has no title: its heading is the default one, "(continued)".
      clock += 60_000;
      const continued = store.create({ type: "agent" });
      await store.append(continued.id, [{ role: "user", content: "start" }]);
      clock += 120_000;
      await store.compact(continued.id, "what happened so far");
      clock += 120_000;
      await store.append(continued.id, [{ role: "assistant", content: "carried on" }]);
      await store.end(continued.id);

      // A session without events: its last activity is its log's mtime.
      clock += 60_000;
      const empty = store.create({ type: "workflow", title: "Nothing yet" });
      utimesSync(empty.file, new Date("2024-03-02T12:00:00Z"), new Date("2024-03-02T12:00:00Z"));

      // An imported session: old events, imported recently.
      const imported = store.create({
        type: "chat",
        started: "2023-05-01T08:00:00Z",
        extra: { source: "aider", imported: "2024-03-03T10:00:00Z" },
      });
      await store.appendTimed(imported.id, [{ role: "user", content: "old question", at: "2023-05-01T08:01:00Z" }]);

      const listed = await cruJson<{ sessions: Summary[] }>(["session", "list", "--dir", root], { timeoutMs: 120_000 });
      const rows = new Map(listed.sessions.map((row) => [row.id, row]));
      const expected: Record<string, Partial<Summary>> = {
        [headed.id]: { title: "Deploy notes" },
        [continued.id]: { title: null, last_activity: "2024-03-01T09:05:00Z" },
        [empty.id]: { title: "Nothing yet", last_activity: "2024-03-02T12:00:00Z" },
        [imported.id]: { started: "2023-05-01T08:00:00Z", last_activity: "2024-03-03T10:00:00Z" },
      };
      for (const [id, wanted] of Object.entries(expected)) {
        const shown = await cruJson<Summary>(["session", "show", id, "--dir", root], { timeoutMs: 120_000 });
        const row = rows.get(id);
        assert.ok(row, `list has ${id}`);
        for (const key of SUMMARY_KEYS) assert.equal(row[key], shown[key], `${id}: ${key} in list and show`);
        for (const [key, value] of Object.entries(wanted)) {
          assert.equal(shown[key as keyof Summary], value, `${id}: ${key}`);
        }
      }
      assert.notEqual(rows.get(continued.id)!.ended, null, "the ended continuation is listed as ended");
    }),
);
