import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";
import {
  checkFolderImport,
  FIXTURES,
  IMPORT_ENV as ENV,
  type ImportJson,
  importJson,
  transcriptFiles,
} from "./_helpers/transcripts.ts";
import { SessionStore } from "../src/store/session_store.ts";
import type { StoredEvent } from "../src/model/event.ts";
import { DROPPED_EVENT_NOTE, importSources } from "../src/import/import_service.ts";

/** The repo's aider fixture: eight headers, two of them with no turns under them. */
const PROTOTIPO = join(FIXTURES, "aider", "prototipo.aider.chat.history.md");
const CODEX = join(FIXTURES, "jsonl", "rollout-2025-12-28.jsonl");
const lines = (path: string) => readFileSync(path, "utf8").split("\n").map((line) => line.replace(/\r$/, ""));

// ---- Tests ----

test("import reads the repo's fixtures of every construct: sessions match the markers, no word is lost", () =>
  withTempDir(async (tmp) => {
    const report = await checkFolderImport(FIXTURES, join(tmp, ".crucible"), [
      ["AttentionGate", "prototipo"],
      ["debouncing", "debouncing"],
      ["homelab", ".jsonl"],
      ["வணக்கம்", "prototipo"],
      ["CRLF", "crlf"],
    ]);
    assert.equal(report.files, 5);
  }));

test("an aider chat with no turns imports nothing and says so, naming the file and line", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = join(tmp, ".aider.chat.history.md");
    writeFileSync(
      file,
      "# aider chat started at 2025-03-01 09:00:00\n\n# aider chat started at 2025-03-01 09:05:00\n",
    );
    const run = await runCru(["session", "import", file, "--dir", dir], { env: ENV });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stderr,
      `warning: ${file}:1: aider chat started at 2025-03-01 09:00:00 has no turns: nothing imported\n` +
        `warning: ${file}:3: aider chat started at 2025-03-01 09:05:00 has no turns: nothing imported\n`,
    );
    assert.match(run.stdout, /^imported 0 events/);
    assert.deepEqual(readdirSafe(join(dir, "sessions")), []);
  }));

test("the same history imported from another folder is not duplicated; sessions are titled by the user", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const first = await importJson(dir, PROTOTIPO);
    const copy = join(tmp, "elsewhere", ".aider.chat.history.md");
    mkdirSync(join(tmp, "elsewhere"));
    copyFileSync(PROTOTIPO, copy);
    const again = await importJson(dir, copy);
    assert.equal(again.events, 0);
    assert.deepEqual(again.sessions.map((s) => [s.id, s.created]), first.sessions.map((s) => [s.id, false]));
    assert.equal(readdirSafe(join(dir, "sessions")).length, 5);
    const listed = await cruJson<{ sessions: { id: string; title: string | null }[] }>([
      "session",
      "list",
      "--dir",
      dir,
    ], {
      env: ENV,
    });
    const titles = first.sessions.map((s) => listed.sessions.find((l) => l.id === s.id)?.title);
    assert.deepEqual(titles, [
      "build the attention block for the MRI model",
      "/ask say hello in fourteen scripts",
      "add a test",
      "why did the build fail?",
      "last one",
    ]);
  }));

test("cleanup judges an imported session by its import time too: a fresh import of old chats stays", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const imported = await importJson(dir, PROTOTIPO);
    const dry = await cruJson<{ sessions: string[] }>(
      ["session", "cleanup", "--older-than", "30d", "--dry-run", "--dir", dir],
      { env: ENV },
    );
    assert.deepEqual(dry.sessions, []);
    const shown = await cruJson<{ last_activity: string; events: { at: string }[] }>(
      ["session", "show", imported.sessions[0].id, "--dir", dir],
    );
    assert.equal(shown.events.at(-1)?.at, "2025-02-04T21:52:53Z", "events keep the source's times");
    assert.ok(Date.now() - Date.parse(shown.last_activity) < 10 * 60_000, shown.last_activity);
  }));

test("import gives sessions stable ids, the source in their frontmatter and the source's times", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = PROTOTIPO;
    const report = await importJson(dir, file, "--from", "aider");
    assert.equal(report.sessions.length, 5, "the two headers without turns make no session");
    assert.ok(report.sessions.every((s) => /^chat-aider-[0-9a-f]{16}$/.test(s.id)), report.sessions[0].id);
    const first = await cruJson<{ started: string; files: string[]; events: { at: string }[] }>(
      ["session", "show", report.sessions[0].id, "--dir", dir],
    );
    assert.equal(first.started, "2025-02-04T21:52:53Z");
    assert.ok(first.events.every((e) => e.at === "2025-02-04T21:52:53Z"));
    const head = readFileSync(first.files[0], "utf8").split("\n---\n")[0];
    assert.match(head, new RegExp(`\nsource: aider\nsource_path: ${file.replace(/[.]/g, "\\.")}\nsource_line: 2\n`));
    const asAgents = await importJson(join(tmp, "other"), file, "--type", "agent");
    assert.ok(asAgents.sessions.every((s) => s.id.startsWith("agent-aider-")));
    const codex = await importJson(dir, CODEX);
    const shown = await cruJson<{ type: string; started: string; events: { at: string }[] }>(
      ["session", "show", codex.sessions[0].id, "--dir", dir],
    );
    assert.equal(shown.type, "agent");
    assert.equal(shown.started, "2025-12-28T12:18:30Z");
    assert.equal(shown.events.at(-1)?.at, "2025-12-28T12:18:44Z");
  }));

test("a grown file imports only what is new, and ends up as a one-shot import of it would", () =>
  withTempDir(async (tmp) => {
    const source = readFileSync(PROTOTIPO, "utf8");
    const headers = [...source.matchAll(/^# aider chat started at .*$/gm)].map((m) => m.index!);
    const file = join(tmp, "project", ".aider.chat.history.md");
    mkdirSync(join(tmp, "project"));
    writeFileSync(file, source.slice(0, headers[5]));
    const dir = join(tmp, "grown");
    const before = await importJson(dir, join(tmp, "project"));
    assert.equal(before.sessions.length, 3);
    writeFileSync(file, source);
    const after = await importJson(dir, join(tmp, "project"));
    assert.equal(after.sessions.length, 5);
    assert.deepEqual(
      after.sessions.slice(0, 3).map((s) => [s.id, s.created, s.events]),
      before.sessions.map((s) => [s.id, false, 0]),
    );
    assert.ok(after.sessions.slice(3).every((s) => s.created));

    const once = join(tmp, "once");
    const oneShot = await importJson(once, file);
    assert.equal(after.events, oneShot.sessions.slice(3).reduce((sum, s) => sum + s.events, 0));
    const [grownStore, onceStore] = [new SessionStore({ root: dir }), new SessionStore({ root: once })];
    for (const { id } of oneShot.sessions) {
      const strip = (events: StoredEvent[]) => events.map(({ file: _file, ...event }) => event);
      assert.deepEqual(strip((await grownStore.read(id)).events), strip((await onceStore.read(id)).events), id);
    }
  }));

test("an event that grew since it was imported gets its new text as a (continued) event, once", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = join(tmp, ".aider.chat.history.md");
    writeFileSync(file, "# aider chat started at 2025-03-01 09:00:00\n\n#### add tests  \n\n> Tokens: 1k sent  \n");
    const first = await importJson(dir, file);
    assert.equal(first.events, 2);
    appendFileSync(file, "> Applied edit to test.py  \n\n#### thanks  \n");
    const second = await importJson(dir, file);
    assert.equal(second.events, 2);
    const shown = await cruJson<{ events: { role: string; content: string }[] }>(
      ["session", "show", first.sessions[0].id, "--dir", dir],
    );
    assert.deepEqual(shown.events.map((e) => `${e.role}: ${e.content}`), [
      "user: add tests",
      "tool: Tokens: 1k sent",
      "tool: (continued)\nApplied edit to test.py",
      "user: thanks",
    ]);
    assert.equal((await importJson(dir, file)).events, 0);

    // A SpecStory file saved in the middle of the agent's reply, then again when it was done.
    const history = join(tmp, "2025-10-01_08-17.md");
    const start =
      "<!-- Generated by SpecStory -->\n\n# Debouncing (2025-10-01 08:17+0200)\n\n_**User**_\n\nWhat is it?\n\n" +
      "---\n\n_**Assistant**_\n\nDebouncing delays a call";
    writeFileSync(history, `${start}\n`);
    const saved = await importJson(dir, history);
    assert.equal(saved.events, 2);
    writeFileSync(history, `${start} until input stops.\n\nExample below.\n\n---\n\n_**User**_\n\nThanks\n`);
    assert.equal((await importJson(dir, history)).events, 2);
    const reply = await cruJson<{ events: { role: string; content: string }[] }>(
      ["session", "show", saved.sessions[0].id, "--dir", dir],
    );
    assert.deepEqual(reply.events.map((e) => `${e.role}: ${e.content}`), [
      "user: What is it?",
      "assistant: Debouncing delays a call",
      "assistant: (continued)  until input stops.\n\nExample below.",
      "user: Thanks",
    ]);
    assert.equal((await importJson(dir, history)).events, 0);
  }));

test("a JSONL transcript that grows gets its pending tool calls' results and the new turns", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = join(tmp, "session.jsonl");
    const record = (second: number, type: string, content: unknown) =>
      JSON.stringify({
        type,
        sessionId: "s-7",
        timestamp: `2025-06-01T10:00:${String(second).padStart(2, "0")}Z`,
        message: { role: type, content },
      }) + "\n";
    // Two calls in flight when the file is first imported.
    writeFileSync(
      file,
      record(0, "user", "run the tests") +
        record(1, "assistant", [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "npm test" } }]) +
        record(2, "assistant", [{ type: "tool_use", id: "t2", name: "Read", input: { file_path: "a.ts" } }]),
    );
    const first = await importJson(dir, file);
    assert.deepEqual([first.sessions[0].source, first.events], ["claude-code", 3]);
    appendFileSync(
      file,
      record(8, "user", [{ type: "tool_result", tool_use_id: "t2", content: "const a = 1;" }]) +
        record(9, "user", [{ type: "tool_result", tool_use_id: "t1", content: "12 passing" }]) +
        record(10, "assistant", [{ type: "text", text: "All green." }]),
    );
    const second = await importJson(dir, file);
    assert.equal(second.events, 3);
    const shown = await cruJson<{ events: { role: string; content: string; tool?: string; at: string }[] }>(
      ["session", "show", first.sessions[0].id, "--dir", dir],
    );
    assert.deepEqual(shown.events.map((e) => [e.role, e.tool ?? "", e.content, e.at]), [
      ["user", "", "run the tests", "2025-06-01T10:00:00Z"],
      ["tool", "Bash", "", "2025-06-01T10:00:01Z"],
      ["tool", "Read", "", "2025-06-01T10:00:02Z"],
      ["tool", "Bash", "(continued) 12 passing", "2025-06-01T10:00:01Z"],
      ["tool", "Read", "(continued) const a = 1;", "2025-06-01T10:00:02Z"],
      ["assistant", "", "All green.", "2025-06-01T10:00:10Z"],
    ]);
    assert.equal((await importJson(dir, file)).events, 0);
  }));

test("two imports of the same files at once write each event once", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const aider = join(FIXTURES, "aider");
    const [a, b] = await Promise.all([importJson(dir, aider), importJson(dir, aider)]);
    const once = await importJson(join(tmp, "once"), aider);
    assert.equal(a.events + b.events, once.events);
    assert.deepEqual(b.sessions.map((s) => s.id), a.sessions.map((s) => s.id));
  }));

test("a file not in the claimed format fails naming file and line, and nothing is written", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const specstory = transcriptFiles(FIXTURES, "specstory")[1];
    const aider = PROTOTIPO;
    const wrong = await runCru(["session", "import", aider, specstory, "--from", "aider", "--dir", dir]);
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.equal(
      wrong.stderr,
      `cru: ${specstory}:1: not an aider chat history: expected "# aider chat started at …", found "<!-- Generated by SpecStory, Markdown v2.1.0 -->"\n`,
    );
    assert.deepEqual(readdirSafe(join(dir, "sessions")), [], "the good file named with it was not imported either");

    const notes = join(tmp, "notes.md");
    writeFileSync(notes, "\n\nShopping list\n- milk\n");
    const unknown = await runCru(["session", "import", notes, "--dir", dir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, new RegExp(`^cru: ${notes}:3: not a transcript cru can import: expected an aider`));

    const bogus = await runCru(["session", "import", aider, "--from", "bogus", "--dir", dir]);
    assert.equal(bogus.code, 2);
    assert.match(
      bogus.stderr,
      /^cru: invalid --from "bogus": expected one of aider, specstory, claude-code, codex, auto/,
    );
    const missing = await runCru(["session", "import", join(tmp, "nope.md"), "--dir", dir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.md" not found/);

    // In a folder, files that are not transcripts are skipped with a warning.
    const project = join(tmp, "project");
    mkdirSync(project);
    copyFileSync(aider, join(project, ".aider.chat.history.md"));
    copyFileSync(notes, join(project, "README.md"));
    const walked = await runCru(["session", "import", project, "--json", "--dir", dir], { env: ENV });
    assert.equal(walked.code, 0, walked.stderr);
    assert.match(
      walked.stderr,
      new RegExp(`^warning: ${join(project, "README.md")}:3: skipped: not a transcript`, "m"),
    );
    assert.deepEqual((JSON.parse(walked.stdout) as { skipped: string[] }).skipped, [join(project, "README.md")]);
  }));

test("a damaged file imports what it can and names each damaged line in a warning", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = join(tmp, "rollout.jsonl");
    const original = lines(CODEX).filter((l) => l !== "");
    const damaged = original.map((line, i) => (i === 2 || i === 6 ? line.slice(0, 40) : line));
    writeFileSync(file, damaged.join("\n") + "\n");
    const run = await runCru(["session", "import", file, "--json", "--dir", dir], { env: ENV });
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stderr.trim().split("\n");
    assert.equal(warnings.length, 2, run.stderr);
    assert.match(warnings[0], new RegExp(`^warning: ${file}:3: not valid JSON`));
    assert.match(warnings[1], new RegExp(`^warning: ${file}:7: not valid JSON`));
    const report = JSON.parse(run.stdout) as ImportJson;
    const shown = await cruJson<{ events: { role: string; content: string }[] }>([
      "session",
      "show",
      report.sessions[0].id,
      "--dir",
      dir,
    ]);
    // The environment message (line 3) and the reasoning (line 7) were damaged; the rest is there.
    assert.deepEqual(shown.events.map((e) => e.role), ["user", "user", "tool", "assistant"]);
    assert.equal(report.events, 4);
    assert.match(shown.events[1].content, /^can you analyse the MD files/);
  }));

test("importSources() runs the transform on each event: changed text is written, a dropped event leaves a note", () =>
  withTempDir(async (tmp) => {
    const store = new SessionStore({ root: join(tmp, ".crucible") });
    const file = join(tmp, "h.md");
    writeFileSync(
      file,
      "# aider chat started at 2025-03-01 09:00:00\n\n#### my key is sk-12345  \n\nNoted.\n\n#### DROP this  \n\nOk.\n",
    );
    const seen: string[] = [];
    const transform = (event: { role: string; content: string; at: string }, id: string) => {
      seen.push(id);
      if (event.content.includes("DROP")) return Promise.resolve(null);
      return Promise.resolve({ ...event, content: event.content.replace(/sk-\w+/g, "[redacted]") } as never);
    };
    const report = await importSources(store, [file], { from: "auto", transform });
    assert.equal(report.events, 4);
    assert.ok(seen.every((id) => id === report.sessions[0].id));
    const events = (await store.read(report.sessions[0].id)).events.map((e) => `${e.role}: ${e.content}`);
    assert.deepEqual(events, [
      "user: my key is [redacted]",
      "assistant: Noted.",
      `note: ${DROPPED_EVENT_NOTE}`,
      "assistant: Ok.",
    ]);
    appendFileSync(file, "\n#### and now?  \n");
    const again = await importSources(store, [file], { from: "auto", transform });
    assert.equal(again.events, 1, "the dropped event still counts as imported");
  }));

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
