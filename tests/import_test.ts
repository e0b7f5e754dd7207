import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";
import { SessionStore } from "../src/store/session_store.ts";
import type { StoredEvent } from "../src/model/event.ts";
import { DROPPED_EVENT_NOTE, importSources } from "../src/core/import_sessions.ts";

/** The real transcripts other tools wrote (see ../shared/corpus/README.md); read in place, never copied in. */
const CORPUS = process.env.CRU_CORPUS ??
  resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "shared", "corpus", "real");
const corpusFiles = (format: string) =>
  readdirSync(join(CORPUS, format)).sort().map((name) => join(CORPUS, format, name));

/** Index owners started by these tests go away soon after the test's store does. */
const ENV = { CRU_INDEX_IDLE_MS: "4000" };

interface ImportJson {
  files: number;
  sessions: { id: string; source: string; source_path: string; created: boolean; events: number }[];
  events: number;
}
const importJson = (dir: string, ...args: string[]) =>
  cruJson<ImportJson>(["session", "import", ...args, "--dir", dir], { env: ENV });

const lines = (path: string) => readFileSync(path, "utf8").split("\n").map((line) => line.replace(/\r$/, ""));

// ---- The sources' own markers and text, read independently of the importer ----

/** Sessions a file holds by its own markers. */
function markedSessions(path: string): number {
  if (path.includes("/aider/")) return lines(path).filter((line) => line.startsWith("# aider chat started at ")).length;
  if (path.endsWith(".jsonl")) {
    const ids = new Set(
      lines(path).filter((l) => l.includes('"session_meta"')).map((l) => JSON.parse(l).payload.id as string),
    );
    return Math.max(ids.size, 1);
  }
  return 1; // SpecStory: a file is a session
}

/** HTML tags are markup, not text: SpecStory wraps reasoning and tool calls in them. */
const TAG = /<\/?[A-Za-z][^<>\n]*>/g;

function words(text: string): string[] {
  return text.replace(TAG, " ").match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The words users and assistants wrote in a source file, by side. */
function sourceWords(path: string): { user: string[]; assistant: string[] } {
  const user: string[] = [];
  const assistant: string[] = [];
  if (path.includes("/aider/")) {
    let inSession = false;
    for (const line of lines(path)) {
      if (line.startsWith("# aider chat started at ")) inSession = true;
      else if (!inSession || /^>( |$)/.test(line)) continue; // `>` lines are aider's own output
      else if (/^####( |$)/.test(line)) user.push(...words(line.slice(4)));
      else assistant.push(...words(line));
    }
  } else if (path.includes("/specstory/")) {
    let side: string[] | undefined;
    for (const line of lines(path)) {
      const turn = /^_\*\*(User|Assistant|Agent)\b.*\*\*_\s*$/.exec(line);
      if (turn) side = turn[1] === "User" ? user : assistant;
      // SpecStory's fixed "Thought Process" label around reasoning is markup too.
      else if (side) side.push(...words(line.replace("<summary>Thought Process</summary>", "")));
    }
  } else {
    for (const line of lines(path)) {
      if (line.trim() === "") continue;
      const record = JSON.parse(line);
      const payload = record.payload;
      if (record.type !== "response_item" || payload?.type !== "message") continue;
      const text = payload.content.map((part: { text?: string }) => part.text ?? "").join(" ");
      if (payload.role === "user") user.push(...words(text));
      if (payload.role === "assistant") assistant.push(...words(text));
    }
  }
  return { user, assistant };
}

/** The words of imported events, by side: users', and the assistant's (its text, thoughts and tool use). */
function importedWords(events: StoredEvent[], format: string): { user: string[]; assistant: string[] } {
  const user = events.filter((e) => e.role === "user").flatMap((e) => words(e.content));
  const assistantRoles = format === "specstory" ? ["assistant", "thought", "tool"] : ["assistant"];
  const assistant = events.filter((e) => assistantRoles.includes(e.role)).flatMap((e) => words(e.content));
  return { user, assistant };
}

/** Asserts two word lists hold the same words the same number of times, naming a few that differ. */
function assertSameWords(actual: string[], expected: string[], what: string): void {
  const count = new Map<string, number>();
  for (const word of expected) count.set(word, (count.get(word) ?? 0) + 1);
  for (const word of actual) count.set(word, (count.get(word) ?? 0) - 1);
  const differ = [...count].filter(([, n]) => n !== 0);
  assert.deepEqual(differ.slice(0, 10), [], `${what}: words missing (>0) or extra (<0)`);
}

// ---- Tests ----

test("import reads every real transcript: sessions match the sources' markers and no user or assistant word is lost", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const report = await importJson(dir, CORPUS);
    const files = [...corpusFiles("aider"), ...corpusFiles("specstory"), ...corpusFiles("jsonl")];
    assert.equal(report.files, files.length);
    const store = new SessionStore({ root: dir });
    for (const file of files) {
      const sessions = report.sessions.filter((s) => s.source_path === file);
      assert.equal(sessions.length, markedSessions(file), `sessions of ${basename(file)}`);
      const events = (await Promise.all(sessions.map((s) => store.read(s.id)))).flatMap((s) => s.events);
      const format = sessions[0].source;
      const source = sourceWords(file);
      const imported = importedWords(events, format);
      assertSameWords(imported.user, source.user, `user words of ${basename(file)}`);
      assertSameWords(imported.assistant, source.assistant, `assistant words of ${basename(file)}`);
    }
    assert.equal(report.events, report.sessions.reduce((sum, s) => sum + s.events, 0));
    assert.ok(report.events > 1000, `${report.events} events`);
    assert.deepEqual(new Set(report.sessions.map((s) => s.source)), new Set(["aider", "specstory", "codex"]));

    // Search finds their text, through the CLI.
    const search = (query: string) =>
      cruJson<{ hits: { session_id: string }[] }>(["session", "search", query, "--dir", dir], { env: ENV });
    const idsOf = (name: string) => report.sessions.filter((s) => s.source_path.includes(name)).map((s) => s.id);
    for (const [query, source] of [["AttentionGate", "Brain-MRI"], ["debouncing", "bigmind"], ["homelab", ".jsonl"]]) {
      const { hits } = await search(query);
      assert.ok(hits.length > 0, `hits for ${query}`);
      assert.ok(hits.every((h) => idsOf(source).includes(h.session_id)), `${query} is found in ${source}`);
    }

    // Importing again writes nothing and finds the same sessions.
    const again = await importJson(dir, CORPUS);
    assert.equal(again.events, 0);
    assert.deepEqual(again.sessions.map((s) => s.id), report.sessions.map((s) => s.id));
    assert.ok(again.sessions.every((s) => !s.created && s.events === 0));
  }));

test("import gives sessions stable ids, the source in their frontmatter and the source's times", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = join(CORPUS, "aider", "123pescao__Prototipo__778fc98.md");
    const report = await importJson(dir, file, "--from", "aider");
    assert.equal(report.sessions.length, 11);
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
    const codex = await importJson(dir, ...corpusFiles("jsonl"));
    const shown = await cruJson<{ type: string; started: string; events: { at: string }[] }>(
      ["session", "show", codex.sessions[0].id, "--dir", dir],
    );
    assert.equal(shown.type, "agent");
    assert.equal(shown.started, "2025-12-28T12:18:30Z");
    assert.equal(shown.events.at(-1)?.at, "2025-12-28T12:21:44Z");
  }));

test("a grown file imports only what is new, and ends up as a one-shot import of it would", () =>
  withTempDir(async (tmp) => {
    const source = readFileSync(join(CORPUS, "aider", "123pescao__Prototipo__778fc98.md"), "utf8");
    const headers = [...source.matchAll(/^# aider chat started at .*$/gm)].map((m) => m.index!);
    const file = join(tmp, "project", ".aider.chat.history.md");
    mkdirSync(join(tmp, "project"));
    writeFileSync(file, source.slice(0, headers[6]));
    const dir = join(tmp, "grown");
    const before = await importJson(dir, join(tmp, "project"));
    assert.equal(before.sessions.length, 6);
    writeFileSync(file, source);
    const after = await importJson(dir, join(tmp, "project"));
    assert.equal(after.sessions.length, 11);
    assert.deepEqual(
      after.sessions.slice(0, 6).map((s) => [s.id, s.created, s.events]),
      before.sessions.map((s) => [s.id, false, 0]),
    );
    assert.ok(after.sessions.slice(6).every((s) => s.created));

    const once = join(tmp, "once");
    const oneShot = await importJson(once, file);
    assert.equal(after.events, oneShot.sessions.slice(6).reduce((sum, s) => sum + s.events, 0));
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
    const aider = join(CORPUS, "aider");
    const [a, b] = await Promise.all([importJson(dir, aider), importJson(dir, aider)]);
    const once = await importJson(join(tmp, "once"), aider);
    assert.equal(a.events + b.events, once.events);
    assert.deepEqual(b.sessions.map((s) => s.id), a.sessions.map((s) => s.id));
  }));

test("a file not in the claimed format fails naming file and line, and nothing is written", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const specstory = corpusFiles("specstory")[0];
    const aider = corpusFiles("aider")[0];
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
    assert.match(walked.stderr, new RegExp(`^warning: ${join(project, "README.md")}:3: skipped: not a transcript`));
    assert.deepEqual((JSON.parse(walked.stdout) as { skipped: string[] }).skipped, [join(project, "README.md")]);
  }));

test("a damaged file imports what it can and names each damaged line in a warning", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const file = join(tmp, "rollout.jsonl");
    const original = lines(corpusFiles("jsonl")[0]).filter((l) => l !== "");
    const damaged = original.map((line, i) => (i === 2 || i === 6 ? line.slice(0, 40) : line));
    writeFileSync(file, damaged.join("\n") + "\n");
    const run = await runCru(["session", "import", file, "--json", "--dir", dir], { env: ENV });
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stderr.trim().split("\n");
    assert.equal(warnings.length, 2, run.stderr);
    assert.match(warnings[0], new RegExp(`^warning: ${file}:3: not valid JSON`));
    assert.match(warnings[1], new RegExp(`^warning: ${file}:7: not valid JSON`));
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.equal(report.events, 2, "the AGENTS.md message and the question; the environment line was damaged");
    const shown = await cruJson<{ events: { content: string }[] }>([
      "session",
      "show",
      report.sessions[0].id,
      "--dir",
      dir,
    ]);
    assert.match(shown.events.at(-1)!.content, /^can you analyse the MD files/);
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
