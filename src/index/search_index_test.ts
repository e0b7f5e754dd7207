import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { InvalidInputError } from "../model/errors.ts";
import { type LogSpec, makeLog, minuteIso, seededRandom } from "./_test_logs.ts";
import { MemoryStorage, SimulatedCrash, type StorageCall } from "./memory_storage.ts";
import { openSearchIndex } from "./search_index.ts";
import type { IndexedLog, IndexFilters, SearchAnswer, SearchIndex } from "./search_index_api.ts";

const LOGS: LogSpec[] = [
  {
    file: "sessions/chat-a/2024-01-15-1030.md",
    title: "Fix the flaky build",
    tags: ["ci", "bug"],
    facts: { cwd: "/src/cru", project: "cru", branch: "main", host: "box", model: "m1", source: "claude" },
    events: [
      "The build failed with a type error in parser.ts",
      { content: "running the tests again", role: "assistant" },
      { content: "found 3 failures", role: "tool", tool: "run_tests", args: '{"filter":"parser"}' },
      "café au lait, naïve résumé",
      "项目初始化完成",
    ],
  },
  {
    file: "sessions/agent-b/2024-01-16-0900.md",
    type: "agent",
    title: "Refactor storage",
    started: minuteIso(60),
    tags: ["refactor"],
    facts: { cwd: "/src/cru/app", project: "cru", branch: "dev", host: "other", model: "m2", source: "codex" },
    events: [
      { content: "the error type is wrong here", role: "thought", minute: 60 },
      { content: "runs the type checker", role: "action", tool: "deno_check", minute: 61 },
      { content: "error: build broke again", role: "result", minute: 62 },
    ],
  },
  {
    file: "sessions/chat-c/2024-01-17-0800.md",
    facts: { cwd: "/home/me/notes" },
    events: [
      { content: "prefix words: parsing parser parsed", minute: 120 },
      { content: "unrelated note about lunch", minute: 121 },
    ],
  },
];

async function indexOf(specs: LogSpec[] = LOGS, storage = new MemoryStorage()): Promise<SearchIndex> {
  const index = await openSearchIndex(storage);
  for (const spec of specs) index.putLog(makeLog(spec));
  return index;
}

function where(answer: SearchAnswer): string[] {
  return answer.hits.map((hit) => `${hit.session_id}#${hit.seq ?? "title"}`).sort();
}

test("openSearchIndex() says created for an empty store and ok when reopened", async () => {
  const storage = new MemoryStorage();
  const index = await indexOf(LOGS, storage);
  assert.equal(index.status, "created");
  await index.flush();
  assert.equal((await openSearchIndex(storage)).status, "ok");
});

test("search() requires every word, and finds stems, folded letters and CJK words", async () => {
  const index = await indexOf();
  assert.deepEqual(where(await index.search("build error")), ["agent-b#2", "chat-a#0"]);
  assert.deepEqual(where(await index.search("run")), ["agent-b#1", "chat-a#1", "chat-a#2"]);
  assert.deepEqual(where(await index.search("cafe resume")), ["chat-a#3"]);
  assert.deepEqual(where(await index.search("Café")), ["chat-a#3"]);
  assert.deepEqual(where(await index.search("初始化")), ["chat-a#4"]);
  assert.deepEqual(where(await index.search("化完")), ["chat-a#4"]);
  assert.deepEqual(where(await index.search("nothing-like-this")), []);
});

test("search() finds tool names and arguments, titles and tags", async () => {
  const index = await indexOf();
  assert.deepEqual(where(await index.search("run_tests")), ["chat-a#2"]);
  assert.deepEqual(where(await index.search("filter parser")), ["chat-a#2"]);
  assert.deepEqual(where(await index.search("flaky")), ["chat-a#title"]);
  assert.deepEqual(where(await index.search("refactor")), ["agent-b#title"]);
  const [title] = (await index.search("flaky")).hits;
  assert.equal(title.role, "title");
  assert.equal(title.line, 1);
  assert.equal(title.at, minuteIso(0));
});

test("search() matches exact phrases, prefixes, exclusions and OR", async () => {
  const index = await indexOf();
  assert.deepEqual(where(await index.search('"type error"')), ["chat-a#0"]);
  assert.deepEqual(where(await index.search('"error type"')), ["agent-b#0"]);
  assert.deepEqual(where(await index.search('"type error')), ["chat-a#0"], "an unclosed quote closes at the end");
  assert.deepEqual(where(await index.search("pars*")), ["chat-a#0", "chat-a#2", "chat-c#0"]);
  assert.deepEqual(where(await index.search("error -build")), ["agent-b#0"]);
  assert.deepEqual(where(await index.search('type -"type error"')), ["agent-b#0", "agent-b#1"]);
  assert.deepEqual(where(await index.search("error -pars*")), ["agent-b#0", "agent-b#2"]);
  assert.deepEqual(where(await index.search("lunch OR naive")), ["chat-a#3", "chat-c#1"]);
  assert.deepEqual(where(await index.search("error build OR type")), ["agent-b#0", "agent-b#2", "chat-a#0"]);
  assert.deepEqual(where(await index.search("failures OR lunch tests")), ["chat-a#2"]);
  // A word with several terms is a phrase of them.
  assert.deepEqual(where(await index.search("type-error")), ["chat-a#0"]);
});

test("search() refuses queries with nothing to look for, naming the query", async () => {
  const index = await indexOf();
  for (const query of ["", "   ", "-build", '-"type error"', "--"]) {
    await assert.rejects(index.search(query), (error: Error) => {
      assert.ok(error instanceof InvalidInputError, String(error));
      assert.ok(error.message.startsWith(`invalid query ${JSON.stringify(query)}: expected`), error.message);
      return true;
    });
  }
});

test("search() applies every filter alone and combined", async () => {
  const index = await indexOf();
  const cases: [IndexFilters, string[]][] = [
    [{}, ["agent-b#0", "agent-b#2", "chat-a#0"]],
    [{ type: "agent" }, ["agent-b#0", "agent-b#2"]],
    [{ type: "workflow" }, []],
    [{ role: "result" }, ["agent-b#2"]],
    [{ session: "chat-a" }, ["chat-a#0"]],
    [{ since: Date.parse(minuteIso(61)) }, ["agent-b#2"]],
    [{ until: Date.parse(minuteIso(60)) }, ["agent-b#0", "chat-a#0"]],
    [{ since: Date.parse(minuteIso(60)), until: Date.parse(minuteIso(60)) }, ["agent-b#0"]],
    [{ tag: "ci" }, ["chat-a#0"]],
    [{ cwd: "/src/cru" }, ["agent-b#0", "agent-b#2", "chat-a#0"]],
    [{ cwd: "/src/cru/" }, ["agent-b#0", "agent-b#2", "chat-a#0"]],
    [{ cwd: "/src/cru/app" }, ["agent-b#0", "agent-b#2"]],
    [{ cwd: "/src/cr" }, []],
    [{ project: "cru" }, ["agent-b#0", "agent-b#2", "chat-a#0"]],
    [{ branch: "dev" }, ["agent-b#0", "agent-b#2"]],
    [{ host: "box" }, ["chat-a#0"]],
    [{ model: "m2" }, ["agent-b#0", "agent-b#2"]],
    [{ source: "claude" }, ["chat-a#0"]],
    [{ type: "agent", role: "thought", branch: "dev", since: Date.parse(minuteIso(30)) }, ["agent-b#0"]],
    [{ type: "chat", branch: "dev" }, []],
  ];
  for (const [filters, expected] of cases) {
    assert.deepEqual(where(await index.search("error", filters)), expected, JSON.stringify(filters));
  }
  assert.deepEqual(where(await index.search("type", { tool: "deno_check" })), ["agent-b#1"]);
  assert.deepEqual(where(await index.search("tests", { tool: "run_tests" })), ["chat-a#2"]);
  // A title matches a time range its log reaches into.
  assert.deepEqual(where(await index.search("storage", { since: Date.parse(minuteIso(62)) })), ["agent-b#title"]);
  assert.deepEqual(where(await index.search("storage", { until: Date.parse(minuteIso(59)) })), []);
});

test("search() gives file, line, time, role, tool, a snippet, and total beyond the limit", async () => {
  const index = await indexOf();
  const { hits, total } = await index.search("error", { limit: 1 });
  assert.equal(total, 3);
  assert.equal(hits.length, 1);
  const [hit] = (await index.search("failures")).hits;
  assert.deepEqual({ ...hit, score: undefined }, {
    session_id: "chat-a",
    type: "chat",
    file: "sessions/chat-a/2024-01-15-1030.md",
    line: 14,
    seq: 2,
    at: minuteIso(2),
    role: "tool",
    tool: "run_tests",
    snippet: 'found 3 «failures» run_tests {"filter":"parser"}',
    score: undefined,
  });
  assert.ok(hit.score > 0);
});

test("search() orders by score, and a shorter document with the term ranks higher", async () => {
  const index = await indexOf([{
    file: "sessions/chat-x/a.md",
    events: ["needle", "needle in a long long long long long long haystack", "needle needle and more"],
  }, { file: "sessions/chat-y/a.md", events: ["plain", "words", "only"] }]);
  const { hits } = await index.search("needle");
  assert.deepEqual(hits.map((hit) => hit.seq), [0, 2, 1]);
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
});

test("a 50 MB event is indexed, found and shown like any other", { timeout: 240_000 }, async () => {
  const big = "lorem ipsum dolor ".repeat(50 * 1024 * 1024 / 18) + " needlex at the end";
  assert.ok(big.length >= 50 * 1024 * 1024);
  const storage = new MemoryStorage();
  const index = await indexOf([{ file: "sessions/chat-big/a.md", events: [big, "small dolor"] }], storage);
  await index.flush();
  const reopened = await openSearchIndex(storage);
  for (const engine of [index, reopened]) {
    assert.deepEqual(where(await engine.search("needlex")), ["chat-big#0"]);
    const dolor = await engine.search("dolor");
    assert.equal(dolor.total, 2);
    const huge = dolor.hits.find((hit) => hit.seq === 0)!;
    assert.ok(huge.snippet.length < 400 && huge.snippet.includes("«dolor»"), huge.snippet);
  }
});

/** Queries whose answers must agree between indexes that should hold the same. */
const PROBES = ["build", "error", "type", '"type error"', "pars*", "run", "初始化", "flaky", "lunch OR café"];

async function answers(index: SearchIndex): Promise<unknown> {
  const results: unknown[] = [];
  for (const query of PROBES) results.push(await index.search(query, { limit: 50 }));
  results.push(index.listSessions());
  results.push([...index.fingerprints()].sort());
  return results;
}

test("putLog() of a rewritten log answers as indexing the final log fresh", async () => {
  const original: LogSpec = {
    file: "sessions/chat-r/a.md",
    title: "Rewrite me",
    events: ["first build", "second error", "third type error", "fourth lunch", "fifth parser"],
  };
  const rewrites: LogSpec[] = [
    { ...original, version: 1, events: ["first build", "EDITED error build", "third type error", "fourth", "fifth"] },
    { ...original, version: 2, events: ["first build", "third type error", "fourth lunch", "fifth parser"] },
    { ...original, version: 3, events: [...original.events, "sixth build", "seventh café"] },
    { ...original, version: 4, title: "Renamed", tags: ["x"], events: ["only one"] },
    { ...original, version: 5, type: "agent", sessionId: "agent-r" },
  ];
  for (const rewrite of rewrites) {
    for (const flushFirst of [false, true]) {
      const live = await indexOf([...LOGS, original]);
      if (flushFirst) await live.flush();
      live.putLog(makeLog(rewrite));
      const fresh = await indexOf([...LOGS, rewrite]);
      assert.deepEqual(await answers(live), await answers(fresh), `version ${rewrite.version}, flushed ${flushFirst}`);
    }
  }
});

test("putLog() moves hits to their new lines when an edit above them shifts the file", async () => {
  const before: LogSpec = { file: "sessions/chat-l/a.md", events: ["alpha", "bravo", "charlie"] };
  const index = await indexOf([before]);
  await index.flush();
  index.putLog(makeLog({
    ...before,
    version: 1,
    events: [{ content: "alpha" }, { content: "bravo", line: 20 }, { content: "charlie", line: 23 }],
  }));
  const lines = async (query: string) => (await index.search(query)).hits.map((hit) => hit.line);
  assert.deepEqual(await lines("alpha"), [8]);
  assert.deepEqual(await lines("bravo"), [20]);
  assert.deepEqual(await lines("charlie"), [23]);
});

test("removeLog() forgets a log's events, title and record", async () => {
  const index = await indexOf();
  await index.flush();
  index.removeLog(LOGS[1].file);
  const fresh = await indexOf([LOGS[0], LOGS[2]]);
  assert.deepEqual(await answers(index), await answers(fresh));
  await index.flush();
  assert.deepEqual(await answers(index), await answers(fresh));
});

test("flush() and a reopen from storage give the same answers; the tail is searchable before", async () => {
  const storage = new MemoryStorage();
  const index = await indexOf(LOGS, storage);
  assert.equal(index.tailSize, 12);
  const before = await answers(index);
  await index.flush();
  assert.equal(index.tailSize, 0);
  assert.deepEqual(await answers(index), before);
  assert.deepEqual(await answers(await openSearchIndex(storage)), before);
});

test("a store made by another tokenizer is cleared and reported rebuilt; orphan segments are swept", async () => {
  const storage = new MemoryStorage();
  const index = await indexOf(LOGS, storage);
  await index.flush();
  const state = (await storage.loadState())!;
  await storage.writeSegment({
    id: "orphan",
    docCount: 0,
    level: 0,
    terms: [],
    docFreqs: new Uint32Array(),
    columns: new Uint8Array(),
    files: [],
    sessions: [],
    postings: [],
    texts: [],
  });
  await openSearchIndex(storage);
  assert.deepEqual((await storage.segmentIds()).sort(), [...state.segments].sort());
  await storage.commit({
    baseVersion: state.version,
    state: { ...state, tokenizer: "0:old" },
    putFiles: [],
    removeFiles: [],
  });
  const reopened = await openSearchIndex(storage);
  assert.equal(reopened.status, "rebuilt");
  assert.equal((await reopened.search("build")).total, 0);
  assert.deepEqual(await storage.segmentIds(), []);
});

test("listSessions() summarises sessions newest first, with filters", async () => {
  const index = await indexOf([
    ...LOGS,
    {
      file: "sessions/chat-a/2024-01-15-1200.md",
      sessionId: "chat-a",
      title: "Continued",
      tags: ["later"],
      started: minuteIso(5),
      ended: minuteIso(300),
      events: [{ content: "more", minute: 300 }],
    },
  ]);
  const sessions = index.listSessions();
  assert.deepEqual(sessions.map((s) => s.id), ["chat-a", "chat-c", "agent-b"]);
  assert.deepEqual(sessions[0], {
    id: "chat-a",
    type: "chat",
    title: "Fix the flaky build",
    tags: ["ci", "bug", "later"],
    started: minuteIso(0),
    last_activity: minuteIso(300),
    events: 6,
    ended: minuteIso(300),
  });
  assert.deepEqual(index.listSessions({ type: "agent" }).map((s) => s.id), ["agent-b"]);
  assert.deepEqual(index.listSessions({ tag: "refactor" }).map((s) => s.id), ["agent-b"]);
  assert.deepEqual(index.listSessions({ cwd: "/src/cru" }).map((s) => s.id), ["chat-a", "agent-b"]);
  assert.deepEqual(index.listSessions({ since: Date.parse(minuteIso(121)) }).map((s) => s.id), ["chat-a", "chat-c"]);
  assert.deepEqual(index.listSessions({ until: Date.parse(minuteIso(121)) }).map((s) => s.id), ["chat-c", "agent-b"]);
  assert.deepEqual(index.listSessions({ limit: 1 }).map((s) => s.id), ["chat-a"]);
  assert.deepEqual(index.listSessions({ session: "chat-c" }).map((s) => s.id), ["chat-c"]);
});

test("merge() keeps answers, drops dead documents and deletes its inputs after the commit", async () => {
  const storage = new MemoryStorage();
  const index = await openSearchIndex(storage, { mergeFactor: 2 });
  for (const spec of LOGS) {
    index.putLog(makeLog(spec));
    await index.flush();
  }
  index.removeLog(LOGS[2].file);
  await index.flush();
  const before = await answers(index);
  assert.equal(await index.merge(), true);
  while (await index.merge()) { /* until none is due */ }
  assert.equal((await storage.loadState())!.segments.length, 1);
  assert.deepEqual((await storage.segmentIds()).length, 1);
  assert.deepEqual(await answers(index), before);
  assert.deepEqual(await answers(await openSearchIndex(storage)), before);
});

/** What the service does after a crash: reopen, then feed every log whose fingerprint differs, drop the gone. */
async function recover(storage: MemoryStorage, logs: IndexedLog[]): Promise<SearchIndex> {
  const index = await openSearchIndex(storage);
  const known = index.fingerprints();
  for (const log of logs) {
    const had = known.get(log.file);
    if (had === undefined || JSON.stringify(had) !== JSON.stringify(log.fingerprint)) index.putLog(log);
  }
  const files = new Set(logs.map((log) => log.file));
  for (const file of known.keys()) if (!files.has(file)) index.removeLog(file);
  return index;
}

test("a crash at any step of a flush or a merge leaves answers equal to a fresh build after catch-up", async () => {
  const steps: [StorageCall, number][] = [
    ["writeSegment", 0],
    ["commit", 0],
    ["writeSegment", 1],
    ["commit", 1],
    ["deleteSegments", 0],
  ];
  const final = [
    makeLog({ ...LOGS[0], version: 1, events: ["edited build", ...LOGS[0].events.slice(2)] }),
    makeLog(LOGS[1]),
    makeLog({ file: "sessions/chat-new/a.md", events: ["brand new build error"] }),
  ];
  const fresh = await answers(
    await (async () => {
      const index = await openSearchIndex(new MemoryStorage());
      for (const log of final) index.putLog(log);
      return index;
    })(),
  );
  for (const [call, skip] of steps) {
    const storage = new MemoryStorage();
    const index = await openSearchIndex(storage, { mergeFactor: 2 });
    for (const spec of LOGS) {
      index.putLog(makeLog(spec));
      await index.flush();
    }
    // The changes to come: an edited log, a removed one, a new one; then a flush and merges.
    storage.failNext(call, skip);
    let crashed = false;
    try {
      for (const log of final) index.putLog(log);
      index.removeLog(LOGS[2].file);
      await index.flush();
      while (await index.merge()) { /* until none is due */ }
      await index.flush();
    } catch (error) {
      assert.ok(error instanceof SimulatedCrash, String(error));
      crashed = true;
    }
    assert.ok(crashed, `${call} #${skip + 1} was reached`);
    const recovered = await recover(storage, final);
    assert.deepEqual(await answers(recovered), fresh, `after a crash in ${call} #${skip + 1}`);
    await recovered.flush();
    assert.deepEqual(await answers(await recover(storage, final)), fresh, `reopened after ${call} #${skip + 1}`);
  }
});

test("a flush that failed is retried by the next one, and the records wait for it", async () => {
  const storage = new MemoryStorage();
  const index = await indexOf(LOGS, storage);
  storage.failNext("commit");
  await assert.rejects(index.flush(), SimulatedCrash);
  assert.equal((await storage.loadFiles()).length, 0, "no record without its segment");
  assert.equal((await index.search("build")).total, 3, "still searchable");
  await index.flush();
  assert.equal((await storage.loadFiles()).length, 3);
  assert.deepEqual(await answers(await openSearchIndex(storage)), await answers(index));
});

test("top hits equal a brute-force sort of every match (property)", async () => {
  const words = ["ant", "bee", "cat", "dog", "eel", "fox"];
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }), { maxLength: 8 }), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.constantFrom(...words),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 3 }),
      async (logs, word, limit, flushAfter) => {
        const index = await openSearchIndex(new MemoryStorage(), { mergeFactor: 2 });
        for (const [i, events] of logs.entries()) {
          index.putLog(makeLog({ file: `sessions/chat-${i}/a.md`, events: events.map((e) => e.join(" ")) }));
          if (i === flushAfter) await index.flush();
        }
        const all = await index.search(word, { limit: 10_000 });
        const top = await index.search(word, { limit });
        const brute = [...all.hits].sort((a, b) =>
          b.score - a.score || Date.parse(b.at) - Date.parse(a.at) ||
          (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
          (a.seq ?? -1) - (b.seq ?? -1)
        );
        const expectedTotal = logs.flat().filter((e) => e.includes(word)).length;
        assert.equal(all.total, expectedTotal);
        assert.equal(top.total, expectedTotal);
        assert.deepEqual(top.hits, brute.slice(0, limit));
      },
    ),
    { numRuns: 60, seed: 42 },
  );
});

test("searches see puts at once, and answers are stable while merges run", async () => {
  const random = seededRandom(3);
  const index = await openSearchIndex(new MemoryStorage(), { mergeFactor: 3 });
  let expected = 0;
  for (let round = 0; round < 12; round++) {
    const events = Array.from({ length: 5 }, () => (random() < 0.5 ? "hit word" : "miss word"));
    expected += events.filter((event) => event.startsWith("hit")).length;
    index.putLog(makeLog({ file: `sessions/chat-${round}/a.md`, events }));
    const merging = round % 3 === 2 ? index.flush().then(() => index.merge()) : Promise.resolve(false);
    assert.equal((await index.search("hit")).total, expected);
    await merging;
    assert.equal((await index.search("hit")).total, expected);
  }
});

test("putLog() during a flush or a merge ends in the same answers, live and after a reopen", {
  timeout: 60_000,
}, async () => {
  const final = [makeLog({ ...LOGS[0], version: 1, events: ["rewritten build", "type error"] }), makeLog(LOGS[1])];
  const fresh = await answers(
    await (async () => {
      const index = await openSearchIndex(new MemoryStorage());
      for (const log of final) index.putLog(log);
      return index;
    })(),
  );
  for (const during of ["flush", "merge"] as const) {
    const storage = new MemoryStorage();
    const index = await openSearchIndex(storage, { mergeFactor: 2 });
    for (const spec of LOGS) {
      index.putLog(makeLog(spec));
      if (during === "merge") await index.flush();
    }
    const commits = storage.calls.get("commit") ?? 0;
    storage.latencyMs = 50;
    const running = during === "flush" ? index.flush() : index.merge();
    // Into the flush's or the merge's first storage call (each takes 50 ms).
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(storage.calls.get("commit") ?? 0, commits, `the ${during} has not committed yet`);
    index.putLog(final[0]);
    index.removeLog(LOGS[2].file);
    await running;
    storage.latencyMs = 0;
    assert.deepEqual(await answers(index), fresh, `live, during a ${during}`);
    assert.deepEqual(await answers(await recover(storage, final)), fresh, `reopened unflushed, during a ${during}`);
    await index.flush();
    assert.deepEqual(await answers(await openSearchIndex(storage)), fresh, `reopened, during a ${during}`);
  }
});

test("search() reads postings in one round trip for all segments, and hot terms from memory after", async () => {
  const storage = new MemoryStorage();
  const index = await openSearchIndex(storage);
  for (const spec of LOGS) {
    index.putLog(makeLog(spec));
    await index.flush();
  }
  const reads = () => [storage.calls.get("readPostings") ?? 0, storage.calls.get("readTexts") ?? 0];
  const [postings, texts] = reads();
  const answer = await index.search("build OR error type*");
  assert.ok(answer.total > 0);
  assert.deepEqual(reads(), [postings + 1, texts + 1], "one trip for postings, one for the snippets' texts");
  await index.search("build OR error type*");
  assert.deepEqual(reads(), [postings + 1, texts + 2], "postings from the cache");
});

test("uncommitted tells when a flush is owed, also for a removal or a shrinking rewrite that add no document", async () => {
  const storage = new MemoryStorage();
  const index = await indexOf(LOGS, storage);
  assert.equal(index.uncommitted, true);
  await index.flush();
  assert.equal(index.uncommitted, false);
  index.putLog(makeLog({ ...LOGS[2], version: 1, events: LOGS[2].events.slice(0, 1) }));
  assert.equal(index.tailSize, 0);
  assert.equal(index.uncommitted, true);
  await index.flush();
  index.removeLog(LOGS[1].file);
  assert.equal(index.uncommitted, true);
  await index.flush();
  assert.equal(index.uncommitted, false);
  const reopened = await openSearchIndex(storage);
  assert.deepEqual([...reopened.fingerprints().keys()], [LOGS[0].file, LOGS[2].file]);
  assert.deepEqual(where(await reopened.search("lunch OR parsing")), ["chat-c#0"]);
});

test("a store whose segment heads are missing or not understood is cleared and reported rebuilt", async () => {
  for (const damage of ["missing", "garbled"] as const) {
    const storage = new MemoryStorage();
    const index = await indexOf(LOGS, storage);
    await index.flush();
    const [head] = await storage.loadHeads((await storage.loadState())!.segments);
    if (damage === "missing") await storage.deleteSegments([head.id]);
    else await storage.writeSegment({ ...head, columns: Uint8Array.of(1, 2, 3), postings: [], texts: [] });
    const reopened = await openSearchIndex(storage);
    assert.equal(reopened.status, "rebuilt", damage);
    assert.equal(reopened.fingerprints().size, 0);
  }
});

test("search() with limit 0 counts the matches and shows none", async () => {
  const index = await indexOf();
  assert.deepEqual(await index.search("error", { limit: 0 }), { hits: [], total: 3 });
});

test("any sequence of puts, removals, flushes, merges and crashes ends where a fresh build does (property)", {
  timeout: 120_000,
}, async () => {
  const words = ["ant", "bee", "cat", "dog", "eel"];
  const files = ["sessions/chat-p/a.md", "sessions/chat-p/b.md", "sessions/chat-q/a.md"];
  const op = fc.oneof(
    fc.record({
      kind: fc.constant("put" as const),
      file: fc.constantFrom(...files),
      title: fc.option(fc.constantFrom(...words)),
      events: fc.array(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 5 }), { maxLength: 6 }),
    }),
    fc.record({ kind: fc.constant("remove" as const), file: fc.constantFrom(...files) }),
    fc.record({ kind: fc.constantFrom("flush" as const, "merge" as const) }),
    fc.record({ kind: fc.constant("crash" as const), call: fc.constantFrom<StorageCall>("writeSegment", "commit") }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
      const storage = new MemoryStorage();
      let index = await openSearchIndex(storage, { mergeFactor: 2, maxSegments: 3 });
      const disk = new Map<string, IndexedLog>();
      let version = 0;
      for (const step of ops) {
        if (step.kind === "put") {
          const log = makeLog({
            file: step.file,
            title: step.title,
            version: ++version,
            events: step.events.map((event) => event.join(" ")),
          });
          disk.set(step.file, log);
          index.putLog(log);
        } else if (step.kind === "remove") {
          disk.delete(step.file);
          index.removeLog(step.file);
        } else if (step.kind === "flush") await index.flush();
        else if (step.kind === "merge") await index.merge();
        else if (step.kind === "crash") {
          // The owner dies in its next flush; the next one opens the storage and catches up from the files.
          storage.failNext(step.call);
          await index.flush().catch((error) => assert.ok(error instanceof SimulatedCrash, String(error)));
          storage.cancelFailures();
          index = await recover(storage, [...disk.values()]);
        }
      }
      const fresh = await openSearchIndex(new MemoryStorage());
      for (const log of disk.values()) fresh.putLog(log);
      const expected = await propertyAnswers(fresh, words);
      assert.deepEqual(await propertyAnswers(index, words), expected, "live");
      await index.flush();
      while (await index.merge()) { /* until none is due */ }
      assert.deepEqual(await propertyAnswers(await recover(storage, [...disk.values()]), words), expected, "reopened");
    }),
    { numRuns: 80, seed: 7 },
  );
});

async function propertyAnswers(index: SearchIndex, words: string[]): Promise<unknown> {
  const results: unknown[] = [index.listSessions(), [...index.fingerprints()].sort()];
  for (const query of [...words, "ant bee", "cat OR dog", '"ant bee"', "-ant eel"]) {
    results.push(await index.search(query, { limit: 100 }));
  }
  return results;
}
