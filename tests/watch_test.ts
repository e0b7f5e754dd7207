/**
 * `cru watch` on a temporary home folder while a writer appends Claude Code-
 * and Codex-shaped lines: each line searchable within a second, a truncated
 * last line taken once complete, a damaged line reported as file:line, a
 * restart and a re-import adding nothing, SIGTERM ending it with 0 within a
 * second. Runs the compiled binary when CRU_BIN is set.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruCommand, cruJson } from "./_helpers/run_cru.ts";
import { ClaudeLines, CodexLines } from "./_helpers/transcript_lines.ts";
import { openCrucible } from "../src/core/open_crucible.ts";

/** Within a second of being written, as the issue asks. */
const SEARCHABLE_MS = 1_000;

interface Report {
  kind: "import" | "warning" | "error";
  file: string;
  line?: number;
  session?: string;
  events?: number;
  message?: string;
}

/** A running `cru watch --json`, its reports as they come. */
function startWatch(store: string, home: string) {
  const [command, ...prefix] = cruCommand();
  const env: Record<string, string> = { ...process.env as Record<string, string>, HOME: home, NO_COLOR: "1" };
  env.CRU_INDEX_IDLE_MS = "5000";
  delete env.CLAUDE_CONFIG_DIR;
  delete env.CODEX_HOME;
  delete env.CRU_DIR;
  const child = spawn(command, [...prefix, "watch", "--dir", store, "--json"], { env });
  const reports: Report[] = [];
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split("\n");
    stdout = lines.pop()!;
    for (const line of lines) if (line.trim() !== "") reports.push(JSON.parse(line));
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal }))
  );
  const killer = setTimeout(() => child.kill("SIGKILL"), 200_000);
  return {
    reports,
    stderr: () => stderr,
    /** Sends SIGTERM; resolves with the exit and how long it took. */
    async stop() {
      const start = performance.now();
      // Not child.kill(): under Deno it reports the child as killed by the signal even when it exited 0.
      process.kill(child.pid!, "SIGTERM");
      const result = await exited;
      clearTimeout(killer);
      return { ...result, ms: performance.now() - start };
    },
  };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > ms) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - start;
}

test("cru watch takes Claude Code and Codex lines as they are written, and a restart adds nothing", {
  timeout: 300_000,
}, () =>
  withTempDir(async (tmp) => {
    const store = join(tmp, ".crucible");
    const home = join(tmp, "home");
    const claudeFile = join(home, ".claude", "projects", "-home-dev-proj", "5f1c-session.jsonl");
    mkdirSync(join(home, ".claude", "projects", "-home-dev-proj"), { recursive: true });
    mkdirSync(join(home, ".codex", "sessions"), { recursive: true });
    const claude = new ClaudeLines("5f1c-session");
    writeFileSync(claudeFile, `${claude.user("Please look at the seedling deploy")}\n`);

    const watch = startWatch(store, home);
    let stopped = false;
    try {
      await waitFor("the first import", () => watch.reports.some((r) => r.kind === "import"), 60_000);
      // The test searches in-process, through the store's index owner, as fast as it can.
      const cru = openCrucible({ dir: store, plugins: [], userPlugins: false });
      const found = async (word: string) => (await cru.search(word)).hits.length > 0;
      await waitFor("the index owner to answer", () => found("seedling"), 60_000);

      const latencies: Record<string, number> = {};
      /** Appends lines, then waits until `word` is found, and records how long that took. */
      const write = async (file: string, lines: string[], word: string) => {
        appendFileSync(file, lines.map((line) => `${line}\n`).join(""));
        latencies[word] = await waitFor(`"${word}" to be searchable`, () => found(word), 30_000);
      };

      // Claude Code: a user and assistant turn, thinking with a tool call, its result, a summary, a compaction.
      await write(claudeFile, [claude.user("Why does the quokkaword test flake?")], "quokkaword");
      await write(claudeFile, [
        claude.assistant("The numbatword fixture races the server; its key AKIAIOSFODNN7EXAMPLE leaked."),
      ], "numbatword");
      await write(
        claudeFile,
        [claude.thinkingAndToolUse("Check the wallabyword logs", "toolu_01", "npm test")],
        "wallabyword",
      );
      await write(claudeFile, [claude.toolResult("toolu_01", "41 passed, platypusword failed")], "platypusword");
      await write(claudeFile, [claude.summary("Fixing the dingoword flake")], "dingoword");
      await write(claudeFile, claude.compaction("we fixed the echidnaword race"), "echidnaword");

      // A truncated last line is not reported and is taken once completed.
      const pending = claude.user("and the kookaburraword case?");
      appendFileSync(claudeFile, pending.slice(0, 40));
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(await found("kookaburraword"), false);
      await write(claudeFile, [pending.slice(40)], "kookaburraword");
      assert.deepEqual(watch.reports.filter((r) => r.kind !== "import"), [], "no problem reported for a cut line");

      // A damaged line is reported as file:line, and the lines after it are still taken.
      const damagedLine = readFileSync(claudeFile, "utf8").split("\n").length; // the file ends with a newline
      appendFileSync(claudeFile, '{"type":"user","message":\n');
      await write(claudeFile, [claude.assistant("after the damage, bilbyword")], "bilbyword");
      // The watcher's report line travels through its stdout: it can reach this test after the index has the event.
      await waitFor("the damaged line's warning", () => watch.reports.some((r) => r.kind === "warning"), 10_000);
      const warnings = watch.reports.filter((r) => r.kind === "warning");
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.equal(warnings[0].file, claudeFile);
      assert.equal(warnings[0].line, damagedLine);

      // Codex, in a day folder made after the watcher started.
      const day = join(home, ".codex", "sessions", "2025", "06", "01");
      mkdirSync(day, { recursive: true });
      const codexFile = join(day, "rollout-2025-06-01T11-00-00-0197a1b2.jsonl");
      const codex = new CodexLines("0197a1b2-c3d4");
      await write(codexFile, [codex.meta(), ...codex.user("Rename the emuword module")], "emuword");
      await write(codexFile, [codex.reasoning("Find every galahword import first")], "galahword");
      await write(
        codexFile,
        [codex.call("call_1", "rg -l old_name"), codex.output("call_1", "src/cassowaryword.ts")],
        "cassowaryword",
      );
      await write(codexFile, [codex.compacted("renamed the wombatword module")], "wombatword");
      await write(codexFile, codex.assistant("Done: lyrebirdword renamed."), "lyrebirdword");

      const slow = Object.entries(latencies).filter(([, ms]) => ms > SEARCHABLE_MS);
      assert.deepEqual(slow, [], `searchable within ${SEARCHABLE_MS} ms: ${JSON.stringify(latencies)}`);

      const result = await watch.stop();
      stopped = true;
      assert.equal(result.code, 0, JSON.stringify(result) + watch.stderr());
      assert.ok(result.ms < 1_000, `SIGTERM to exit took ${Math.round(result.ms)} ms`);

      // What is in cru now: each line's words once, the tool call with its result.
      const sessions = [...new Set(watch.reports.filter((r) => r.kind === "import").map((r) => r.session!))];
      assert.equal(sessions.length, 2);
      const shown = await Promise.all(sessions.map((id) => cru.show(id)));
      const text = shown.flatMap((s) => s.events.map((e) => `${e.tool ?? ""} ${e.content}`)).join("\n");
      for (const word of [...Object.keys(latencies), "seedling"]) {
        assert.equal(text.split(word).length - 1, 1, `"${word}" is in the sessions exactly once`);
      }
      assert.doesNotMatch(text, /AKIAIOSFODNN7EXAMPLE/, "secrets are redacted as they are taken in");
      assert.match(text, /\[redacted:/);
      // Each source compacted once: each session is two logs, the second a continuation.
      assert.deepEqual(shown.map((s) => s.files.length), [2, 2]);
      const bash = shown.flatMap((s) => s.events).find((e) => e.tool === "Bash");
      assert.deepEqual(bash?.args, { command: "npm test", description: "run it" });
      const before = shown.map((s) => s.events.length);

      // A one-pass run, a restarted watcher and a plain re-import add nothing.
      const once = await cruJson<{ events: number }>(["watch", "--once", "--dir", store], { env: { HOME: home } });
      assert.equal(once.events, 0);
      const reimport = await cruJson<{ events: number }>(["session", "import", claudeFile, codexFile, "--dir", store]);
      assert.equal(reimport.events, 0);
      const again = startWatch(store, home);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      // History the tool deletes stays in cru.
      rmSync(codexFile);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const second = await again.stop();
      assert.equal(second.code, 0, again.stderr());
      assert.deepEqual(again.reports, [], "a restart imports nothing and a deleted transcript is no problem");
      assert.deepEqual((await Promise.all(sessions.map((id) => cru.show(id)))).map((s) => s.events.length), before);

      // The status names the folders, the last import per source, and the damaged line.
      const status = await cruJson<{
        running: boolean;
        sources: { name: string; files: number; last_import: { session: string } | null }[];
        problems: { file: string; line?: number }[];
      }>(["watch", "--status", "--dir", store], { env: { HOME: home } });
      assert.equal(status.running, false);
      assert.deepEqual(status.sources.map((s) => [s.name, s.files]), [["claude-code", 1], ["codex", 1]]);
      assert.ok(status.sources.every((s) => s.last_import !== null));
      assert.ok(status.problems.some((p) => p.file === claudeFile && p.line === damagedLine));
    } finally {
      if (!stopped) await watch.stop();
    }
  }));
