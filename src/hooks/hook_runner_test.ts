import { test } from "node:test";
import assert from "node:assert/strict";
import { asPlugin, type HookFailure, HookRunner } from "./hook_runner.ts";
import type { NewEvent } from "../model/event.ts";

const SESSION = { id: "chat-a", type: "chat", title: null, dir: "/tmp/chat-a" };
const EVENT: NewEvent = { role: "user", content: "hello" };

test("waterfall handlers run in order, each seeing the previous value; undefined leaves it", async () => {
  const hooks = new HookRunner();
  hooks.register("a", "event:before-append", (event) => ({ ...event, content: `${event.content} a` }));
  hooks.register("b", "event:before-append", () => undefined);
  hooks.register("c", "event:before-append", (event) => ({ ...event, content: `${event.content} c` }));
  const result = await hooks.waterfall("event:before-append", EVENT, SESSION);
  assert.deepEqual(result, { value: { role: "user", content: "hello a c" } });
});

test("a waterfall handler returning null vetoes, naming the plugin, and later handlers do not run", async () => {
  const hooks = new HookRunner();
  let laterRan = false;
  hooks.register("policy", "event:before-append", () => null);
  hooks.register("later", "event:before-append", (event) => {
    laterRan = true;
    return event;
  });
  const result = await hooks.waterfall("event:before-append", EVENT, SESSION);
  assert.deepEqual(result, { value: null, veto: { plugin: "policy", hook: "event:before-append" } });
  assert.equal(laterRan, false);
});

test("a throwing or hanging handler is reported with plugin and hook and skipped; the value goes on", async () => {
  const failures: HookFailure[] = [];
  const hooks = new HookRunner({ timeoutMs: 50, onFailure: (f) => failures.push(f) });
  hooks.register("thrower", "event:before-append", () => {
    throw new Error("boom");
  });
  hooks.register("hanger", "event:before-append", () => new Promise<never>(() => {}));
  hooks.register("tagger", "event:before-append", (event) => ({ ...event, content: `${event.content}!` }));
  const started = Date.now();
  const result = await hooks.waterfall("event:before-append", EVENT, SESSION);
  assert.ok(Date.now() - started < 1_000, "the hanging handler is cut off by the timeout");
  assert.equal(result.value?.content, "hello!");
  assert.deepEqual(failures, [
    { plugin: "thrower", hook: "event:before-append", kind: "error", message: "boom" },
    {
      plugin: "hanger",
      hook: "event:before-append",
      kind: "timeout",
      message: "did not finish within 50 ms; its hooks are skipped for the rest of this command",
    },
  ]);
});

test("bail stops at the first false and reports who vetoed; errors do not veto", async () => {
  const hooks = new HookRunner({ onFailure: () => {} });
  const subject = {
    id: "chat-a",
    dir: "/tmp",
    lastActivity: "2024-01-01T00:00:00Z",
    bytes: 1,
    action: "remove" as const,
  };
  hooks.register("broken", "session:before-cleanup", () => {
    throw new Error("x");
  });
  assert.equal(await hooks.bail("session:before-cleanup", subject), undefined);
  hooks.register("keeper", "session:before-cleanup", (s) => s.id !== "chat-a");
  assert.deepEqual(await hooks.bail("session:before-cleanup", subject), {
    plugin: "keeper",
    hook: "session:before-cleanup",
  });
});

test("parallel handlers all run at once and a failure does not stop the others", async () => {
  const hooks = new HookRunner({ onFailure: () => {} });
  const seen: string[] = [];
  hooks.register("slow", "session:start", async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    seen.push("slow");
  });
  hooks.register("bad", "session:start", () => Promise.reject(new Error("no")));
  hooks.register("fast", "session:start", () => void seen.push("fast"));
  await hooks.parallel("session:start", SESSION);
  assert.deepEqual(seen, ["fast", "slow"]);
});

test("handlers of a plugin whose own write caused the hook are skipped, also through a second plugin", async () => {
  const hooks = new HookRunner();
  const calls: string[] = [];
  hooks.register("logger", "event:after-append", () => void calls.push("logger"));
  hooks.register("echo", "event:after-append", () => void calls.push("echo"));
  const written = { ...EVENT, at: "2024-01-01T00:00:00Z", file: "/tmp/x.md" };
  await asPlugin("logger", () => hooks.parallel("event:after-append", written, SESSION));
  assert.deepEqual(calls, ["echo"]);
  calls.length = 0;
  await asPlugin("logger", () => asPlugin("echo", () => hooks.parallel("event:after-append", written, SESSION)));
  assert.deepEqual(calls, []);
});

test("unregistering removes the handler, and hooksOf() lists what a plugin registered", async () => {
  const hooks = new HookRunner();
  const off = hooks.register("p", "session:end", () => {});
  hooks.register("p", "session:start", () => {});
  assert.deepEqual(hooks.hooksOf("p").sort(), ["session:end", "session:start"]);
  off();
  assert.deepEqual(hooks.hooksOf("p"), ["session:start"]);
  assert.throws(() => hooks.register("p", "session:nope" as "session:end", () => {}), /unknown hook "session:nope"/);
  await hooks.parallel("session:end", SESSION);
});

test("a plugin that timed out once is skipped for the rest of the process, so later calls do not wait again", async () => {
  const failures: HookFailure[] = [];
  const hooks = new HookRunner({ timeoutMs: 100, onFailure: (f) => failures.push(f) });
  let calls = 0;
  hooks.register("hanger", "event:before-append", () => {
    calls++;
    return new Promise<never>(() => {});
  });
  hooks.register("tagger", "event:before-append", (event) => ({ ...event, content: `${event.content}!` }));
  await hooks.waterfall("event:before-append", EVENT, SESSION);
  const started = Date.now();
  for (let i = 0; i < 5; i++) {
    const { value } = await hooks.waterfall("event:before-append", EVENT, SESSION);
    assert.equal(value?.content, "hello!");
  }
  assert.ok(Date.now() - started < 100, "no later call waits for the hung plugin");
  assert.equal(calls, 1);
  assert.equal(failures.length, 1, "one warning, not one per call");
});

test("a handler that blocks the process with synchronous work is reported and skipped afterwards", async () => {
  const failures: HookFailure[] = [];
  const hooks = new HookRunner({ timeoutMs: 50, onFailure: (f) => failures.push(f) });
  let calls = 0;
  hooks.register("spinner", "event:before-append", (event) => {
    calls++;
    const until = Date.now() + 150;
    while (Date.now() < until) { /* busy */ }
    return event;
  });
  await hooks.waterfall("event:before-append", EVENT, SESSION);
  await hooks.waterfall("event:before-append", EVENT, SESSION);
  assert.equal(calls, 1);
  assert.equal(failures.length, 1);
  assert.match(failures[0].message, /^blocked the process for \d+ ms \(bound 50 ms\); its hooks are skipped/);
});

test("HookRunner refuses, at run time too, to run a hook as another kind than HOOK_KINDS gives it", async () => {
  const hooks = new HookRunner();
  hooks.register("veto", "event:before-append", () => null);
  // Untyped callers (JavaScript plugins' hosts) get past the compiler; the runner still says no.
  const untyped = hooks as unknown as { parallel(hook: string, ...args: unknown[]): Promise<void> };
  await assert.rejects(untyped.parallel("event:before-append", EVENT, SESSION), {
    name: "TypeError",
    message: /event:before-append is a waterfall hook: it cannot be run as a parallel hook/,
  });
});
