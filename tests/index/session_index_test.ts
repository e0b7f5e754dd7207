/**
 * The index against a real embedded SurrealDB. Each test runs the engine in a
 * child process (`index_child.ts`) with a time limit, so that nothing can
 * hang the runner, and asserts on the JSON it prints.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Fingerprint, SearchHit, SessionSummary } from "../../src/index/mod.ts";
import { aliasOf } from "../../src/index/connect.ts";
import { makeLog, runChild, startChild, urlIn, valueOf, withTempDir } from "./_child.ts";

/** Filler that keeps test words rare, so that BM25 gives them a score above 0. */
const FILLER = [
  "the weather was mild and the garden needed water",
  "lunch was soup with bread and a green salad",
  "the meeting moved to thursday afternoon at three",
  "a parcel arrived for the neighbours downstairs",
  "the train was late again because of signal trouble",
  "someone left an umbrella in the hall cupboard",
  "the library closes early on public holidays",
  "new curtains for the bedroom are on order",
];

function snippets(hits: SearchHit[]): string[] {
  return hits.map((hit) => hit.snippet);
}

test("search() finds 'runs' when asked for 'running', and marks the match in the snippet", async () => {
  await withTempDir(async (dir) => {
    const log = makeLog("chat-a", "one", [...FILLER, "The nightly build runs slowly on the old server"]);
    const report = await runChild({
      url: urlIn(dir),
      steps: [{ op: "replaceLog", args: [log] }, { op: "search", args: ["running"] }],
    });
    assert.equal(report.schema, "created");
    valueOf(report.steps[0]);
    const hits = valueOf<SearchHit[]>(report.steps[1]);
    assert.deepEqual(snippets(hits), ["The nightly build «runs» slowly on the old server"]);
    assert.equal(hits[0].session_id, "chat-a");
    assert.equal(hits[0].file, log.file);
    assert.equal(hits[0].at, log.events.at(-1)!.at);
    assert.equal(hits[0].role, "user");
    assert.equal(hits[0].seq, FILLER.length);
  });
});

test("search() puts the event where a rare word is denser first, with informative scores above 0", async () => {
  await withTempDir(async (dir) => {
    const sparse = "we talked about many things today and one of them was a zebra seen at the zoo near the river";
    const dense = "zebra zebra crossing zebra";
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        { op: "replaceLog", args: [makeLog("chat-a", "one", [...FILLER, sparse])] },
        { op: "replaceLog", args: [makeLog("chat-b", "one", [...FILLER, dense])] },
        { op: "search", args: ["zebra"] },
      ],
    });
    const hits = valueOf<SearchHit[]>(report.steps[2]);
    assert.deepEqual(hits.map((hit) => hit.session_id), ["chat-b", "chat-a"]);
    assert.ok(hits[1].score > 0, `scores should be above 0: ${JSON.stringify(hits)}`);
    assert.ok(
      hits[0].score > hits[1].score * 1.2,
      `the denser match should score clearly higher: ${JSON.stringify(hits)}`,
    );
    assert.equal(hits[0].snippet, "«zebra» «zebra» crossing «zebra»");
  });
});

test("search() requires every word, and a word no event has gives no hits", async () => {
  await withTempDir(async (dir) => {
    const log = makeLog("chat-a", "one", [...FILLER, "deploy the kubernetes cluster", "deploy the website"]);
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        { op: "replaceLog", args: [log] },
        { op: "search", args: ["deploy kubernetes"] },
        { op: "search", args: ["deploy"] },
        { op: "search", args: ["deploy xylophone"] },
        { op: "search", args: ["   "] },
        { op: "search", args: ["!!!"] },
      ],
    });
    assert.deepEqual(snippets(valueOf(report.steps[1])), ["«deploy» the «kubernetes» cluster"]);
    assert.equal(valueOf<SearchHit[]>(report.steps[2]).length, 2);
    assert.deepEqual(valueOf(report.steps[3]), []);
    assert.deepEqual(valueOf(report.steps[4]), []);
    assert.deepEqual(valueOf(report.steps[5]), []);
  });
});

test("search() finds tool names and session titles, and binds the query text", async () => {
  await withTempDir(async (dir) => {
    const log = makeLog("chat-a", "one", [...FILLER, {
      role: "tool",
      tool: "search_by_tags",
      content: "Found 12 notes",
    }], {
      title: "Quarterly planning",
    });
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        { op: "replaceLog", args: [log] },
        { op: "search", args: ["search_by_tags"] },
        { op: "search", args: ["quarterly"] },
        { op: "search", args: ["'; REMOVE TABLE event; --"] },
        { op: "search", args: ["notes"] },
      ],
    });
    const [tool] = valueOf<SearchHit[]>(report.steps[1]);
    assert.equal(tool.tool, "search_by_tags");
    assert.equal(tool.role, "tool");
    assert.equal(tool.snippet, "«search»_«by»_«tags» Found 12 notes");
    const [title] = valueOf<SearchHit[]>(report.steps[2]);
    assert.deepEqual(
      { role: title.role, snippet: title.snippet, file: title.file, at: title.at },
      { role: "title", snippet: "«Quarterly» planning", file: log.file, at: log.started },
    );
    assert.ok(report.steps[3].ok);
    assert.equal(valueOf<SearchHit[]>(report.steps[4]).length, 1, "the events table must still be there");
  });
});

test("search() filters by type, since, until and limit, and the filters combine", async () => {
  await withTempDir(async (dir) => {
    // Four sessions a day apart, each with one event about "backup".
    const days = ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"];
    const ids = ["chat-d1", "agent-d2", "chat-d3", "agent-d4"];
    const logs = ids.map((id, i) =>
      makeLog(id, "one", [...FILLER, `backup number ${i}`], { started: `${days[i]}T09:00:00Z` })
    );
    const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
    const search = (filters: object) => ({ op: "search" as const, args: ["backup", filters] });
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        ...logs.map((log) => ({ op: "replaceLog" as const, args: [log] })),
        search({}),
        search({ type: "agent" }),
        search({ since: ms("2024-03-03") }),
        search({ until: ms("2024-03-03") }),
        search({ type: "chat", since: ms("2024-03-02"), until: ms("2024-03-04") }),
        search({ limit: 2 }),
        search({ type: "workflow" }),
        search({ limit: 0 }),
      ],
    });
    const sessions = (i: number) => valueOf<SearchHit[]>(report.steps[4 + i]).map((hit) => hit.session_id).sort();
    assert.deepEqual(sessions(0), [...ids].sort());
    assert.deepEqual(sessions(1), ["agent-d2", "agent-d4"]);
    assert.deepEqual(sessions(2), ["agent-d4", "chat-d3"]);
    assert.deepEqual(sessions(3), ["agent-d2", "chat-d1"]);
    assert.deepEqual(sessions(4), ["chat-d3"]);
    assert.equal(sessions(5).length, 2);
    assert.deepEqual(sessions(6), []);
    const bad = report.steps[4 + 7];
    assert.ok(!bad.ok && bad.error.code === "invalid_input", JSON.stringify(bad));
  });
});

test("listSessions() puts the newest activity first and filters by type, since, until and limit", async () => {
  await withTempDir(async (dir) => {
    const first = makeLog("chat-old", "2024-01-01-0900", ["hello", "bye"], {
      started: "2024-01-01T09:00:00Z",
      title: "Old",
    });
    const continued = makeLog("chat-old", "2024-01-05-0900", ["again"], {
      started: "2024-01-05T09:00:00Z",
      ended: "2024-01-05T09:30:00Z",
    });
    const agent = makeLog("agent-mid", "one", ["think"], { started: "2024-01-03T09:00:00Z" });
    const empty = makeLog("chat-empty", "one", [], {
      started: "2024-01-02T09:00:00Z",
      fingerprint: { size: 80, mtimeMs: Date.parse("2024-01-04T00:00:00Z"), hash: "e" },
    });
    const list = (filters: object) => ({ op: "listSessions" as const, args: [filters] });
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        ...[first, continued, agent, empty].map((log) => ({ op: "replaceLog" as const, args: [log] })),
        list({}),
        list({ type: "agent" }),
        list({ since: Date.parse("2024-01-03T12:00:00Z") }),
        list({ until: Date.parse("2024-01-03T12:00:00Z") }),
        list({ limit: 1 }),
      ],
    });
    const all = valueOf<SessionSummary[]>(report.steps[4]);
    assert.deepEqual(all.map((s) => s.id), ["chat-old", "chat-empty", "agent-mid"]);
    assert.deepEqual(all[0], {
      id: "chat-old",
      type: "chat",
      title: "Old",
      started: "2024-01-01T09:00:00Z",
      last_activity: "2024-01-05T09:00:00Z",
      events: 3,
      ended: "2024-01-05T09:30:00Z",
    });
    assert.equal(all[1].last_activity, "2024-01-04T00:00:00Z", "without events, the file time counts");
    const ids = (i: number) => valueOf<SessionSummary[]>(report.steps[4 + i]).map((s) => s.id);
    assert.deepEqual(ids(1), ["agent-mid"]);
    assert.deepEqual(ids(2), ["chat-old", "chat-empty"]);
    assert.deepEqual(ids(3), ["agent-mid"]);
    assert.deepEqual(ids(4), ["chat-old"]);
  });
});

test("removeLogs() forgets a file's events and fingerprint, and the session once its last file is gone", async () => {
  await withTempDir(async (dir) => {
    const a1 = makeLog("chat-a", "one", [...FILLER, "walrus one"]);
    const a2 = makeLog("chat-a", "two", ["walrus two"], { started: "2024-01-16T10:00:00Z" });
    const b = makeLog("chat-b", "one", ["walrus three"]);
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        ...[a1, a2, b].map((log) => ({ op: "replaceLog" as const, args: [log] })),
        { op: "removeLogs", args: [[a2.file, b.file, "/not/known.md"]] },
        { op: "search", args: ["walrus"] },
        { op: "listSessions", args: [] },
        { op: "fingerprints" },
      ],
    });
    valueOf(report.steps[3]);
    assert.deepEqual(snippets(valueOf(report.steps[4])), ["«walrus» one"]);
    const [session, ...others] = valueOf<SessionSummary[]>(report.steps[5]);
    assert.deepEqual(others, []);
    assert.equal(session.events, FILLER.length + 1);
    assert.deepEqual(Object.keys(valueOf(report.steps[6])), [a1.file]);
  });
});

test("removeSession() forgets every file of the session and nothing else", async () => {
  await withTempDir(async (dir) => {
    const a1 = makeLog("chat-a", "one", [...FILLER, "otter one"]);
    const a2 = makeLog("chat-a", "two", ["otter two"], { title: "Otters" });
    const b = makeLog("chat-b", "one", ["otter three"]);
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        ...[a1, a2, b].map((log) => ({ op: "replaceLog" as const, args: [log] })),
        { op: "removeSession", args: ["chat-a"] },
        { op: "search", args: ["otter"] },
        { op: "listSessions", args: [] },
        { op: "fingerprints" },
      ],
    });
    valueOf(report.steps[3]);
    assert.deepEqual(valueOf<SearchHit[]>(report.steps[4]).map((hit) => hit.session_id), ["chat-b"]);
    assert.deepEqual(valueOf<SessionSummary[]>(report.steps[5]).map((s) => s.id), ["chat-b"]);
    assert.deepEqual(Object.keys(valueOf(report.steps[6])), [b.file]);
  });
});

test("fingerprints() round-trip, and appendEvents() applies only on top of the fingerprint it expects", async () => {
  await withTempDir(async (dir) => {
    const log = makeLog("chat-a", "one", [...FILLER, "alpaca first"]);
    const fp1: Fingerprint = log.fingerprint;
    const fp2: Fingerprint = { size: 150, mtimeMs: fp1.mtimeMs + 1000, hash: "second" };
    const fp3: Fingerprint = { size: 190, mtimeMs: fp1.mtimeMs + 2000, hash: "third" };
    const n = log.events.length;
    const append = (seq: number, content: string, fingerprint: Fingerprint) => ({
      ...log,
      fingerprint,
      events: [{ seq, role: "assistant", content, at: "2024-01-15T11:00:00Z" }],
    });
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        { op: "replaceLog", args: [log] },
        { op: "fingerprints" },
        { op: "appendEvents", args: [append(n, "alpaca second", fp2), { previous: fp1 }] },
        { op: "appendEvents", args: [append(n + 1, "alpaca lost", fp3), { previous: fp1 }] },
        { op: "fingerprints" },
        { op: "search", args: ["alpaca"] },
        // A retried append (same seq) replaces the event instead of duplicating it.
        { op: "appendEvents", args: [append(n, "alpaca again", fp3)] },
        { op: "search", args: ["alpaca"] },
        { op: "listSessions", args: [] },
      ],
    });
    assert.deepEqual(valueOf(report.steps[1]), { [log.file]: fp1 });
    assert.equal(valueOf(report.steps[2]), true);
    assert.equal(valueOf(report.steps[3]), false, "a stale previous fingerprint must be refused");
    assert.deepEqual(valueOf(report.steps[4]), { [log.file]: fp2 });
    assert.deepEqual(snippets(valueOf(report.steps[5])).sort(), ["«alpaca» first", "«alpaca» second"]);
    assert.deepEqual(snippets(valueOf(report.steps[7])).sort(), ["«alpaca» again", "«alpaca» first"]);
    const [session] = valueOf<SessionSummary[]>(report.steps[8]);
    assert.equal(session.events, n + 1);
    assert.equal(session.last_activity, "2024-01-15T11:00:00Z");
  });
});

test("replaceLog() replaces the file's events and clear() empties the index", async () => {
  await withTempDir(async (dir) => {
    const before = makeLog("chat-a", "one", [...FILLER, "llama old text"]);
    const after = makeLog("chat-a", "one", [...FILLER.slice(0, 3), "llama new text"], {
      fingerprint: { size: 1, mtimeMs: 2, hash: "new" },
    });
    const report = await runChild({
      url: urlIn(dir),
      steps: [
        { op: "replaceLog", args: [before] },
        { op: "replaceLog", args: [after] },
        { op: "search", args: ["llama"] },
        { op: "listSessions", args: [] },
        { op: "clear" },
        { op: "search", args: ["llama"] },
        { op: "listSessions", args: [] },
        { op: "fingerprints" },
      ],
    });
    assert.deepEqual(snippets(valueOf(report.steps[2])), ["«llama» new text"]);
    assert.equal(valueOf<SessionSummary[]>(report.steps[3])[0].events, 4);
    valueOf(report.steps[4]);
    assert.deepEqual(valueOf(report.steps[5]), []);
    assert.deepEqual(valueOf(report.steps[6]), []);
    assert.deepEqual(valueOf(report.steps[7]), {});
  });
});

test("a second process gets IndexBusyError quickly while the first holds the index", async () => {
  await withTempDir(async (dir) => {
    const holder = startChild({ url: urlIn(dir), steps: [{ op: "sleep", ms: 2000 }] });
    await holder.opened;
    const started = Date.now();
    const second = await runChild({ url: urlIn(dir), timeoutMs: 5000 }, 20_000);
    const elapsed = Date.now() - started;
    assert.equal(second.open?.code, "index_busy", JSON.stringify(second));
    assert.match(second.open!.message, /another process holds its lock/);
    assert.ok(second.open!.message.includes(join(dir, "index")), second.open!.message);
    assert.ok(second.openMs < 2000, `IndexBusyError took ${second.openMs} ms`);
    assert.ok(elapsed < 15_000, `the busy child took ${elapsed} ms in all`);
    assert.equal((await holder.report).steps.length, 1);
  });
});

test("opening a store of another schema version drops it and reports 'rebuilt'", async () => {
  await withTempDir(async (dir) => {
    const log = makeLog("chat-a", "one", ["penguin"]);
    const first = await runChild({ url: urlIn(dir), steps: [{ op: "replaceLog", args: [log] }] });
    valueOf(first.steps[0]);
    await runChild({ url: urlIn(dir), raw: "UPSERT meta:schema SET version = 0;" });
    const second = await runChild({
      url: urlIn(dir),
      steps: [{ op: "fingerprints" }, { op: "search", args: ["penguin"] }, { op: "replaceLog", args: [log] }],
    });
    assert.equal(second.schema, "rebuilt");
    assert.deepEqual(valueOf(second.steps[0]), {});
    assert.deepEqual(valueOf(second.steps[1]), []);
    valueOf(second.steps[2]);
    const third = await runChild({ url: urlIn(dir), steps: [{ op: "search", args: ["penguin"] }] });
    assert.equal(third.schema, "ok");
    assert.equal(valueOf<SearchHit[]>(third.steps[0]).length, 1);
  });
});

test("opening a server that never answers fails with WaitTimeoutError instead of hanging", async () => {
  const server = createServer(() => {}); // accepts connections and says nothing
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as { port: number };
    const report = await runChild({ url: `ws://127.0.0.1:${port}`, timeoutMs: 700 }, 20_000);
    assert.equal(report.open?.code, "wait_timeout", JSON.stringify(report));
    assert.ok(report.openMs < 3000, `gave up after ${report.openMs} ms`);
  } finally {
    server.close();
  }
});

test("opening a server that refuses the connection fails with IndexUnavailableError", async () => {
  const report = await runChild({ url: "ws://127.0.0.1:1", timeoutMs: 5000 }, 20_000);
  assert.equal(report.open?.code, "index_unavailable", JSON.stringify(report));
});

test("an embedded index whose path holds a space stays in that folder", async () => {
  await withTempDir(async (dir) => {
    const folder = join(dir, "my sessions", "index");
    mkdirSync(folder, { recursive: true });
    const report = await runChild({
      url: `rocksdb://${folder}?sync=never`,
      steps: [{ op: "replaceLog", args: [makeLog("chat-a", "one", ["hedgehog"])] }, {
        op: "search",
        args: ["hedgehog"],
      }],
    });
    assert.equal(valueOf<SearchHit[]>(report.steps[1]).length, 1);
    assert.ok(existsSync(join(folder, "CURRENT")), "the store must be inside the folder asked for");
    assert.ok(!existsSync(join(dir, "my%20sessions")), "no escaped twin folder may appear");
    rmSync(aliasOf(folder), { force: true });
  });
});
