import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";
import packageJson from "../package.json" with { type: "json" };

/** Every file under `dir` with its bytes, to prove a failed command wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name !== ".lock") files[relative(dir, path)] = readFileSync(path, "base64");
    }
  };
  walk(dir);
  return files;
}

test("cru session new prints the id, and --json gives id, dir and file", () =>
  withTempDir(async (tmp) => {
    const store = join(tmp, ".crucible");
    const plain = await runCru(["session", "new", "--dir", store]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^chat-\d{8}-\d{6}-[a-z0-9]+\n$/);
    const created = await cruJson<{ id: string; dir: string; file: string }>([
      "session",
      "new",
      "--type",
      "agent",
      "--title",
      "Build",
      "--dir",
      store,
    ]);
    assert.match(created.id, /^agent-/);
    assert.equal(created.dir, join(store, "sessions", created.id));
    assert.ok(readFileSync(created.file, "utf8").includes("type: agent\n"));
  }));

test("a whole session through the CLI reads back with the JSON shapes scripts rely on", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cruJson<{ id: string }>([
      "session",
      "new",
      "--title",
      "Project Alpha",
      "--tag",
      "alpha",
      "--dir",
      dir,
    ]);
    const appended = await cruJson<{ id: string; file: string; at: string }>([
      "session",
      "append",
      id,
      "--role",
      "user",
      "Find notes",
      "--dir",
      dir,
    ]);
    assert.deepEqual(Object.keys(appended).sort(), ["at", "file", "id"]);
    await cruJson(["session", "append", id, "--role", "assistant", "--dir", dir], { stdin: "Multi\n\nline answer\n" });
    await cruJson([
      "session",
      "append",
      id,
      "--tool",
      "search_by_tags",
      "--args",
      '{"tags":["project"]}',
      "--result",
      "Found 12",
      "--dir",
      dir,
    ]);
    await cruJson(["session", "append", id, "--tool", "cat", "--dir", dir], { stdin: "piped result\n" });
    writeFileSync(join(tmp, "plot.png"), "PNG");
    const attached = await cruJson<{ file: string; at: string }>([
      "session",
      "attach",
      id,
      join(tmp, "plot.png"),
      "--dir",
      dir,
    ]);
    assert.ok(attached.at);
    const compacted = await cruJson<{ file: string }>([
      "session",
      "compact",
      id,
      "--summary",
      "Found the notes.",
      "--dir",
      dir,
    ]);
    await cruJson(["session", "append", id, "--role", "thought", "group them", "--dir", dir]);
    await cruJson(["session", "end", id, "--dir", dir]);
    const shown = await cruJson<Record<string, unknown> & { events: Record<string, unknown>[]; files: string[] }>([
      "session",
      "show",
      id,
      "--dir",
      dir,
    ]);
    for (const key of ["id", "type", "title", "started", "ended", "files", "events"]) assert.ok(key in shown, key);
    assert.equal(shown.title, "Project Alpha");
    assert.equal(shown.files.length, 2);
    assert.equal(shown.files[1], compacted.file);
    assert.deepEqual(shown.events.map((e) => [e.role, e.content]), [
      ["user", "Find notes"],
      ["assistant", "Multi\n\nline answer"],
      ["tool", "Found 12"],
      ["tool", "piped result"],
      ["note", "Attached [[artifacts/plot.png]]"],
      ["thought", "group them"],
    ]);
    assert.deepEqual(shown.events[2].args, { tags: ["project"] });
    assert.equal(shown.events[2].tool, "search_by_tags");
    assert.equal(shown.events[5].file, compacted.file);
    assert.equal(readFileSync(join(dir, "sessions", id, "artifacts", "plot.png"), "utf8"), "PNG");
    const listed = await cruJson<{ sessions: Record<string, unknown>[] }>(["session", "list", "--dir", dir]);
    assert.deepEqual(
      Object.keys(listed.sessions[0]).filter((k) =>
        ["id", "type", "title", "started", "last_activity", "events"].includes(k)
      ).length,
      6,
    );
    assert.equal(listed.sessions[0].events, 6);
    const markdown = await runCru(["session", "show", id, "--markdown", "--dir", dir]);
    assert.match(markdown.stdout, /\*\*User:\*\* Find notes/);
    assert.match(markdown.stdout, /continued_from: \[\[/);
  }));

test("cru session list filters by type, time and limit, newest first", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const chat = await cruJson<{ id: string }>(["session", "new", "--dir", dir]);
    const agent = await cruJson<{ id: string }>(["session", "new", "--type", "agent", "--dir", dir]);
    await cruJson(["session", "append", chat.id, "--role", "user", "later", "--dir", dir]);
    const all = await cruJson<{ sessions: { id: string }[] }>(["session", "list", "--dir", dir]);
    assert.equal(all.sessions.length, 2);
    const agents = await cruJson<{ sessions: { id: string }[] }>(["session", "list", "--type", "agent", "--dir", dir]);
    assert.deepEqual(agents.sessions.map((s) => s.id), [agent.id]);
    const limited = await cruJson<{ sessions: unknown[] }>(["session", "list", "--limit", "1", "--dir", dir]);
    assert.equal(limited.sessions.length, 1);
    const future = await cruJson<{ sessions: unknown[] }>(["session", "list", "--since", "2999-01-01", "--dir", dir]);
    assert.equal(future.sessions.length, 0);
    const past = await cruJson<{ sessions: unknown[] }>(["session", "list", "--until", "2000-01-01", "--dir", dir]);
    assert.equal(past.sessions.length, 0);
    const recent = await cruJson<{ sessions: unknown[] }>(["session", "list", "--since", "1h", "--dir", dir]);
    assert.equal(recent.sessions.length, 2);
  }));

test("bad input exits 2 (usage) or 1 (runtime) with one 'cru:' line naming it, and writes nothing", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir]);
    await cruJson(["session", "append", id, "--role", "user", "hello", "--dir", dir]);
    const before = snapshot(dir);
    const cases: [string[], number, RegExp][] = [
      [["session", "append", id, "--role", "bogus", "x"], 2, /bogus/],
      [["session", "new", "--type", "meeting"], 2, /meeting/],
      // --args may hold a secret: named, never repeated.
      [["session", "append", id, "--tool", "t", "--args", "{bad"], 2, /invalid --args \(not repeated here/],
      [["session", "append", id, "--tool", "t", "--args", "[1,2]"], 2, /--args/],
      [["session", "append", id, "--tool", "has space", "--result", "x"], 2, /tool name/],
      [["session", "append", "chat-unknown", "--role", "user", "x"], 1, /chat-unknown.*not found/],
      [["session", "append", "../../etc", "--role", "user", "x"], 2, /session id "\.\.\/\.\.\/etc"/],
      [["session", "append", "chat-a/../../b", "--role", "user", "x"], 2, /session id/],
      [["session", "show", "/etc/passwd"], 2, /session id/],
      [["session", "attach", id, join(tmp, "missing.txt")], 1, /missing\.txt.*not found/],
      [["session", "attach", id, join(tmp), "--name", "../x"], 2, /expected a regular file \(it is a folder\)/],
      [["session", "list", "--since", "yesterday"], 2, /--since "yesterday"/],
      [["session", "list", "--limit", "-3"], 2, /--limit/],
      [["session", "append", id, "--role", "user"], 2, /stdin was empty/],
      [["session", "compact", id, "--summary", " "], 2, /--summary/],
      [["session", "frobnicate"], 2, /unknown command/],
      [["session", "list", "--colour"], 2, /unknown option/],
    ];
    for (const [args, code, pattern] of cases) {
      const run = await runCru([...args, "--dir", dir], { stdin: "" });
      assert.equal(run.code, code, `${args.join(" ")}: ${run.stderr}`);
      assert.equal(run.stdout, "", args.join(" "));
      const lines = run.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `one line for ${args.join(" ")}: ${run.stderr}`);
      assert.match(lines[0], /^cru: /);
      assert.match(lines[0], pattern);
      assert.deepEqual(snapshot(dir), before, `nothing written by ${args.join(" ")}`);
    }
    writeFileSync(join(tmp, "a.txt"), "a");
    const badName = await runCru(["session", "attach", id, join(tmp, "a.txt"), "--name", "../x", "--dir", dir]);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /artifact name "\.\.\/x"/);
    assert.deepEqual(snapshot(dir), before);
  }));

test("every command answers --help with its usage and exit 0", async () => {
  for (
    const args of [
      [],
      ["session"],
      ...["new", "append", "compact", "attach", "end", "list", "show"].map((c) => ["session", c]),
      ["completions"],
    ]
  ) {
    const run = await runCru([...args, "--help"]);
    assert.equal(run.code, 0, args.join(" "));
    assert.match(run.stdout, /^Usage: cru/);
  }
});

test("cru --version prints the package version", async () => {
  const run = await runCru(["--version"]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout.trim(), packageJson.version);
});

test("cru completions prints scripts that bash and fish accept and that name the commands", async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const run = await runCru(["completions", shell]);
    assert.equal(run.code, 0);
    const words = shell === "fish"
      ? ["session", "append", "-l role", "-l dir"]
      : ["session", "append", "--role", "--dir"];
    for (const word of words) assert.ok(run.stdout.includes(word), `${shell} has ${word}`);
    if (shell === "bash") execFileSync("bash", ["-n"], { input: run.stdout });
  }
  const bad = await runCru(["completions", "powershell"]);
  assert.equal(bad.code, 2);
});

test("the store is found through CRU_DIR and the nearest .crucible folder", () =>
  withTempDir(async (tmp) => {
    const project = join(tmp, "project");
    mkdirSync(join(project, ".crucible"), { recursive: true });
    mkdirSync(join(project, "src", "deep"), { recursive: true });
    const nearest = await cruJson<{ dir: string }>(["session", "new"], {
      cwd: join(project, "src", "deep"),
      env: { CRU_DIR: undefined },
    });
    assert.ok(nearest.dir.startsWith(join(project, ".crucible", "sessions")));
    const viaEnv = await cruJson<{ dir: string }>(["session", "new"], {
      cwd: tmp,
      env: { CRU_DIR: join(tmp, "elsewhere") },
    });
    assert.ok(viaEnv.dir.startsWith(join(tmp, "elsewhere", "sessions")));
    const home = await cruJson<{ dir: string }>(["session", "new"], {
      cwd: tmp,
      env: { CRU_DIR: undefined, HOME: join(tmp, "home") },
    });
    assert.ok(home.dir.startsWith(join(tmp, "home", ".crucible", "sessions")));
    assert.ok(statSync(join(tmp, "home", ".crucible")).isDirectory());
  }));
