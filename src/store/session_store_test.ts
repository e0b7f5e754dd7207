import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { SessionStore } from "./session_store.ts";
import { SESSION_LOCK_NAME, withSessionLock } from "./session_lock.ts";
import { findStoreDir } from "./store_location.ts";
import { parseLog } from "../format/parse_log.ts";
import { withTempDir } from "../../tests/_helpers/temp_dir.ts";

function clockAt(iso: string): { now: () => Date; advance: (seconds: number) => void } {
  let ms = Date.parse(iso);
  return { now: () => new Date(ms), advance: (seconds) => (ms += seconds * 1000) };
}

test("create() writes one log with frontmatter and heading, in a folder named by the id", () =>
  withTempDir((root) => {
    const store = new SessionStore({ root, now: clockAt("2024-01-15T10:30:00Z").now });
    const created = store.create({ type: "chat", title: "Project Alpha", tags: ["alpha"] });
    assert.match(created.id, /^chat-20240115-103000-[a-z0-9]+$/);
    assert.equal(created.file, join(root, "sessions", created.id, "2024-01-15-1030.md"));
    const text = readFileSync(created.file, "utf8");
    assert.equal(
      text,
      `---\nsession_id: ${created.id}\ntype: chat\nstarted: 2024-01-15T10:30:00Z\ncontinued_from: null\ntitle: Project Alpha\ntags:\n  - alpha\n---\n\n# Project Alpha\n`,
    );
    assert.deepEqual(readdirSync(join(root, "sessions")), [created.id]);
  }));

test("append() writes durable events that read back with their turn times", () =>
  withTempDir(async (root) => {
    const clock = clockAt("2024-01-15T10:30:00Z");
    const store = new SessionStore({ root, now: clock.now });
    const { id } = store.create({ type: "chat" });
    await store.append(id, [{ role: "user", content: "Find notes" }]);
    clock.advance(5);
    const second = await store.append(id, [{ role: "assistant", content: "Searching." }]);
    assert.equal(second.at, "2024-01-15T10:30:00Z", "an answer within a minute joins the user's turn");
    await store.append(id, [{ role: "tool", tool: "search", args: { q: "x" }, content: "3 hits" }]);
    clock.advance(120);
    const late = await store.append(id, [{ role: "assistant", content: "Done." }]);
    assert.equal(late.at, "2024-01-15T10:32:05Z", "after a pause a new turn starts");
    clock.advance(1);
    const next = await store.append(id, [{ role: "user", content: "Thanks" }]);
    assert.equal(next.at, "2024-01-15T10:32:06Z", "a user event always starts a turn");
    const session = await store.read(id);
    assert.deepEqual(session.events.map((e) => [e.role, e.at, e.content]), [
      ["user", "2024-01-15T10:30:00Z", "Find notes"],
      ["assistant", "2024-01-15T10:30:00Z", "Searching."],
      ["tool", "2024-01-15T10:30:00Z", "3 hits"],
      ["assistant", "2024-01-15T10:32:05Z", "Done."],
      ["user", "2024-01-15T10:32:06Z", "Thanks"],
    ]);
    assert.equal(session.lastActivity, "2024-01-15T10:32:06Z");
    assert.deepEqual(session.warnings, []);
  }));

test("compact() starts a continuation that links back, and read() treats both logs as one session", () =>
  withTempDir(async (root) => {
    const clock = clockAt("2024-01-15T10:30:00Z");
    const store = new SessionStore({ root, now: clock.now });
    const { id, file: first } = store.create({ type: "agent", title: "Build" });
    await store.append(id, [{ role: "thought", content: "plan" }]);
    const continuation = await store.compact(id, "Planned the build.");
    assert.equal(continuation.file, join(root, "sessions", id, "2024-01-15-1030-2.md"));
    await store.append(id, [{ role: "action", content: "run make" }]);
    const log = parseLog(readFileSync(continuation.file, "utf8")).log;
    assert.equal(log.meta.continued_from, "2024-01-15-1030.md");
    assert.equal(log.meta.session_id, `${id}-2`);
    assert.equal(log.context, "Planned the build.");
    assert.match(readFileSync(continuation.file, "utf8"), /continued_from: \[\[2024-01-15-1030\.md\]\]/);
    const session = await store.read(id);
    assert.deepEqual(session.logs.map((l) => l.file), [first, continuation.file]);
    assert.deepEqual(session.events.map((e) => [e.content, e.file]), [["plan", first], [
      "run make",
      continuation.file,
    ]]);
    assert.equal(session.title, "Build");
  }));

test("compact() under a clock set back: the continuation is still the log appends go to", () =>
  withTempDir(async (root) => {
    let ms = Date.parse("2024-01-15T10:30:00Z");
    const store = new SessionStore({ root, now: () => new Date(ms) });
    const { id, file: first } = store.create({ type: "agent", title: "Skewed" });
    ms = Date.parse("2023-06-01T08:00:00Z"); // the clock jumps back
    const continuation = await store.compact(id, "Summary.");
    assert.equal(continuation.file, join(root, "sessions", id, "2024-01-15-1030-2.md"));
    const receipt = await store.append(id, [{ role: "action", content: "after the jump" }]);
    assert.equal(receipt.file, continuation.file, "appends go to the continuation, not the older log");
    const session = await store.read(id);
    assert.deepEqual(session.logs.map((l) => l.file), [first, continuation.file]);
  }));

test("attach() copies the bytes into artifacts/ and links them, renaming on a clash", () =>
  withTempDir(async (root) => {
    const store = new SessionStore({ root });
    const { id, dir } = store.create({ type: "chat" });
    const source = join(root, "report.bin");
    writeFileSync(source, new Uint8Array([0, 1, 2, 255]));
    const first = await store.attach(id, source);
    const second = await store.attach(id, source);
    assert.equal(first.artifact, join(dir, "artifacts", "report.bin"));
    assert.equal(second.artifact, join(dir, "artifacts", "report-2.bin"));
    assert.deepEqual(readFileSync(second.artifact), readFileSync(source));
    const session = await store.read(id);
    assert.deepEqual(session.events.map((e) => e.content), [
      "Attached [[artifacts/report.bin]]",
      "Attached [[artifacts/report-2.bin]]",
    ]);
  }));

test("attach() rejects a missing file and a path-like name and writes nothing", () =>
  withTempDir(async (root) => {
    const store = new SessionStore({ root });
    const { id, file } = store.create({ type: "chat" });
    const before = readFileSync(file, "utf8");
    await assert.rejects(store.attach(id, join(root, "nope.txt")), { code: "file_not_found" });
    writeFileSync(join(root, "a.txt"), "a");
    await assert.rejects(store.attach(id, join(root, "a.txt"), "../escape.txt"), { code: "invalid_input" });
    assert.equal(readFileSync(file, "utf8"), before);
    assert.equal(existsSync(join(root, "sessions", id, "artifacts", "escape.txt")), false);
    assert.equal(existsSync(join(root, "sessions", "escape.txt")), false);
  }));

test("end() records the end time, keeps user keys and comments, and refuses later appends", () =>
  withTempDir(async (root) => {
    const clock = clockAt("2024-01-15T10:30:00Z");
    const store = new SessionStore({ root, now: clock.now });
    const { id, file } = store.create({ type: "chat" });
    await store.append(id, [{ role: "user", content: "hi" }]);
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("continued_from: null\n", "continued_from: null\nproject: Alpha # mine\n"),
    );
    clock.advance(60);
    const ended = await store.end(id);
    assert.equal(ended.at, "2024-01-15T10:31:00Z");
    const text = readFileSync(file, "utf8");
    assert.match(text, /project: Alpha # mine\n/);
    assert.match(text, /ended: 2024-01-15T10:31:00Z\n/);
    assert.equal((await store.end(id)).alreadyEnded, true);
    const size = statSync(file).size;
    await assert.rejects(store.append(id, [{ role: "user", content: "late" }]), { code: "session_state" });
    assert.equal(statSync(file).size, size);
    const session = await store.read(id);
    assert.equal(session.ended, "2024-01-15T10:31:00Z");
    assert.deepEqual(session.events.map((e) => e.content), ["hi"]);
  }));

test("an unknown session and a path-like id are refused without writing anything", () =>
  withTempDir(async (root) => {
    const store = new SessionStore({ root });
    await assert.rejects(store.append("chat-nope", [{ role: "user", content: "x" }]), { code: "session_not_found" });
    for (const id of ["../etc", "chat-../x", "chat/abc", "/tmp/x", "chat-a/../b"]) {
      await assert.rejects(store.append(id, [{ role: "user", content: "x" }]), { code: "invalid_input" }, id);
    }
    assert.equal(existsSync(join(root, "sessions")), false);
  }));

/** What a writer killed mid-append leaves: its lock record, and the first `torn` bytes of its event. */
async function interruptedAppend(dir: string, file: string, text: string, torn: number): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  await withSessionLock(dir, { exclusive: true, timeoutMs: 5_000, what: "test" }, (lock) => {
    lock.beginAppend(file.split("/").at(-1)!, statSync(file).size, bytes);
    appendFileSync(file, bytes.subarray(0, torn)); // …and the writer dies before endAppend()
  });
}

test("an append interrupted mid-write is cut back by the next writer, so no torn event is read", () =>
  withTempDir(async (root) => {
    const store = new SessionStore({ root });
    const { id, file, dir } = store.create({ type: "chat" });
    await store.append(id, [{ role: "user", content: "kept" }]);
    await interruptedAppend(dir, file, "\n**Assistant:** half of an event that never ended\n", 28);
    assert.match(readFileSync(file, "utf8"), /half of an e$/);
    assert.deepEqual((await store.read(id)).events.map((e) => e.content), ["kept"], "readers ignore the torn tail");
    await store.append(id, [{ role: "assistant", content: "whole" }]);
    assert.deepEqual((await store.read(id)).events.map((e) => e.content), ["kept", "whole"]);
    assert.doesNotMatch(readFileSync(file, "utf8"), /half/);
  }));

test("a hand edit made after an interrupted append is never cut by the next append", () =>
  withTempDir(async (root) => {
    const warnings: string[] = [];
    const store = new SessionStore({ root, onWarning: (m) => warnings.push(m) });
    const { id, file, dir } = store.create({ type: "chat" });
    await store.append(id, [{ role: "user", content: "kept" }]);
    await interruptedAppend(dir, file, "\n**Assistant:** half of an event that never ended, and long enough\n", 20);
    // Someone opens the log, rewrites the torn line and saves: same length range, other bytes.
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/\*\*Assistant:\*\* half$/, "**Assistant:** fixed"));
    await store.append(id, [{ role: "assistant", content: "after" }]);
    assert.match(readFileSync(file, "utf8"), /\*\*Assistant:\*\* fixed/);
    assert.match(warnings.join("\n"), /changed after an interrupted append; left as it is/);
    // An edit that grew the file past the append's end is kept too.
    await interruptedAppend(dir, file, "\n**Assistant:** torn again\n", 10);
    appendFileSync(file, "\n\n**User:** a paragraph typed by hand, longer than the torn event was going to be\n");
    await store.append(id, [{ role: "assistant", content: "later" }]);
    assert.match(readFileSync(file, "utf8"), /a paragraph typed by hand/);
  }));

test("a planted lock record naming a path outside the session folder cuts nothing", () =>
  withTempDir(async (root) => {
    const warnings: string[] = [];
    const store = new SessionStore({ root, onWarning: (m) => warnings.push(m) });
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "precious\n");
    const { id, dir, file } = store.create({ type: "chat" });
    const before = readFileSync(file, "utf8");
    for (
      const record of [
        "0 ../../victim.txt",
        JSON.stringify({ v: 2, log: "../../victim.txt", size: 0, end: 100, tail: "", head: "" }),
        JSON.stringify({ v: 2, log: "../../x.md", size: 0, end: 100, tail: "", head: "" }),
        JSON.stringify({ v: 2, log: "2024-01-01-0000.md", size: 0, end: 10 ** 9, tail: "", head: "" }),
      ]
    ) {
      writeFileSync(join(dir, SESSION_LOCK_NAME), record);
      await store.append(id, [{ role: "user", content: "hello" }]);
    }
    assert.equal(readFileSync(victim, "utf8"), "precious\n");
    assert.ok(readFileSync(file, "utf8").startsWith(before));
    assert.equal((await store.read(id)).events.length, 4);
    assert.match(warnings.join("\n"), /not an append cru made; ignored/);
  }));

test("a lock file or log that is a symbolic link is refused, and its target left untouched", () =>
  withTempDir(async (root) => {
    const store = new SessionStore({ root });
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "precious\n");
    const a = store.create({ type: "chat" });
    rmSync(join(a.dir, SESSION_LOCK_NAME), { force: true });
    symlinkSync(victim, join(a.dir, SESSION_LOCK_NAME));
    await assert.rejects(store.append(a.id, [{ role: "user", content: "x" }]), { code: "lock_file_link" });
    const b = store.create({ type: "chat" });
    rmSync(b.file);
    symlinkSync(victim, b.file);
    await assert.rejects(store.append(b.id, [{ role: "user", content: "x" }]), /symbolic link/);
    const c = store.create({ type: "chat" });
    const outside = join(root, "elsewhere");
    mkdirSync(outside);
    renameSync(c.dir, join(outside, c.id));
    symlinkSync(join(outside, c.id), c.dir);
    await assert.rejects(store.append(c.id, [{ role: "user", content: "x" }]), /symbolic link/);
    assert.equal(readFileSync(victim, "utf8"), "precious\n");
    const logs = readdirSync(join(outside, c.id)).filter((n) => n.endsWith(".md"));
    assert.equal(logs.length, 1);
    assert.doesNotMatch(readFileSync(join(outside, c.id, logs[0]), "utf8"), /\*\*User:\*\*/);
  }));

test("findStoreDir() prefers --dir, then CRU_DIR, then the nearest .crucible, then ~/.crucible", () =>
  withTempDir((root) => {
    const deep = join(root, "a", "b", "c");
    mkdirSync(deep, { recursive: true });
    mkdirSync(join(root, "a", ".crucible"));
    const home = join(root, "home");
    assert.equal(findStoreDir({ dir: "x", envDir: "/env", cwd: deep, home }), join(deep, "x"));
    assert.equal(findStoreDir({ envDir: "/env/.crucible", cwd: deep, home }), "/env/.crucible");
    assert.equal(findStoreDir({ cwd: deep, home }), join(root, "a", ".crucible"));
    assert.equal(findStoreDir({ cwd: home, home }), join(home, ".crucible"));
  }));

test("create() with a given id and start time, and appendTimed() with the events' own times", () =>
  withTempDir(async (root) => {
    const store = new SessionStore({ root });
    const created = store.create({
      type: "chat",
      id: "chat-aider-1a2b",
      started: "2023-05-01T09:00:00Z",
      extra: { source: "aider" },
    });
    assert.equal(created.id, "chat-aider-1a2b");
    assert.equal(created.file, join(root, "sessions", "chat-aider-1a2b", "2023-05-01-0900.md"));
    assert.throws(() => store.create({ type: "chat", id: "chat-aider-1a2b" }), { code: "session_exists" });
    assert.throws(() => store.create({ type: "chat", id: "../x" }), { code: "invalid_input" });
    await store.appendTimed(created.id, [
      { role: "user", content: "q1", at: "2023-05-01T09:00:00Z" },
      { role: "assistant", content: "a1", at: "2023-05-01T09:00:00Z" },
      { role: "user", content: "q2", at: "2023-05-01T09:05:00Z" },
    ]);
    await store.appendTimed(created.id, [{ role: "assistant", content: "a2", at: "2023-05-01T09:05:00Z" }]);
    const session = await store.read(created.id);
    assert.deepEqual(session.events.map((e) => [e.content, e.at]), [
      ["q1", "2023-05-01T09:00:00Z"],
      ["a1", "2023-05-01T09:00:00Z"],
      ["q2", "2023-05-01T09:05:00Z"],
      ["a2", "2023-05-01T09:05:00Z"],
    ]);
    assert.equal(readFileSync(created.file, "utf8").match(/^## /gm)?.length, 2, "one heading per turn");
    assert.equal(session.lastActivity, "2023-05-01T09:05:00Z");
    await assert.rejects(store.appendTimed(created.id, [{ role: "user", content: "x", at: "yesterday" }]), {
      code: "invalid_input",
    });
  }));

test("readLogFile() reads only a log of that session, never through a link or a path that leaves it", () =>
  withTempDir(async (root) => {
    const store = new SessionStore({ root });
    const { id, dir, file } = store.create({ type: "chat" });
    writeFileSync(join(root, "outside.md"), "---\nsession_id: x\n---\n\n**User:** not yours\n");
    assert.equal((await store.readLogFile(id, file)).file, file);
    await assert.rejects(store.readLogFile(id, join(dir, "..", "..", "outside.md")), { code: "invalid_input" });
    await assert.rejects(store.readLogFile(id, join(dir, ".lock")), { code: "invalid_input" });
    symlinkSync(join(root, "outside.md"), join(dir, "2099-01-01-0000.md"));
    await assert.rejects(store.readLogFile(id, join(dir, "2099-01-01-0000.md")), /not a regular file/);
    assert.ok(!store.allLogs().some((log) => log.file.endsWith("2099-01-01-0000.md")), "links are not listed");
  }));
