import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyedLock } from "./_keyed_lock.ts";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("KeyedLock runs calls that share a key one after the other, in the order they came", async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  const call = (name: string, keys: string[], ms: number) =>
    lock.run(keys, async () => {
      log.push(`${name}+`);
      await tick(ms);
      log.push(`${name}-`);
    });
  await Promise.all([call("a", ["x"], 20), call("b", ["y", "x"], 5), call("c", ["y"], 1)]);
  assert.deepEqual(log, ["a+", "a-", "b+", "b-", "c+", "c-"]);
});

test("KeyedLock runs calls with different keys at the same time", async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  await Promise.all([
    lock.run(["x"], async () => {
      log.push("x+");
      await tick(20);
      log.push("x-");
    }),
    lock.run(["y"], async () => {
      log.push("y+");
      await tick(1);
      log.push("y-");
    }),
  ]);
  assert.deepEqual(log, ["x+", "y+", "y-", "x-"]);
});

test("KeyedLock releases the key when the call throws", async () => {
  const lock = new KeyedLock();
  await assert.rejects(lock.run(["x"], () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await lock.run(["x"], () => Promise.resolve(7)), 7);
});
