import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCrucible } from "./open_crucible.ts";

/** A store whose index runs in this process over memory: no owner, no database, fast. */
async function withStore(work: (cru: ReturnType<typeof openCrucible>, dir: string) => Promise<void>): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "cru-core-"));
  try {
    const dir = join(tmp, ".crucible");
    await work(openCrucible({ dir, index: "memory", plugins: [], userPlugins: false }), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

test("Crucible.search() finds an append at once, with file:line, total and filters", () =>
  withStore(async (cru) => {
    const { id } = await cru.newSession({ type: "agent", title: "Nightly triage", tags: ["ci"] });
    const receipt = await cru.append(id, [
      { role: "thought", content: "The parser tests are flaky" },
      { role: "tool", tool: "shell", args: { cmd: "npm test --grep parser" }, content: "41 passed, 3 failed" },
    ]);
    const { hits, total } = await cru.search("parser");
    assert.equal(total, 2);
    assert.deepEqual(hits.map((h) => h.role).sort(), ["thought", "tool"]);
    const thought = hits.find((h) => h.role === "thought")!;
    assert.equal(thought.file, receipt.file);
    assert.equal(
      readFileSync(receipt.file, "utf8").split("\n")[thought.line - 1],
      "**Thought:** The parser tests are flaky",
    );
    assert.equal((await cru.search("parser", { role: "tool" })).hits[0].tool, "shell");
    assert.equal((await cru.search("parser", { type: "chat" })).total, 0);
    assert.equal((await cru.search("triage")).hits[0].role, "title", "titles are searchable");
    assert.equal((await cru.search("ci")).hits[0].role, "title", "tags are searchable");
  }));

test("Crucible.list() counts events per session and sees a compaction summary in search, not in the count", () =>
  withStore(async (cru) => {
    const { id } = await cru.newSession({ title: "Long one" });
    await cru.append(id, { role: "user", content: "first turn" });
    await cru.compact(id, "we talked about the okapi enclosure");
    await cru.append(id, { role: "assistant", content: "after compaction" });
    const { sessions } = await cru.list();
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].events, 2);
    assert.equal(sessions[0].title, "Long one");
    const { hits } = await cru.search("okapi");
    assert.equal(hits.length, 1);
    assert.equal(hits[0].role, "summary");
  }));

test("a hand edit is found by the next search, the old words are gone, and reindex answers the same", () =>
  withStore(async (cru) => {
    const { id } = await cru.newSession();
    const { file } = await cru.append(id, { role: "user", content: "the platypus escaped" });
    await cru.append(id, { role: "assistant", content: "the keeper found it" });
    writeFileSync(file, readFileSync(file, "utf8").replace("platypus", "narwhal"));
    assert.equal((await cru.search("platypus")).total, 0);
    const before = await cru.search("narwhal OR keeper");
    assert.equal(before.total, 2);
    await cru.reindex();
    assert.deepEqual(await cru.search("narwhal OR keeper"), before);
  }));

test("list and search in a folder that holds no sessions answer empty and create nothing there", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "cru-core-"));
  try {
    writeFileSync(join(tmp, "unrelated.txt"), "not a store");
    // The real index link: it would start an owner and make `index/` if it were asked.
    const cru = openCrucible({ dir: tmp, plugins: [], userPlugins: false });
    assert.deepEqual((await cru.list()).sessions, []);
    assert.equal((await cru.search("anything")).total, 0);
    assert.deepEqual(readdirSync(tmp), ["unrelated.txt"]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
