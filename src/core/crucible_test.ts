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

test("an import starts its new sessions as any other: session:before-start and session:start run, once each", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "cru-core-"));
  try {
    const history = join(tmp, ".aider.chat.history.md");
    writeFileSync(
      history,
      "\n# aider chat started at 2025-02-04 21:52:53\n\n#### make the frontend  \n\nHere it is.\n\n#### thanks  \n",
    );
    const drafts: Record<string, unknown>[] = [];
    const started: string[] = [];
    const cru = openCrucible({
      dir: join(tmp, ".crucible"),
      index: "memory",
      userPlugins: false,
      plugins: [{
        name: "start-watcher",
        version: "1.0.0",
        setup(ctx) {
          ctx.hook("session:before-start", (draft) => {
            drafts.push(draft.extra);
            return { ...draft, extra: { ...draft.extra, seen_by: "start-watcher" } };
          });
          ctx.hook("session:start", (session) => void started.push(session.id));
        },
      }],
    });
    const first = await cru.importSources([history], { from: "auto" });
    assert.equal(first.sessions.length, 1);
    const id = first.sessions[0].id;
    assert.deepEqual(started, [id]);
    assert.equal(drafts[0].source, "aider", "the hook sees the import's frontmatter");
    assert.match(readFileSync((await cru.show(id)).files[0], "utf8"), /^seen_by: start-watcher$/m);
    assert.equal((await cru.show(id)).title, "make the frontend");
    const again = await cru.importSources([history], { from: "auto" });
    assert.equal(again.events, 0);
    assert.deepEqual(started, [id], "a re-import starts nothing");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("git-context leaves an imported session as its transcript describes it", async () => {
  const { default: gitContext } = await import("../../plugins/git_context.ts");
  const tmp = mkdtempSync(join(tmpdir(), "cru-core-"));
  try {
    const history = join(tmp, ".aider.chat.history.md");
    writeFileSync(history, "\n# aider chat started at 2025-02-04 21:52:53\n\n#### hello  \n\nHi.\n");
    const cru = openCrucible({
      dir: join(tmp, ".crucible"),
      index: "memory",
      userPlugins: false,
      plugins: [gitContext],
    });
    const { sessions } = await cru.importSources([history], { from: "auto" });
    const text = readFileSync((await cru.show(sessions[0].id)).files[0], "utf8");
    assert.doesNotMatch(text, /^cwd:/m);
    const { id } = await cru.newSession({ title: "here" });
    assert.match(readFileSync((await cru.show(id)).files[0], "utf8"), /^cwd:/m, "a session started here is described");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
