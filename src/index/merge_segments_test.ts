import { test } from "node:test";
import assert from "node:assert/strict";
import { pickMerge } from "./merge_segments.ts";
import { Segment } from "./segment.ts";

function segmentOf(docs: number, level: number, dead = 0): Segment {
  const tail = Segment.tail();
  for (let i = 0; i < docs; i++) {
    tail.add({
      text: `doc ${i}`,
      row: { time: 0, role: "user", sessionType: "chat", tool: "", file: "f", session: "s", seq: i, line: 1, hash: i },
    });
  }
  const segment = Segment.fromHead(tail.build(level));
  for (let i = 0; i < dead; i++) segment.kill(i);
  return segment;
}

const policy = { mergeFactor: 3, maxSegments: 6, maxMergedDocs: 100 };

test("pickMerge() merges the smallest run of the lowest level that has enough segments", () => {
  const small = [segmentOf(5, 0), segmentOf(1, 0), segmentOf(3, 0), segmentOf(2, 0)];
  const picked = pickMerge([segmentOf(50, 1), ...small], policy)!;
  assert.deepEqual(picked.map((s) => s.liveCount).sort(), [1, 2, 3]);
  assert.equal(pickMerge([segmentOf(5, 0), segmentOf(5, 0), segmentOf(5, 1)], policy), undefined);
});

test("pickMerge() rewrites a segment more than half dead, and respects the size bound", () => {
  const halfDead = segmentOf(10, 2, 6);
  assert.deepEqual(pickMerge([segmentOf(5, 0), halfDead], policy), [halfDead]);
  assert.equal(pickMerge([segmentOf(60, 0), segmentOf(60, 0), segmentOf(60, 0)], policy), undefined);
  // Only as many as fit: two of 40 make 80 ≤ 100, a third would not.
  assert.deepEqual(pickMerge([segmentOf(40, 1), segmentOf(45, 1), segmentOf(40, 1)], policy)!.map((s) => s.liveCount), [
    40,
    40,
  ]);
});

test("pickMerge() merges whatever the level when there are too many segments", () => {
  const many = [0, 1, 2, 3, 4, 5, 6].map((level) => segmentOf(level + 1, level));
  assert.deepEqual(pickMerge(many, policy)!.map((s) => s.liveCount).sort(), [1, 2, 3]);
});
