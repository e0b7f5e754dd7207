import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionStore } from "../store/session_store.ts";
import { importSources } from "./import_service.ts";
import { SourceFollower } from "./source_follower.ts";

const at = (n: number) => new Date(Date.UTC(2025, 5, 1, 10, 0, n)).toISOString();
const user = (n: number, text: string) =>
  JSON.stringify({
    type: "user",
    sessionId: "s",
    uuid: `u${n}`,
    timestamp: at(n),
    message: { role: "user", content: text },
  });
const said = (n: number, text: string) =>
  JSON.stringify({
    type: "assistant",
    sessionId: "s",
    uuid: `u${n}`,
    timestamp: at(n),
    message: { role: "assistant", content: [{ type: "text", text }] },
  });
const call = (n: number, id: string) =>
  JSON.stringify({
    type: "assistant",
    sessionId: "s",
    uuid: `u${n}`,
    timestamp: at(n),
    message: { role: "assistant", content: [{ type: "tool_use", id, name: "Bash", input: { command: "ls" } }] },
  });
const result = (n: number, id: string, text: string) =>
  JSON.stringify({
    type: "user",
    sessionId: "s",
    uuid: `u${n}`,
    timestamp: at(n),
    message: { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: text }] },
  });

async function withTemp(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cru-follow-"));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a session holds, as comparable text. */
async function events(store: SessionStore, id: string): Promise<string[]> {
  return (await store.read(id)).events.map((e) => `${e.role}${e.tool ? ` ${e.tool}` : ""}: ${e.content}`);
}

test("SourceFollower steps through a growing transcript and ends up as one import of the whole file would", () =>
  withTemp(async (dir) => {
    const file = join(dir, "s.jsonl");
    const store = new SessionStore({ root: join(dir, "a", ".crucible") });
    const follower = new SourceFollower(store, file, { from: "claude-code" });
    writeFileSync(file, `${user(1, "list the files")}\n`);
    const first = await follower.step();
    assert.equal(first.events, 1);
    assert.equal(first.sessions[0].created, true);
    const id = first.sessions[0].id;
    appendFileSync(file, `${call(2, "t1")}\n`);
    assert.equal((await follower.step()).events, 0, "a tool call waits for its result");
    appendFileSync(file, `${result(3, "t1", "a.txt b.txt")}\n${said(4, "Two files")}`); // no line break yet
    assert.equal((await follower.step()).events, 1, "the call with its result; the cut line waits");
    appendFileSync(file, "\n");
    const last = await follower.step();
    assert.deepEqual([last.events, last.sessions[0].created], [1, false]);
    assert.equal((await follower.step()).events, 0, "nothing new, nothing added");

    const whole = new SessionStore({ root: join(dir, "b", ".crucible") });
    await importSources(whole, [file], { from: "claude-code" });
    assert.deepEqual(await events(store, id), await events(whole, id));
    assert.deepEqual(await events(store, id), [
      "user: list the files",
      "tool Bash: a.txt b.txt",
      "assistant: Two files",
    ]);
  }));

test("SourceFollower reads only what was added: earlier bytes are not read again", () =>
  withTemp(async (dir) => {
    const file = join(dir, "s.jsonl");
    const store = new SessionStore({ root: join(dir, ".crucible") });
    const follower = new SourceFollower(store, file, { from: "claude-code" });
    const firstLine = user(1, "first");
    writeFileSync(file, `${firstLine}\n`);
    const id = (await follower.step()).sessions[0].id;
    // Spoil the first line in place (same size, same file): a whole-file import would report it.
    const fd = openSync(file, "r+");
    writeSync(fd, "x".repeat(firstLine.length), 0);
    closeSync(fd);
    appendFileSync(file, `${said(2, "second")}\n`);
    const step = await follower.step();
    assert.deepEqual(step.warnings, []);
    assert.equal(step.events, 1);
    assert.deepEqual(await events(store, id), ["user: first", "assistant: second"]);
  }));

test("SourceFollower starts over when another import wrote to its session, and writes nothing twice", () =>
  withTemp(async (dir) => {
    const file = join(dir, "s.jsonl");
    const store = new SessionStore({ root: join(dir, ".crucible") });
    const follower = new SourceFollower(store, file, { from: "claude-code" });
    writeFileSync(file, `${user(1, "one")}\n`);
    const id = (await follower.step()).sessions[0].id;
    appendFileSync(file, `${said(2, "two")}\n`);
    await importSources(store, [file], { from: "claude-code" }); // e.g. cru watch --once from cron
    appendFileSync(file, `${user(3, "three")}\n`);
    assert.equal((await follower.step()).events, 1);
    assert.deepEqual(await events(store, id), ["user: one", "assistant: two", "user: three"]);
  }));

test("SourceFollower on a file rewritten shorter starts over, keeps what was imported and says why", () =>
  withTemp(async (dir) => {
    const file = join(dir, "s.jsonl");
    const store = new SessionStore({ root: join(dir, ".crucible") });
    const follower = new SourceFollower(store, file, { from: "claude-code" });
    writeFileSync(file, `${user(1, "one")}\n${said(2, "two")}\n`);
    const id = (await follower.step()).sessions[0].id;
    writeFileSync(file, `${user(1, "one")}\n`);
    const step = await follower.step();
    assert.equal(step.events, 0);
    assert.deepEqual(await events(store, id), ["user: one", "assistant: two"]);
    appendFileSync(file, `${said(2, "changed")}\n`);
    const changed = await follower.step();
    assert.equal(changed.events, 0);
    assert.match(changed.warnings.map((w) => w.message).join("\n"), /differs/);
  }));
