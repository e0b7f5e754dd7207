import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruCommand, cruJson } from "./_helpers/run_cru.ts";

const ENV = { CRU_INDEX_IDLE_MS: "3000" };

const hasScript = (() => {
  try {
    execFileSync("script", ["-qec", "true", "/dev/null"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Runs cru with stdout on a terminal (through script(1)), in the given time zone. */
function onTerminal(args: string[], tz: string): Promise<string> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [...cruCommand(), ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    execFile("script", ["-qec", command, "/dev/null"], {
      timeout: 120_000,
      env: { ...process.env, TZ: tz, NO_COLOR: "1", ...ENV },
    }, (error, stdout) => (error ? reject(error) : resolve(stdout.replace(/\r\n/g, "\n"))));
  });
}

test("--until with a date includes that whole day, in list and search", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir], { env: ENV });
    await cruJson(["session", "append", id, "--role", "user", "plan the zebra migration", "--dir", dir], { env: ENV });
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const list = (until: string) =>
      cruJson<{ sessions: { id: string }[] }>(["session", "list", "--until", until, "--dir", dir], { env: ENV });
    assert.deepEqual((await list(today)).sessions.map((s) => s.id), [id]);
    assert.deepEqual((await list(yesterday)).sessions, []);
    const search = await cruJson<{ hits: { session_id: string }[] }>(
      ["session", "search", "zebra", "--until", today, "--dir", dir],
      { env: ENV },
    );
    assert.deepEqual(search.hits.map((h) => h.session_id), [id]);
  }));

test("text output shows local time on a terminal, UTC with --utc; JSON stays UTC", {
  skip: !hasScript && "script(1) is not installed (needed to give cru a terminal)",
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir], { env: ENV });
    await cruJson(["session", "append", id, "--role", "user", "hello", "--dir", dir], { env: ENV });
    const { started } = await cruJson<{ started: string }>(["session", "show", id, "--dir", dir]);
    const tokyo = new Date(Date.parse(started) + 9 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
    const local = `${tokyo} +09:00`;

    const shown = await onTerminal(["session", "show", id, "--dir", dir], "Asia/Tokyo");
    assert.ok(shown.includes(`started ${local}`), shown);
    assert.ok(!shown.includes(started), shown);
    const listed = await onTerminal(["session", "list", "--dir", dir], "Asia/Tokyo");
    assert.match(listed, new RegExp(`${id}\\s+chat\\s+${tokyo.slice(0, 10)} \\d{2}:\\d{2}:\\d{2} \\+09:00 `));
    const utc = await onTerminal(["session", "show", id, "--utc", "--dir", dir], "Asia/Tokyo");
    assert.ok(utc.includes(`started ${started}`), utc);
    const json = JSON.parse(await onTerminal(["session", "show", id, "--json", "--dir", dir], "Asia/Tokyo"));
    assert.equal(json.started, started);
  }));
