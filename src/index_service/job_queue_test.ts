import { test } from "node:test";
import assert from "node:assert/strict";
import { JobQueue } from "./job_queue.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

test("a request queued behind background work runs before it, one job at a time", async () => {
  const queue = new JobQueue(() => {});
  const order: string[] = [];
  let running = 0;
  const job = (name: string) => async () => {
    running++;
    assert.equal(running, 1, "jobs never overlap");
    await tick();
    order.push(name);
    running--;
  };
  const all = [
    queue.run(job("b1"), "background"),
    queue.run(job("b2"), "background"),
    queue.run(job("b3"), "background"),
    queue.run(job("r1"), "request"),
  ];
  // b1 started at once; r1 comes next, before b2 and b3.
  await Promise.all(all);
  assert.deepEqual(order, ["b1", "r1", "b2", "b3"]);
  await queue.idle();
  assert.equal(queue.busy, false);
});

test("a failing job is reported and does not stop the queue", async () => {
  const errors: unknown[] = [];
  const queue = new JobQueue((error) => errors.push(error));
  let ran = false;
  await queue.run(() => Promise.reject(new Error("boom")), "background");
  await queue.run(() => Promise.resolve(ran = true), "request");
  assert.equal(ran, true);
  assert.deepEqual(errors.map((e) => (e as Error).message), ["boom"]);
});

test("idle waits for every queued job", async () => {
  const queue = new JobQueue(() => {});
  let done = 0;
  for (let n = 0; n < 5; n++) void queue.run(async () => (await tick(), done++), n % 2 ? "request" : "background");
  await queue.idle();
  assert.equal(done, 5);
});
