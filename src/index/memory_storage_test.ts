import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage, SimulatedCrash } from "./memory_storage.ts";
import { pairKey, type StoredSegment } from "./index_storage.ts";

const segment: StoredSegment = {
  id: "s1",
  docCount: 1,
  level: 0,
  terms: ["a"],
  docFreqs: Uint32Array.of(1),
  columns: new Uint8Array(8),
  files: ["f"],
  sessions: ["s"],
  postings: [Uint8Array.of(1, 0, 1)],
  texts: ["a"],
};

test("MemoryStorage keeps segments apart from the state until a commit lists them", async () => {
  const storage = new MemoryStorage();
  await storage.writeSegment(segment);
  assert.equal(await storage.loadState(), undefined);
  assert.deepEqual(await storage.segmentIds(), ["s1"]);
  const [head] = await storage.loadHeads(["s1", "missing"]);
  assert.equal("postings" in head, false);
  assert.deepEqual([...(await storage.readPostings([{ segment: "s1", term: 0 }])).get(pairKey("s1", 0))!], [1, 0, 1]);
  assert.equal((await storage.readTexts([{ segment: "s1", doc: 0 }])).get(pairKey("s1", 0)), "a");
  await storage.commit({
    baseVersion: 0,
    state: { tokenizer: "t", segments: ["s1"], tombstones: {} },
    putFiles: [],
    removeFiles: [],
  });
  assert.equal((await storage.loadState())!.version, 1);
  await assert.rejects(
    storage.commit({
      baseVersion: 0,
      state: { tokenizer: "t", segments: [], tombstones: {} },
      putFiles: [],
      removeFiles: [],
    }),
    /based on version 0/,
  );
});

test("MemoryStorage.failNext() fails the chosen call once, changing nothing", async () => {
  const storage = new MemoryStorage();
  storage.failNext("writeSegment", 1);
  await storage.writeSegment(segment);
  await assert.rejects(storage.writeSegment({ ...segment, id: "s2" }), SimulatedCrash);
  await storage.writeSegment({ ...segment, id: "s3" });
  assert.deepEqual((await storage.segmentIds()).sort(), ["s1", "s3"]);
});
