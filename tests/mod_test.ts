import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { BUILTIN_PLUGINS, InvalidInputError, open, parseLog, SessionNotFoundError } from "../mod.ts";

test("the library records a session that parses back from its markdown", () =>
  withTempDir(async (tmp) => {
    const cru = open({ dir: join(tmp, ".crucible") });
    const session = await cru.openSession({ type: "agent", title: "Fix CI", tags: ["ci"] });
    await session.say("thought", "The cache key is stale.");
    await session.tool("shell", { cmd: "make test" }, "2 passed");
    await session.append([{ role: "action", content: "bump key" }, { role: "result", content: "green" }]);
    writeFileSync(join(tmp, "log.txt"), "output");
    await session.attach(join(tmp, "log.txt"));
    await session.end();
    const view = await session.read();
    assert.equal(view.type, "agent");
    assert.equal(view.title, "Fix CI");
    assert.ok(view.ended);
    assert.deepEqual(view.events.map((e) => e.role), ["thought", "tool", "action", "result", "note"]);
    const parsed = parseLog(readFileSync(view.files[0], "utf8"));
    assert.deepEqual(parsed.log.events.map((e) => e.content), view.events.map((e) => e.content));
    assert.deepEqual((await cru.list({ type: "agent" })).sessions.map((s) => s.id), [session.id]);
  }));

test("the library rejects bad events with typed errors and writes nothing", () =>
  withTempDir(async (tmp) => {
    const cru = open({ dir: join(tmp, ".crucible") });
    const session = await cru.openSession();
    // @ts-expect-error: a role that does not exist is a type error too
    await assert.rejects(session.append({ role: "narrator", content: "x" }), InvalidInputError);
    await assert.rejects(session.append({ role: "tool", tool: "a b", content: "x" }), InvalidInputError);
    await assert.rejects(cru.newSession({ type: "meeting" }), InvalidInputError);
    assert.throws(() => cru.session("chat-missing"), SessionNotFoundError);
    assert.equal((await session.read()).events.length, 0);
  }));

test("open() runs the built-in plugins unless told otherwise: a library user gets secret redaction", () =>
  withTempDir(async (tmp) => {
    const secret = "ghp_1234567890abcdefghijABCDEFGHIJ123456";
    const cru = open({ dir: join(tmp, ".crucible"), userPlugins: false });
    const session = await cru.openSession({ title: "defaults" });
    await session.say("user", `my token is ${secret}`);
    assert.doesNotMatch(cru.markdown(session.id), new RegExp(secret));
    assert.match(cru.markdown(session.id), /\[redacted:github-token\]/);
    assert.deepEqual((await cru.plugins()).map((p) => p.name), BUILTIN_PLUGINS.map((p) => p.name));

    const bare = open({ dir: join(tmp, ".crucible"), userPlugins: false, plugins: [] });
    const raw = await bare.openSession({ title: "no plugins, asked for" });
    await raw.say("user", `my token is ${secret}`);
    assert.match(bare.markdown(raw.id), new RegExp(secret));
  }));

test("mod.ts offers one way to open a store: open(), and no class to construct or call open on", async () => {
  const api: Record<string, unknown> = await import("../mod.ts");
  assert.equal(typeof api.open, "function");
  for (const name of ["Crucible", "SessionHandle", "openStore", "openCrucible"]) {
    assert.equal(api[name], undefined, `mod.ts must not export ${name} as a value`);
  }
});
