import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeSoon, withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";
import type { SearchHit } from "../mod.ts";

type Hit = SearchHit;

/** Index owners started by these tests go away soon after the test's store does. */
const ENV = { CRU_INDEX_IDLE_MS: "4000" };
const cru = <T>(args: string[], dir: string) => cruJson<T>([...args, "--dir", dir], { env: ENV });
const search = (query: string, dir: string, ...filters: string[]) =>
  cru<{ hits: Hit[] }>(["session", "search", query, ...filters], dir);

async function session(dir: string, type: string, ...events: [string, string][]): Promise<string> {
  const { id } = await cru<{ id: string }>(["session", "new", "--type", type], dir);
  for (const [role, text] of events) await cru(["session", "append", id, "--role", role, text], dir);
  return id;
}

/** Filler sessions so that test words are rare and BM25 scores are informative. */
async function filler(dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await session(dir, "chat", ["user", `ordinary chatter number ${i} about lunch and weather`]);
  }
}

test("search ranks denser matches first with informative scores, and stems words", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    await filler(dir, 6);
    const sparse = await session(dir, "chat", [
      "user",
      "the zeppelin was mentioned once among many other words in a long sentence about travel",
    ]);
    const dense = await session(dir, "chat", ["user", "zeppelin zeppelin zeppelins: a zeppelin"]);
    const { hits } = await search("zeppelin", dir);
    assert.deepEqual(hits.map((h) => h.session_id), [dense, sparse]);
    assert.ok(hits[0].score > hits[1].score && hits[1].score > 0, JSON.stringify(hits.map((h) => h.score)));
    assert.match(hits[0].snippet, /«zeppelin»/i);
    const stemmed = await search("zeppelin", dir);
    assert.equal(stemmed.hits.length, 2);
    const running = await session(dir, "agent", ["thought", "the indexer runs nightly"]);
    const { hits: runHits } = await search("running", dir);
    assert.deepEqual(runHits.map((h) => h.session_id), [running]);
  }));

test("search filters by type, since, until and limit, and they combine", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const chat = await session(dir, "chat", ["user", "quokka sighting report"]);
    const agent = await session(dir, "agent", ["thought", "quokka population model"]);
    const workflow = await session(dir, "workflow", ["step", "quokka census export"]);
    const ids = async (...filters: string[]) =>
      (await search("quokka", dir, ...filters)).hits.map((h) => h.session_id).sort();
    assert.deepEqual(await ids(), [agent, chat, workflow].sort());
    assert.deepEqual(await ids("--type", "agent"), [agent]);
    assert.deepEqual(await ids("--type", "workflow", "--since", "1h"), [workflow]);
    assert.deepEqual(await ids("--since", "2999-01-01"), []);
    assert.deepEqual(await ids("--until", "2000-01-01T00:00:00Z"), []);
    assert.deepEqual(await ids("--until", "2999-01-01", "--since", "2000-01-01"), [agent, chat, workflow].sort());
    assert.equal((await ids("--limit", "2")).length, 2);
    const listed = await cru<{ sessions: { id: string }[] }>(["session", "list", "--type", "chat"], dir);
    assert.deepEqual(listed.sessions.map((s) => s.id), [chat]);
    const bad = await runCru(["session", "search", "quokka", "--since", "last tuesday", "--dir", dir], { env: ENV });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^cru: invalid --since "last tuesday"/);
  }));

test("deleting the index loses nothing: the next search rebuilds it", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const id = await session(dir, "chat", ["user", "the axolotl tank needs cleaning"]);
    assert.equal((await search("axolotl", dir)).hits.length, 1);
    await cru(["session", "append", id, "--role", "assistant", "axolotl tank cleaned"], dir);
    await removeSoon(join(dir, "index")); // the owner sees its socket go and stops
    const { hits } = await search("axolotl", dir);
    assert.deepEqual(hits.map((h) => h.role).sort(), ["assistant", "user"]);
  }));

test("a hand edit to a log is found by the next search, and the old text is gone", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const id = await session(dir, "chat", ["user", "original wording with platypus"]);
    assert.equal((await search("platypus", dir)).hits.length, 1);
    const shown = await cru<{ files: string[] }>(["session", "show", id], dir);
    const file = shown.files[0];
    writeFileSync(file, readFileSync(file, "utf8").replace("platypus", "narwhal"));
    appendFileSync(file, "\n**Assistant:** and a hand-written answer about the okapi\n");
    assert.equal((await search("platypus", dir)).hits.length, 0);
    assert.equal((await search("narwhal", dir)).hits.length, 1);
    assert.equal((await search("okapi", dir)).hits[0].role, "assistant");
  }));

test("a broken log is reported by name while the rest is indexed", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const good = await session(dir, "chat", ["user", "the capybara is fine"]);
    const broken = await session(dir, "chat", ["user", "the capybara file is broken"]);
    const shown = await cru<{ files: string[] }>(["session", "show", broken], dir);
    writeFileSync(shown.files[0], readFileSync(shown.files[0], "utf8").replace("type: chat", "type: [chat"));
    const run = await runCru(["session", "search", "capybara", "--json", "--dir", dir], { env: ENV });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stderr.includes(shown.files[0]), `stderr names the broken file: ${run.stderr}`);
    const hits = (JSON.parse(run.stdout) as { hits: Hit[] }).hits.map((h) => h.session_id).sort();
    assert.deepEqual(hits, [good, broken].sort(), "the broken file's events are still indexed");
  }));

test("reindex rebuilds from markdown alone and searches return the same as before", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    await session(dir, "chat", ["user", "pangolin facts"], ["assistant", "pangolins have scales"]);
    await session(dir, "agent", ["thought", "pangolin habitat"]);
    const before = await search("pangolin", dir);
    const report = await cru<{ sessions: number; events: number; files: number; seconds: number }>([
      "session",
      "reindex",
    ], dir);
    assert.deepEqual({ sessions: report.sessions, events: report.events, files: report.files }, {
      sessions: 2,
      events: 3,
      files: 2,
    });
    assert.equal(typeof report.seconds, "number");
    assert.deepEqual(await search("pangolin", dir), before);
  }));

test("6 writer processes x 8 appends and 4 concurrent searches all finish; all 48 events are indexed", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const id = await session(dir, "agent");
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let n = 0; n < 8; n++) {
        await cru(["session", "append", id, "--role", "action", `wombat step w${w}n${n}`], dir);
      }
    });
    const searches = Array.from({ length: 4 }, () => search("wombat", dir, "--limit", "100"));
    const results = await Promise.all([...writers, ...searches]);
    for (const result of results.slice(6)) assert.ok((result as { hits: Hit[] }).hits.length <= 48);
    const { hits } = await search("wombat", dir, "--limit", "100");
    assert.equal(hits.length, 48);
    const listed = await cru<{ sessions: { id: string; events: number }[] }>(["session", "list"], dir);
    assert.equal(listed.sessions.find((s) => s.id === id)?.events, 48);
  }));

test("a search against a server runs when CRU_TEST_SURREAL_URL is set", {
  skip: !process.env.CRU_TEST_SURREAL_URL && "CRU_TEST_SURREAL_URL is not set",
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const url = process.env.CRU_TEST_SURREAL_URL!;
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir, "--db", url]);
    await cruJson(["session", "append", id, "--role", "user", "remote okapi", "--dir", dir, "--db", url]);
    const { hits } = await cruJson<{ hits: Hit[] }>(["session", "search", "okapi", "--dir", dir, "--db", url]);
    assert.equal(hits[0].session_id, id);
  }));

test("kill -9 of the index owner mid-indexing: the waiting search is answered by a new owner that repairs the index", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cru<{ id: string }>(["session", "new", "--type", "agent"], dir);
    const { open } = await import("../mod.ts");
    const library = open({ dir });
    for (let batch = 0; batch < 30; batch++) {
      await library.append(
        id,
        Array.from(
          { length: 100 },
          (_, n) => ({
            role: "action" as const,
            content: `tapir event ${batch * 100 + n} with some more words to index`,
          }),
        ),
      );
    }
    const pending = runCru(["session", "search", "tapir", "--dir", dir], { env: ENV });
    const pid = await waitForOwnerPid(dir);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it index part of the 3,000 events
    process.kill(pid, "SIGKILL");
    const interrupted = await pending;
    assert.equal(interrupted.code, 0, interrupted.stderr);
    // Whether the kill caught the owner mid-work or just after, the next search gets every event from a new owner.
    const { hits } = await search("tapir", dir, "--limit", "5000");
    assert.equal(hits.length, 3000);
    assert.notEqual(await waitForOwnerPid(dir, pid), pid, "a new owner took over");
  }));

/** The pid of the newest owner that served this store (other than `not`). */
async function waitForOwnerPid(dir: string, not?: number): Promise<number> {
  for (let i = 0; i < 1200; i++) {
    try {
      const pids = [...readFileSync(join(dir, "index", "owner.log"), "utf8").matchAll(/\[(\d+)\] serving/g)].map((m) =>
        Number(m[1])
      );
      const newest = pids.at(-1);
      if (newest !== undefined && newest !== not) return newest;
    } catch { /* not there yet */ }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("no index owner started");
}

test("an owner started while another still holds the index (shutting down) waits for it instead of giving up", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { open } = await import("../mod.ts");
    const { openLockFile } = await import("../src/runtime/lock_file.ts");
    const cru = open({ dir, indexStartTimeoutMs: 20_000 });
    const session = await cru.openSession();
    await session.say("user", "the dugong surfaced");
    // What an owner compacting a big index on its way out looks like: the lock held, no socket.
    mkdirSync(join(dir, "index"), { recursive: true });
    const lock = openLockFile(join(dir, "index", "owner.lock"));
    assert.ok(lock.tryLock(true));
    setTimeout(() => {
      lock.unlock();
      lock.close();
    }, 1_500);
    const { hits } = await cru.search("dugong");
    assert.equal(hits.length, 1);
  }));

test("a 50 MB event is indexed like any other: search, list and reindex still work for the whole store", {
  timeout: 300_000,
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { open } = await import("../mod.ts");
    const library = open({ dir, plugins: [], userPlugins: false });
    const small = await library.newSession({ title: "small" });
    await library.append(small.id, { role: "user", content: "an ordinary gecko" });
    const big = await library.newSession({ title: "big" });
    const filler = "lorem ipsum dolor sit amet ".repeat(2_000_000); // 54 MB
    await library.append(big.id, { role: "tool", tool: "dump", content: `${filler} the hidden salamander` });
    const { hits, total } = await cru<{ hits: Hit[]; total: number }>(["session", "search", "salamander"], dir);
    assert.equal(total, 1);
    assert.equal(hits[0].session_id, big.id);
    assert.ok(hits[0].snippet.length < 1_000, "the snippet is a window, not the event");
    assert.equal((await search("gecko", dir)).hits[0].session_id, small.id);
    const listed = await cru<{ sessions: { id: string; events: number }[] }>(["session", "list"], dir);
    assert.deepEqual(listed.sessions.map((s) => s.events).sort(), [1, 1]);
    await cru(["session", "reindex"], dir);
    assert.equal((await cru<{ total: number }>(["session", "search", "salamander"], dir)).total, 1);
  }));

test("a session folder another tool writes while the owner runs is found by the next search, and its removal too", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    await session(dir, "chat", ["user", "warm the owner up"]);
    assert.equal((await search("quokka", dir)).hits.length, 0);
    const folder = join(dir, "sessions", "chat-20240115-103000-handmd");
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, "2024-01-15-1030.md"),
      "---\nsession_id: chat-20240115-103000-handmd\ntype: chat\nstarted: 2024-01-15T10:30:00Z\n" +
        "continued_from: null\n---\n\n# Chat Session\n\n## 2024-01-15T10:30:00Z\n\n**User:** a quokka smiled\n",
    );
    await waitUntil(async () => (await search("quokka", dir)).hits.length === 1, "the new folder to be indexed");
    await removeSoon(folder);
    await waitUntil(async () => (await search("quokka", dir)).hits.length === 0, "the removed folder to be forgotten");
  }));

/** Polls `check` for up to 10 s: the owner learns of changes by watching, which takes a moment. */
async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 10_000;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`gave up waiting for ${what}`);
}
