import { test } from "node:test";
import assert from "node:assert/strict";
import { idf, termScore } from "./bm25.ts";
import { makeLog, openOracleDb, type OracleDb, seededRandom } from "./_test_logs.ts";
import { MemoryStorage } from "./memory_storage.ts";
import { openSearchIndex } from "./search_index.ts";
import type { IndexedLog, SearchIndex } from "./search_index_api.ts";
import { tokenize } from "./tokenizer.ts";

test("idf() is FTS5's: ln((N - n + 0.5) / (n + 0.5)), at least 1e-6", () => {
  assert.equal(idf(10, 1), Math.log(9.5 / 1.5));
  assert.equal(idf(10, 5), 1e-6);
  assert.equal(idf(10, 9), 1e-6);
});

test("termScore() saturates with frequency and falls with length", () => {
  assert.ok(termScore(1, 3, 10, 10) > termScore(1, 1, 10, 10));
  assert.ok(termScore(1, 1, 5, 10) > termScore(1, 1, 20, 10));
  assert.ok(termScore(1, 1000, 10, 10) < 2.2);
});

/** Words whose terms are distinct single terms (checked below). */
const WORDS = [
  "alpha",
  "bravo",
  "charlie",
  "delta",
  "echo",
  "foxtrot",
  "golf",
  "hotel",
  "india",
  "juliet",
  "kilo",
  "lima",
  "mike",
  "november",
  "oscar",
  "papa",
  "quebec",
  "romeo",
  "sierra",
  "tango",
  "uniform",
  "victor",
  "whiskey",
  "xray",
  "yankee",
  "zulu",
];

/** A corpus of varied lengths and frequencies: a few common words, a long tail of rare ones. */
function corpus(seed: number): IndexedLog[] {
  const random = seededRandom(seed);
  const logs: IndexedLog[] = [];
  for (let l = 0; l < 12; l++) {
    const events: string[] = [];
    const count = 5 + Math.floor(random() * 30);
    for (let e = 0; e < count; e++) {
      const length = 1 + Math.floor(random() ** 2 * 80);
      const words: string[] = [];
      for (let w = 0; w < length; w++) words.push(WORDS[Math.floor(random() ** 2.5 * WORDS.length)]);
      events.push(words.join(" "));
    }
    logs.push(makeLog({ file: `sessions/chat-${l}/log.md`, events }));
  }
  return logs;
}

/** FTS5 over the same terms, one row per event, each term a token of its own. */
class Fts5Oracle {
  readonly #db: OracleDb;
  readonly #rows = new Map<string, number>();
  readonly #keys = new Map<number, string>();
  #next = 1;
  readonly #ids = new Map<string, string>();

  constructor(db: OracleDb) {
    this.#db = db;
    db.exec("CREATE VIRTUAL TABLE doc USING fts5(body, tokenize = 'ascii')");
  }

  token(term: string): string {
    let id = this.#ids.get(term);
    if (id === undefined) this.#ids.set(term, id = `t${this.#ids.size}`);
    return id;
  }

  putLog(log: IndexedLog): void {
    this.removeLog(log.file);
    const insert = this.#db.prepare("INSERT INTO doc(rowid, body) VALUES (?, ?)");
    for (const event of log.events) {
      const row = this.#next++;
      insert.run(row, tokenize(event.content).map((term) => this.token(term)).join(" "));
      this.#rows.set(`${log.file}#${event.seq}`, row);
      this.#keys.set(row, `${log.file}#${event.seq}`);
    }
  }

  removeLog(file: string): void {
    const remove = this.#db.prepare("DELETE FROM doc WHERE rowid = ?");
    for (const [key, row] of this.#rows) {
      if (!key.startsWith(`${file}#`)) continue;
      remove.run(row);
      this.#rows.delete(key);
      this.#keys.delete(row);
    }
  }

  /** Scores by event key, FTS5's sign undone. */
  scores(match: string): Map<string, number> {
    const rows = this.#db.prepare("SELECT rowid, bm25(doc) AS score FROM doc WHERE doc MATCH ?").all(match);
    return new Map(rows.map((row) => [this.#keys.get(Number(row.rowid))!, -Number(row.score)]));
  }
}

const QUERIES: { ours: string; fts: (token: (word: string) => string) => string }[] = [
  { ours: "alpha", fts: (t) => t("alpha") },
  { ours: "echo", fts: (t) => t("echo") },
  { ours: "kilo", fts: (t) => t("kilo") },
  { ours: "romeo", fts: (t) => t("romeo") },
  { ours: "alpha bravo", fts: (t) => `${t("alpha")} ${t("bravo")}` },
  { ours: "delta OR mike", fts: (t) => `${t("delta")} OR ${t("mike")}` },
  { ours: "alpha hotel OR lima", fts: (t) => `${t("alpha")} AND (${t("hotel")} OR ${t("lima")})` },
];

async function assertSameScores(index: SearchIndex, oracle: Fts5Oracle, when: string): Promise<void> {
  for (const query of QUERIES) {
    const expected = oracle.scores(query.fts((word) => oracle.token(tokenize(word)[0])));
    const answer = await index.search(query.ours, { limit: 100_000 });
    assert.equal(answer.total, expected.size, `${when}: total of ${query.ours}`);
    assert.equal(answer.hits.length, expected.size, `${when}: hits of ${query.ours}`);
    for (const hit of answer.hits) {
      const want = expected.get(`${hit.file}#${hit.seq}`);
      assert.ok(want !== undefined, `${when}: ${hit.file}#${hit.seq} is no FTS5 match of ${query.ours}`);
      const relative = Math.abs(hit.score - want) / Math.max(Math.abs(want), 1e-300);
      assert.ok(relative <= 1e-9, `${when}: ${query.ours} on ${hit.file}#${hit.seq}: ${hit.score} vs FTS5 ${want}`);
    }
  }
}

test("search scores equal SQLite FTS5's bm25() through puts, flushes, deletes, rewrites and a merge", async () => {
  assert.equal(new Set(WORDS.map((word) => tokenize(word).join(" "))).size, WORDS.length);
  const db = await openOracleDb();
  try {
    const oracle = new Fts5Oracle(db);
    const index = await openSearchIndex(new MemoryStorage(), { mergeFactor: 2, maxSegments: 2 });
    const logs = corpus(7);
    // Some logs in stored segments, the rest in the tail: the statistics span both.
    for (const [i, log] of logs.entries()) {
      index.putLog(log);
      oracle.putLog(log);
      if (i === 3 || i === 7) await index.flush();
    }
    await assertSameScores(index, oracle, "fresh");

    index.removeLog(logs[2].file);
    oracle.removeLog(logs[2].file);
    const rewritten = makeLog({
      file: logs[5].file,
      events: [...logs[5].events.slice(0, 3).map((e) => e.content), "zulu zulu alpha", "alpha"],
      version: 1,
    });
    index.putLog(rewritten);
    oracle.putLog(rewritten);
    await assertSameScores(index, oracle, "after deletes");

    await index.flush();
    assert.equal(await index.merge(), true);
    while (await index.merge()) { /* until no merge is due */ }
    await assertSameScores(index, oracle, "after a merge");
  } finally {
    db.close();
  }
});
