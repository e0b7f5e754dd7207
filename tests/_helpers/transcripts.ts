/**
 * Test helper: what other tools' transcripts hold, read independently of cru's
 * importer, to check an import lost nothing. Used over the repo's own fixtures
 * and, when `CRU_CORPUS` names it, over the real corpus.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SessionStore } from "../../src/store/session_store.ts";
import type { StoredEvent } from "../../src/model/event.ts";
import { cruJson } from "./run_cru.ts";

/** The repo's own small transcripts, one for each construct the real corpus showed. */
export const FIXTURES = fileURLToPath(new URL("../fixtures/import", import.meta.url));

/** The real corpus (see ../shared/corpus/README.md) when `CRU_CORPUS` names it; tests over it skip otherwise. */
export const CORPUS: string | undefined = process.env.CRU_CORPUS || undefined;

/** Why a test over the real corpus did not run, or false when it runs. */
export const CORPUS_SKIP: string | false = CORPUS === undefined
  ? "CRU_CORPUS is not set (point it at ../shared/corpus/real to run this test over the real transcripts)"
  : false;

/** The files of one format folder (`aider`, `specstory`, `jsonl`) of a transcript folder, sorted. */
export function transcriptFiles(root: string, format: string): string[] {
  return readdirSync(join(root, format)).sort().map((name) => join(root, format, name));
}

const lines = (path: string) => readFileSync(path, "utf8").split("\n").map((line) => line.replace(/\r$/, ""));

/** Sessions a file holds by its own markers (an aider header without any turn under it holds none). */
export function markedSessions(path: string): number {
  if (path.includes("/aider/")) {
    const chunks = readFileSync(path, "utf8").split(/^# aider chat started at .*$/m).slice(1);
    return chunks.filter((chunk) => chunk.trim() !== "").length;
  }
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
export function sourceWords(path: string): { user: string[]; assistant: string[] } {
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
export function importedWords(events: StoredEvent[], format: string): { user: string[]; assistant: string[] } {
  const user = events.filter((e) => e.role === "user").flatMap((e) => words(e.content));
  const assistantRoles = format === "specstory" ? ["assistant", "thought", "tool"] : ["assistant"];
  const assistant = events.filter((e) => assistantRoles.includes(e.role)).flatMap((e) => words(e.content));
  return { user, assistant };
}

/** Asserts two word lists hold the same words the same number of times, naming a few that differ. */
export function assertSameWords(actual: string[], expected: string[], what: string): void {
  const count = new Map<string, number>();
  for (const word of expected) count.set(word, (count.get(word) ?? 0) + 1);
  for (const word of actual) count.set(word, (count.get(word) ?? 0) - 1);
  const differ = [...count].filter(([, n]) => n !== 0);
  assert.deepEqual(differ.slice(0, 10), [], `${what}: words missing (>0) or extra (<0)`);
}

/** What `cru session import --json` prints. */
export interface ImportJson {
  files: number;
  sessions: { id: string; source: string; source_path: string; created: boolean; events: number }[];
  events: number;
}

/** Index owners started by these tests go away soon after the test's store does. */
export const IMPORT_ENV = { CRU_INDEX_IDLE_MS: "4000" };

/** Runs `cru session import … --json` into the store `dir`. */
export const importJson = (dir: string, ...args: string[]): Promise<ImportJson> =>
  cruJson<ImportJson>(["session", "import", ...args, "--dir", dir], { env: IMPORT_ENV });

/**
 * Imports a whole transcript folder (laid out as `aider/`, `specstory/`, `jsonl/`) through the CLI and
 * checks it lost nothing: sessions match the sources' markers, every user and assistant word arrived,
 * search finds each query in its source only, and importing again writes nothing.
 */
export async function checkFolderImport(root: string, dir: string, queries: [string, string][]): Promise<ImportJson> {
  const report = await importJson(dir, root);
  const files = [
    ...transcriptFiles(root, "aider"),
    ...transcriptFiles(root, "specstory"),
    ...transcriptFiles(root, "jsonl"),
  ];
  assert.equal(report.files, files.length);
  const store = new SessionStore({ root: dir });
  for (const file of files) {
    const sessions = report.sessions.filter((s) => s.source_path === file);
    assert.equal(sessions.length, markedSessions(file), `sessions of ${basename(file)}`);
    if (sessions.length === 0) continue;
    const events = (await Promise.all(sessions.map((s) => store.read(s.id)))).flatMap((s) => s.events);
    const format = sessions[0].source;
    const source = sourceWords(file);
    const imported = importedWords(events, format);
    assertSameWords(imported.user, source.user, `user words of ${basename(file)}`);
    assertSameWords(imported.assistant, source.assistant, `assistant words of ${basename(file)}`);
  }
  assert.equal(report.events, report.sessions.reduce((sum, s) => sum + s.events, 0));
  assert.deepEqual(new Set(report.sessions.map((s) => s.source)), new Set(["aider", "specstory", "codex"]));

  const search = (query: string) =>
    cruJson<{ hits: { session_id: string }[] }>(["session", "search", query, "--dir", dir], { env: IMPORT_ENV });
  const idsOf = (name: string) => report.sessions.filter((s) => s.source_path.includes(name)).map((s) => s.id);
  for (const [query, source] of queries) {
    const { hits } = await search(query);
    assert.ok(hits.length > 0, `hits for ${query}`);
    assert.ok(hits.every((h) => idsOf(source).includes(h.session_id)), `${query} is found in ${source}`);
  }

  const again = await importJson(dir, root);
  assert.equal(again.events, 0);
  assert.deepEqual(again.sessions.map((s) => s.id), report.sessions.map((s) => s.id));
  assert.ok(again.sessions.every((s) => !s.created && s.events === 0));
  return report;
}
