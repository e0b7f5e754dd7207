/**
 * Issue 12, tried as an attacker would, through `cru` as a user runs it (the
 * compiled binary when `CRU_BIN` is set): code from a cloned store runs only
 * once trusted; data in a store (lock records, links, config.yaml) cannot aim
 * cru's writes outside it; every secret kind is redacted on every way in and
 * no near-miss is touched. Each test prints its figures (tried / leaked,
 * tried / held) on stderr for the closing note.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru, type RunCruOptions } from "./_helpers/run_cru.ts";
import { NEAR_MISSES, SECRET_SAMPLES } from "./_helpers/secret_samples.ts";
import { SessionStore } from "../src/store/session_store.ts";
import { SESSION_LOCK_NAME, withSessionLock } from "../src/store/session_lock.ts";

const SLOW = { timeout: 300_000 };

/** A run environment of its own: the user's config folder (trust records) lives in the test's temp folder. */
function envFor(tmp: string, extra: Record<string, string> = {}): Record<string, string> {
  return { XDG_CONFIG_HOME: join(tmp, "config"), CRU_INDEX_IDLE_MS: "3000", CRU_TRUST_PLUGINS: "", ...extra };
}

function run(args: string[], tmp: string, options: RunCruOptions = {}) {
  return runCru(args, { timeoutMs: 120_000, ...options, env: { ...envFor(tmp), ...options.env } });
}

async function json<T>(args: string[], tmp: string, options: RunCruOptions = {}): Promise<T> {
  return await cruJson<T>(args, { timeoutMs: 120_000, ...options, env: { ...envFor(tmp), ...options.env } });
}

/** Every byte under `dir`, as one string (to look for a secret anywhere in a store). */
function allBytes(dir: string): string {
  if (!existsSync(dir)) return "";
  let text = "";
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) text += readFileSync(path, "latin1") + "\n";
  }
  return text;
}

function figures(line: string): void {
  console.error(`[figures] ${line}`);
}

const EVIL = `
import { appendFileSync } from "node:fs";
appendFileSync(process.env.CRU_TEST_MARKER, "import\\n");
export default {
  name: "evil",
  setup(ctx) {
    appendFileSync(process.env.CRU_TEST_MARKER, "setup\\n");
    ctx.hook("event:before-append", () => void appendFileSync(process.env.CRU_TEST_MARKER, "hook\\n"));
  },
};
`;

test(
  "a cloned store's plugin runs no code until trusted, runs once trusted, and stops after its file changes",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const repo = join(tmp, "clone");
      const dir = join(repo, ".crucible");
      mkdirSync(join(dir, "plugins"), { recursive: true });
      const plugin = join(dir, "plugins", "evil.ts");
      writeFileSync(plugin, EVIL);
      const marker = join(tmp, "marker");
      const env = { CRU_TEST_MARKER: marker };
      const marks = () => (existsSync(marker) ? readFileSync(marker, "utf8") : "");
      let attacks = 0;
      let held = 0;
      const expectNoCode = async (args: string[]) => {
        attacks++;
        const result = await run(args, tmp, { cwd: repo, env });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(marks(), "", `cru ${args.join(" ")} ran the untrusted plugin`);
        held++;
        return result;
      };

      const listed = await expectNoCode(["plugin", "list", "--json"]);
      const evil = JSON.parse(listed.stdout).plugins.find((p: { source: string }) => p.source === plugin);
      assert.equal(evil.trust, "untrusted");
      assert.match(listed.stderr, /evil\.ts is not trusted yet, so it was not loaded; .*cru plugin trust/);
      const { id } = JSON.parse((await expectNoCode(["session", "new", "--json"])).stdout);
      const appended = await expectNoCode(["session", "append", id, "--role", "user", "hello"]);
      assert.equal(
        appended.stderr.split("\n").filter((l) => l.includes("evil.ts")).length,
        1,
        "one notice per command",
      );

      const trusted = await json<{ files: { file: string }[] }>(["plugin", "trust", "--all"], tmp, { cwd: repo });
      assert.deepEqual(trusted.files.map((f) => f.file), [plugin]);
      assert.ok(
        statSync(join(tmp, "config", "cru", "trusted.json")).isFile(),
        "trust is recorded in the user's config",
      );
      assert.equal(marks(), "", "trusting reads the file, it does not run it");
      await run(["session", "append", id, "--role", "user", "trusted now"], tmp, { cwd: repo, env });
      assert.equal(marks(), "import\nsetup\nhook\n");

      appendFileSync(plugin, "// a change pulled from upstream\n");
      rmSync(marker);
      const changed = await expectNoCode(["session", "append", id, "--role", "user", "after a pull"]);
      assert.match(changed.stderr, /evil\.ts is changed since you trusted it/);

      // A CI job that owns its repository opts in explicitly.
      await run(["session", "append", id, "--role", "user", "ci", "--trust-plugins"], tmp, { cwd: repo, env });
      assert.match(marks(), /setup/);
      rmSync(marker);
      await run(["session", "append", id, "--role", "user", "ci"], tmp, {
        cwd: repo,
        env: { ...env, CRU_TRUST_PLUGINS: "1" },
      });
      assert.match(marks(), /setup/);
      rmSync(marker);

      await json(["plugin", "trust", plugin], tmp, { cwd: repo });
      await json(["plugin", "untrust", "--all"], tmp, { cwd: repo });
      await expectNoCode(["session", "append", id, "--role", "user", "untrusted again"]);

      // The user's own plugins (in their config folder) are trusted by their owner.
      mkdirSync(join(tmp, "config", "cru", "plugins"), { recursive: true });
      writeFileSync(join(tmp, "config", "cru", "plugins", "mine.js"), EVIL.replace('"evil"', '"mine"'));
      await run(["session", "append", id, "--role", "user", "mine"], tmp, { cwd: repo, env });
      assert.equal(marks(), "import\nsetup\nhook\n");
      figures(`untrusted plugin: ${attacks} attacks tried, ${held} held`);
    }),
);

test(
  "a plugin that fails to build is named with the compiler's first error and its file:line",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      mkdirSync(join(dir, "plugins"), { recursive: true });
      writeFileSync(
        join(dir, "plugins", "broken.ts"),
        'export default {\n  name: "b",\n  setup() { let a = ; },\n};\n',
      );
      const result = await run(["session", "new", "--dir", dir, "--trust-plugins"], tmp);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /plugin file .*broken\.ts failed to load: .*broken\.ts:3:\d+: /);
      assert.doesNotMatch(result.stderr, /errors building/);
    }),
);

test(
  "process.exit in a hook does not end the command, and a hung hook costs one timeout per process",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      mkdirSync(join(dir, "plugins"), { recursive: true });
      writeFileSync(
        join(dir, "plugins", "quitter.js"),
        `export default { name: "quitter", setup(ctx) { ctx.hook("event:after-append", () => process.exit(0)); } };`,
      );
      writeFileSync(
        join(dir, "plugins", "sleeper.js"),
        `export default { name: "sleeper", setup(ctx) { ctx.hook("event:before-append", () => new Promise(() => {})); } };`,
      );
      writeFileSync(join(dir, "config.yaml"), "hooks:\n  timeout_ms: 1000\n");
      const trust = { env: { CRU_TRUST_PLUGINS: "1" } };
      const { id } = await json<{ id: string }>(["session", "new", "--dir", dir], tmp, trust);
      const appended = await run(
        ["session", "append", id, "--role", "user", "written", "--dir", dir, "--json"],
        tmp,
        trust,
      );
      assert.equal(appended.code, 0, appended.stderr);
      assert.match(JSON.parse(appended.stdout).file, /\.md$/, "the command finished and printed its receipt");
      assert.match(appended.stderr, /plugin quitter failed in event:after-append: process\.exit\(0\) is not allowed/);
      // An import of 12 events: the hung handler is waited for once, then skipped, with one warning.
      const history = join(tmp, ".aider.chat.history.md");
      const turns = Array.from({ length: 12 }, (_, i) => `#### question ${i}\n\nanswer ${i}\n`).join("\n");
      writeFileSync(history, `# aider chat started at 2025-02-04 21:52:53\n\n${turns}`);
      const started = Date.now();
      const imported = await run(["session", "import", history, "--from", "aider", "--dir", dir], tmp, trust);
      assert.equal(imported.code, 0, imported.stderr);
      assert.ok(Date.now() - started < 20_000, `import took ${Date.now() - started} ms`);
      assert.equal(imported.stderr.match(/plugin sleeper timed out/g)?.length, 1, imported.stderr);
      const shown = await json<{ events: { content: string }[] }>(["session", "show", id, "--dir", dir], tmp);
      assert.deepEqual(shown.events.map((e) => e.content), ["written"]);
    }),
);

test(
  "a repository's config.yaml cannot turn redaction off nor choose an index server until trusted",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      mkdirSync(dir);
      const config = join(dir, "config.yaml");
      writeFileSync(config, "plugins:\n  redact-secrets:\n    enabled: false\nindex:\n  url: ws://127.0.0.1:9\n");
      const secret = SECRET_SAMPLES[2].secret;
      const { id } = await json<{ id: string }>(["session", "new", "--dir", dir], tmp);
      const appended = await run(["session", "append", id, "--role", "user", `key ${secret}`, "--dir", dir], tmp);
      assert.equal(appended.code, 0, appended.stderr);
      assert.match(appended.stderr, /turns redact-secrets off, which it may not until you trust it/);
      assert.match(appended.stderr, /names an index server \(ws:\/\/127\.0\.0\.1:9\), which it may not/);
      assert.ok(!allBytes(join(dir, "sessions")).includes(secret), "the secret was redacted");
      const { hits } = await json<{ hits: unknown[] }>(["session", "search", "key", "--dir", dir], tmp);
      assert.equal(hits.length, 1, "the embedded index answered, not the configured server");
      // Once the user trusts this config, it applies.
      writeFileSync(config, "plugins:\n  redact-secrets:\n    enabled: false\n");
      await json(["plugin", "trust", config, "--dir", dir], tmp);
      await run(["session", "append", id, "--role", "user", `again ${secret}`, "--dir", dir], tmp);
      assert.ok(allBytes(join(dir, "sessions")).includes(secret), "a trusted config turns redaction off");
      figures("config.yaml: 2 attacks tried (redaction off, index server), 2 held");
    }),
);

test(
  "planted .lock records and .lock links leave a file outside the store untouched (append, end, compact, cleanup)",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, "repo", ".crucible");
      const victim = join(tmp, "home", ".bashrc");
      mkdirSync(join(tmp, "home"));
      const precious = "export PATH=$HOME/bin:$PATH\n";
      writeFileSync(victim, precious);
      const store = new SessionStore({ root: dir, now: () => new Date("2020-01-01T00:00:00Z") });
      const plants: [string, (sessionDir: string) => void][] = [
        [
          "record 0 ../../../../home/.bashrc",
          (d) => writeFileSync(join(d, SESSION_LOCK_NAME), "0 ../../../../home/.bashrc"),
        ],
        [
          "v2 record naming ../../../../home/.bashrc",
          (d) =>
            writeFileSync(
              join(d, SESSION_LOCK_NAME),
              JSON.stringify({ v: 2, log: "../../../../home/.bashrc", size: 0, end: 1000, tail: "", head: "" }),
            ),
        ],
        ["symlink .lock -> ~/.bashrc", (d) => {
          rmSync(join(d, SESSION_LOCK_NAME), { force: true });
          symlinkSync(victim, join(d, SESSION_LOCK_NAME));
        }],
      ];
      const commands: [string, (id: string) => string[]][] = [
        ["append", (id) => ["session", "append", id, "--role", "user", "hi"]],
        ["end", (id) => ["session", "end", id]],
        ["compact", (id) => ["session", "compact", id, "--summary", "so far"]],
        ["cleanup", () => ["session", "cleanup", "--older-than", "30d"]],
        ["cleanup --archive", () => ["session", "cleanup", "--older-than", "30d", "--archive", join(tmp, "archive")]],
      ];
      let tried = 0;
      let held = 0;
      for (const [plantName, plant] of plants) {
        for (const [commandName, args] of commands) {
          const { id, dir: sessionDir } = store.create({ type: "chat" });
          plant(sessionDir);
          const result = await run([...args(id), "--dir", dir], tmp);
          tried++;
          const intact = readFileSync(victim, "utf8") === precious && lstatSync(victim).isFile();
          if (intact) held++;
          assert.ok(intact, `${plantName} + ${commandName} touched the file outside the store (exit ${result.code})`);
          assert.ok(result.code === 0 || /symbolic link/.test(result.stderr), `${commandName}: ${result.stderr}`);
          assert.doesNotMatch(result.stderr, /internal error|at .*\.ts:\d+/);
        }
      }
      figures(`planted lock files: ${tried} attacks tried, ${held} held`);
    }),
);

test("a hand edit made after a killed append survives the next append", SLOW, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await json<{ id: string; file: string }>(["session", "new", "--dir", dir], tmp);
    await json(["session", "append", id, "--role", "user", "first", "--dir", dir], tmp);
    const sessionDir = join(dir, "sessions", id);
    const file = join(sessionDir, readdirSync(sessionDir).find((n) => n.endsWith(".md"))!);
    // What `kill -9` mid-append leaves: cru's own lock record, and the first bytes of the event.
    const bytes = new TextEncoder().encode("\n**Assistant:** an answer that was being written when the writer died\n");
    await withSessionLock(sessionDir, { exclusive: true, timeoutMs: 10_000, what: "test" }, (lock) => {
      lock.beginAppend(file.split("/").at(-1)!, statSync(file).size, bytes);
      appendFileSync(file, bytes.subarray(0, 30));
    });
    // The user opens the log and finishes the sentence by hand.
    appendFileSync(file, " — finished by hand.\n");
    await json(["session", "append", id, "--role", "user", "next", "--dir", dir], tmp);
    assert.match(readFileSync(file, "utf8"), /finished by hand\./);
    // Without the edit, the same torn tail is cut.
    await withSessionLock(sessionDir, { exclusive: true, timeoutMs: 10_000, what: "test" }, (lock) => {
      lock.beginAppend(file.split("/").at(-1)!, statSync(file).size, bytes);
      appendFileSync(file, bytes.subarray(0, 30));
    });
    await json(["session", "append", id, "--role", "user", "last", "--dir", dir], tmp);
    const shown = await json<{ events: { content: string }[] }>(["session", "show", id, "--dir", dir], tmp);
    assert.equal(shown.events.at(-1)?.content, "last");
    assert.equal(readFileSync(file, "utf8").split("an answer that").length, 2, "the second torn tail was cut");
  }));

test(
  "planted symlinks survive cleanup, attach and archive, and their targets are untouched",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const outside = join(tmp, "outside");
      mkdirSync(join(outside, "docs"), { recursive: true });
      writeFileSync(join(outside, "secret.txt"), "not yours\n");
      writeFileSync(join(outside, "docs", "a.txt"), "a\n");
      const store = new SessionStore({ root: dir, now: () => new Date("2020-01-01T00:00:00Z") });
      const plant = async () => {
        const { id, dir: sessionDir } = store.create({ type: "chat" });
        await store.append(id, [{ role: "user", content: "long ago" }]);
        mkdirSync(join(sessionDir, "artifacts"));
        symlinkSync(join(outside, "secret.txt"), join(sessionDir, "artifacts", "secret.txt"));
        symlinkSync(join(outside, "docs"), join(sessionDir, "docs"));
        return { id, sessionDir };
      };
      const untouched = () =>
        readFileSync(join(outside, "secret.txt"), "utf8") === "not yours\n" &&
        readFileSync(join(outside, "docs", "a.txt"), "utf8") === "a\n";
      let tried = 0;
      let held = 0;
      const check = (what: string) => {
        tried++;
        assert.ok(untouched(), `${what} touched a link's target`);
        held++;
      };

      const removed = await plant();
      const cleaned = await json<{ removed: number }>(["session", "cleanup", "--older-than", "30d", "--dir", dir], tmp);
      assert.equal(cleaned.removed, 1, JSON.stringify(cleaned));
      assert.ok(!existsSync(removed.sessionDir));
      check("cleanup");

      const archived = await plant();
      const archive = join(tmp, "archive");
      await json(["session", "cleanup", "--older-than", "30d", "--archive", archive, "--dir", dir], tmp);
      const copy = join(archive, archived.id);
      assert.equal(
        readlinkSync(join(copy, "artifacts", "secret.txt")),
        join(outside, "secret.txt"),
        "copied as a link",
      );
      assert.ok(lstatSync(join(copy, "docs")).isSymbolicLink());
      check("cleanup --archive");

      const inside = await run(
        ["session", "cleanup", "--older-than", "30d", "--archive", join(dir, "x"), "--dir", dir],
        tmp,
      );
      assert.equal(inside.code, 2);
      assert.match(inside.stderr, /^cru: invalid --archive .*: expected a folder outside the store/m);

      // attach: a session whose artifacts/ is a link out of the store; special files.
      const { id } = await json<{ id: string }>(["session", "new", "--dir", dir], tmp);
      const sessionDir = join(dir, "sessions", id);
      symlinkSync(join(outside, "docs"), join(sessionDir, "artifacts"));
      writeFileSync(join(tmp, "note.txt"), "hello\n");
      const attached = await run(["session", "attach", id, join(tmp, "note.txt"), "--dir", dir], tmp);
      assert.equal(attached.code, 1);
      assert.match(attached.stderr, /artifacts is a symbolic link; cru does not follow links/);
      assert.deepEqual(readdirSync(join(outside, "docs")), ["a.txt"]);
      check("attach into a linked artifacts/");
      rmSync(join(sessionDir, "artifacts"));
      execFileSync("mkfifo", [join(tmp, "fifo")]);
      for (const [path, kind] of [[join(tmp, "fifo"), "a FIFO"], [outside, "a folder"], ["/dev/null", "a device"]]) {
        const refused = await run(["session", "attach", id, path, "--dir", dir], tmp, { timeoutMs: 60_000 });
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(refused.stderr, new RegExp(`expected a regular file \\(it is ${kind}\\)`));
      }
      assert.ok(!existsSync(join(sessionDir, "artifacts")) || readdirSync(join(sessionDir, "artifacts")).length === 0);
      figures(`planted links: ${tried} attacks tried, ${held} held; 3 special files refused`);
    }),
);

test(
  "every secret kind is redacted on every way in, and no near-miss is touched",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const texts = SECRET_SAMPLES.map((s) => s.text);
      const all = texts.join("\n\n");
      const outputs: string[] = [];
      const go = async (args: string[], options: RunCruOptions = {}) => {
        const result = await run([...args, "--dir", dir], tmp, options);
        outputs.push(result.stdout, result.stderr);
        assert.equal(result.code, 0, `cru ${args[0]} ${args[1]}: ${result.stderr}`);
        return result;
      };
      const newId = async (title?: string, tags: string[] = []) =>
        JSON.parse(
          (await go([
            "session",
            "new",
            "--json",
            ...(title ? ["--title", title] : []),
            ...tags.flatMap((t) => ["--tag", t]),
          ])).stdout,
        ).id as string;
      const ways: [string, number][] = [];
      const id = await newId();
      await go(["session", "append", id, "--role", "user", all]);
      ways.push(["append TEXT", texts.length]);
      await go(["session", "append", id, "--role", "assistant"], { stdin: all });
      ways.push(["append stdin", texts.length]);
      await go([
        "session",
        "append",
        id,
        "--tool",
        "shell",
        "--args",
        JSON.stringify({ input: all }),
        "--result",
        "ok",
      ]);
      ways.push(["tool --args", texts.length]);
      await go(["session", "append", id, "--tool", "shell", "--result", all]);
      ways.push(["tool --result", texts.length]);
      await newId(all.replace(/\n+/g, " "));
      ways.push(["title", texts.length]);
      const tagged = SECRET_SAMPLES.filter((s) => /^[^\s,]+$/.test(s.text));
      await newId(undefined, tagged.map((s) => s.text));
      ways.push(["tags", tagged.length]);
      await go(["session", "compact", id, "--summary", all]);
      ways.push(["compact --summary", texts.length]);
      writeFileSync(join(tmp, "notes.txt"), all);
      await go(["session", "attach", await newId(), join(tmp, "notes.txt")]);
      ways.push(["attached text file", texts.length]);
      const history = join(tmp, ".aider.chat.history.md");
      writeFileSync(history, `# aider chat started at 2025-02-04 21:52:53\n\n#### here are my keys\n\n${all}\n`);
      await go(["session", "import", history, "--from", "aider"]);
      ways.push(["import", texts.length]);
      // Wrong input that holds secrets: refused, and not repeated back.
      const bad = await run([
        "session",
        "append",
        id,
        "--tool",
        "x",
        "--args",
        `{"k": "${all.replace(/\n/g, " ")}"`,
        "--dir",
        dir,
      ], tmp);
      assert.equal(bad.code, 2);
      outputs.push(bad.stdout, bad.stderr);
      ways.push(["error message (bad --args)", texts.length]);
      const pem = SECRET_SAMPLES.find((s) => s.text.startsWith("-----BEGIN RSA"))!;
      const misplaced = await run(["session", "append", id, "--role", "user", pem.text, "--dir", dir], tmp);
      assert.equal(misplaced.code, 2, "a text starting with '-' reads as an unknown option");
      outputs.push(misplaced.stdout, misplaced.stderr);
      ways.push(["error message (text read as an option)", 1]);
      const deep = `${"[".repeat(30_000)}"${SECRET_SAMPLES[2].secret}"${"]".repeat(30_000)}`;
      const deepRun = await run(["session", "append", id, "--tool", "x", "--args", `{"a":${deep}}`, "--dir", dir], tmp);
      assert.equal(deepRun.code, 2, deepRun.stderr);
      assert.doesNotMatch(deepRun.stderr, /RangeError|at .*\.ts:\d+/);
      outputs.push(deepRun.stdout, deepRun.stderr);

      const stored = allBytes(join(dir, "sessions"));
      const shown = outputs.join("\n");
      const search = await json<{ hits: { snippet: string }[] }>(["session", "search", "keys", "--dir", dir], tmp);
      const searched = JSON.stringify(search);
      const leaked = SECRET_SAMPLES.filter((s) =>
        stored.includes(s.secret) || shown.includes(s.secret) || searched.includes(s.secret)
      );
      const tried = ways.reduce((sum, [, n]) => sum + n, 0);
      figures(
        `secrets: ${tried} tried (${SECRET_SAMPLES.length} samples × ${ways.length} ways in), ${leaked.length} leaked`,
      );
      assert.deepEqual(
        leaked.map((s) => s.kind),
        [],
        `leaked: ${leaked.map((s) => `${s.kind} ${s.text}`).join(" | ")}`,
      );
      for (const { kind } of SECRET_SAMPLES) assert.ok(stored.includes(`[redacted:${kind}]`), `no [redacted:${kind}]`);

      // Near-misses: written exactly as given, as text and as tool arguments.
      const plain = await newId();
      for (const text of NEAR_MISSES) await go(["session", "append", plain, "--role", "user"], { stdin: `${text}\n` });
      await go([
        "session",
        "append",
        plain,
        "--tool",
        "t",
        "--args",
        JSON.stringify({ list: NEAR_MISSES }),
        "--result",
        "ok",
      ]);
      const events = (await json<{ events: { content: string; args?: { list: string[] } }[] }>([
        "session",
        "show",
        plain,
        "--dir",
        dir,
      ], tmp)).events;
      const touched = NEAR_MISSES.filter((text, i) =>
        events[i].content !== text || events.at(-1)?.args?.list[i] !== text
      );
      figures(
        `near-misses: ${
          NEAR_MISSES.length * 2
        } tried (${NEAR_MISSES.length} × text and args), ${touched.length} touched`,
      );
      assert.deepEqual(touched, []);
    }),
);

test(
  "audit finds a key written before redaction was on, without printing it, and --fix redacts it in place",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      mkdirSync(dir);
      writeFileSync(join(dir, "config.yaml"), "plugins:\n  redact-secrets:\n    enabled: false\n");
      const trusted = { env: { CRU_TRUST_PLUGINS: "1" } };
      const secret = SECRET_SAMPLES[0].secret;
      const { id } = await json<{ id: string }>(["session", "new", "--dir", dir], tmp, trusted);
      await json(
        ["session", "append", id, "--role", "user", `export AWS_ACCESS_KEY_ID=${secret}`, "--dir", dir],
        tmp,
        trusted,
      );
      await json(["session", "append", id, "--role", "user", "nothing here", "--dir", dir], tmp, trusted);
      rmSync(join(dir, "config.yaml"));
      const found = await run(["session", "audit", "--dir", dir, "--json"], tmp);
      assert.equal(found.code, 0, found.stderr);
      assert.ok(!found.stdout.includes(secret) && !found.stderr.includes(secret), "audit never prints the secret");
      const report = JSON.parse(found.stdout);
      assert.deepEqual(report.found, { "aws-access-key": 1 });
      assert.equal(report.sessions[0].id, id);
      assert.ok(allBytes(join(dir, "sessions")).includes(secret), "audit alone changes nothing");
      const fixed = await json<{ fixed: boolean }>(["session", "audit", "--fix", "--dir", dir], tmp);
      assert.equal(fixed.fixed, true);
      assert.ok(!allBytes(join(dir, "sessions")).includes(secret));
      const shown = await json<{ events: { content: string }[] }>(["session", "show", id, "--dir", dir], tmp);
      assert.deepEqual(shown.events.map((e) => e.content), [
        "export AWS_ACCESS_KEY_ID=[redacted:aws-access-key]",
        "nothing here",
      ]);
      const again = await json<{ found: Record<string, number> }>(["session", "audit", "--dir", dir], tmp);
      assert.deepEqual(again.found, {});
      const { hits } = await json<{ hits: unknown[] }>(["session", "search", secret, "--dir", dir], tmp);
      assert.equal(hits.length, 0, "the index forgot the secret too");
    }),
);

test(
  "a plugin that loops synchronously cannot hang the command: a watchdog names it and ends the process",
  SLOW,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      mkdirSync(join(dir, "plugins"), { recursive: true });
      writeFileSync(join(dir, "config.yaml"), "hooks:\n  timeout_ms: 500\n");
      const trust = { env: { CRU_TRUST_PLUGINS: "1" } };
      const { id } = await json<{ id: string }>(["session", "new", "--dir", dir], tmp, trust);
      // A loop that ends after 1.2 s: past the bound, so reported and skipped afterwards, but not killed.
      writeFileSync(
        join(dir, "plugins", "slow.js"),
        `export default { name: "slow", setup(ctx) { ctx.hook("event:before-append", (e) => {
        const until = Date.now() + 1200; while (Date.now() < until) {} return e; }); } };`,
      );
      const slow = await run(["session", "append", id, "--role", "user", "slow but written", "--dir", dir], tmp, trust);
      assert.equal(slow.code, 0, slow.stderr);
      assert.match(slow.stderr, /plugin slow timed out in event:before-append: blocked the process for \d+ ms/);
      rmSync(join(dir, "plugins", "slow.js"));
      // A loop that never ends: the watchdog ends the command within twice the bound plus a second.
      writeFileSync(
        join(dir, "plugins", "spin.js"),
        `export default { name: "spin", setup(ctx) { ctx.hook("event:before-append", () => { for (;;) {} }); } };`,
      );
      const started = Date.now();
      const spun = await run(["session", "append", id, "--role", "user", "never written", "--dir", dir], tmp, {
        ...trust,
        timeoutMs: 60_000,
      });
      const took = Date.now() - started;
      assert.notEqual(spun.code, 0);
      assert.equal(spun.signal === "SIGKILL" && took >= 59_000, false, "the test's own kill, not cru's watchdog");
      assert.match(spun.stderr, /cru: plugin spin in event:before-append blocked the process for over 2000 ms/);
      assert.ok(took < 30_000, `took ${took} ms`);
      rmSync(join(dir, "plugins", "spin.js"));
      const shown = await json<{ events: { content: string }[] }>(["session", "show", id, "--dir", dir], tmp);
      assert.deepEqual(shown.events.map((e) => e.content), ["slow but written"]);
      figures(`synchronous loops: 2 tried, 2 bounded (one reported and skipped, one stopped after ${took} ms)`);
    }),
);

test("export never reads through a planted artifacts/ link", SLOW, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const outside = join(tmp, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "id_rsa.txt"), "PRIVATE-BYTES-FROM-OUTSIDE\n");
    const { id } = await json<{ id: string }>(["session", "new", "--dir", dir], tmp);
    await json(["session", "append", id, "--role", "user", "hello", "--dir", dir], tmp);
    symlinkSync(outside, join(dir, "sessions", id, "artifacts"));
    const page = join(tmp, "page.html");
    const exported = await run(
      ["session", "export", id, "--format", "html", "--embed-artifacts", "--output", page, "--dir", dir],
      tmp,
    );
    assert.equal(exported.code, 0, exported.stderr);
    const html = readFileSync(page, "utf8");
    assert.ok(!html.includes(Buffer.from("PRIVATE-BYTES-FROM-OUTSIDE\n").toString("base64")), "outside file embedded");
    assert.ok(!html.includes("id_rsa.txt"), "outside file listed");
    figures("export through a linked artifacts/: 1 attack tried, 1 held");
  }));
