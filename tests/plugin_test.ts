import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";

// These tests own the stores they make: they opt in to running their plugins as a CI job would.
const ENV = { CRU_INDEX_IDLE_MS: "4000", CRU_TRUST_PLUGINS: "1" };
const README = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");

/** A store with these user plugins (file name → source) and this config.yaml. */
function storeWith(tmp: string, plugins: Record<string, string>, config = ""): string {
  const dir = join(tmp, ".crucible");
  mkdirSync(join(dir, "plugins"), { recursive: true });
  for (const [name, source] of Object.entries(plugins)) writeFileSync(join(dir, "plugins", name), source);
  if (config) writeFileSync(join(dir, "config.yaml"), config);
  return dir;
}

const cru = <T>(args: string[], dir: string) => cruJson<T>([...args, "--dir", dir], { env: ENV });
const markdown = async (id: string, dir: string) =>
  (await runCru(["session", "show", id, "--markdown", "--dir", dir])).stdout;

test("the README's plugin example runs as written: it logs to its own plugin session, with no recursion", () =>
  withTempDir(async (tmp) => {
    const example = /## Writing a plugin[\s\S]*?```ts\n([\s\S]*?)```/.exec(README)?.[1];
    assert.ok(example, "README has a ts example under 'Writing a plugin'");
    const dir = storeWith(
      tmp,
      { "todo_tracker.ts": example },
      "plugins:\n  todo-tracker:\n    options: { marker: FIXME }\n",
    );
    const { id } = await cru<{ id: string }>(["session", "new"], dir);
    await cru(["session", "append", id, "--role", "user", "FIXME: the parser drops CR"], dir);
    await cru(["session", "append", id, "--role", "assistant", "nothing to see"], dir);
    await cru(["session", "append", id, "--role", "assistant", "FIXME as well: tests are slow"], dir);
    const plugins = await cru<{ sessions: { id: string; title: string; events: number }[] }>([
      "session",
      "list",
      "--type",
      "plugin",
    ], dir);
    assert.equal(plugins.sessions.length, 1);
    assert.equal(plugins.sessions[0].title, "FIXMEs seen");
    const log = await cru<{ events: { role: string; content: string }[] }>(
      ["session", "show", plugins.sessions[0].id],
      dir,
    );
    assert.deepEqual(log.events.map((e) => e.content), [
      `${id}: FIXME: the parser drops CR`,
      `${id}: FIXME as well: tests are slow`,
    ]);
    assert.match(
      await markdown(plugins.sessions[0].id, dir),
      /^plugin: todo-tracker$/m,
      "the plugin's session carries its name",
    );
  }));

const SHOUT = `export default {
  name: "shout",
  setup(ctx) {
    ctx.hook("event:before-append", (event) => event.content.includes("forbidden") ? null : { ...event, content: event.content.toUpperCase() });
  },
};
`;

test("a waterfall hook changes what is written, and a veto writes nothing, exits 1 and names the plugin", () =>
  withTempDir(async (tmp) => {
    const dir = storeWith(tmp, { "shout.ts": SHOUT });
    const { id } = await cru<{ id: string }>(["session", "new"], dir);
    await cru(["session", "append", id, "--role", "user", "quiet words"], dir);
    const before = await markdown(id, dir);
    const vetoed = await runCru(["session", "append", id, "--role", "user", "a forbidden thought", "--dir", dir], {
      env: ENV,
    });
    assert.equal(vetoed.code, 1);
    assert.match(vetoed.stderr, /^cru: not written: plugin shout vetoed the event/m);
    assert.equal(await markdown(id, dir), before);
    const shown = await cru<{ events: { content: string }[] }>(["session", "show", id], dir);
    assert.deepEqual(shown.events.map((e) => e.content), ["QUIET WORDS"]);
    const { hits } = await cru<{ hits: unknown[] }>(["session", "search", "forbidden"], dir);
    assert.equal(hits.length, 0);
  }));

test("a throwing plugin and a hanging plugin leave appends working and are named on stderr", () =>
  withTempDir(async (tmp) => {
    const dir = storeWith(tmp, {
      "thrower.ts":
        `export default { name: "thrower", setup(ctx) { ctx.hook("event:before-append", () => { throw new Error("kaboom"); }); } };`,
      "hanger.js":
        `export default { name: "hanger", setup(ctx) { ctx.hook("event:after-append", () => new Promise(() => {})); } };`,
    }, "hooks:\n  timeout_ms: 300\n");
    const { id } = await cru<{ id: string }>(["session", "new"], dir);
    const started = Date.now();
    const run = await runCru(["session", "append", id, "--role", "user", "still recorded", "--dir", dir], { env: ENV });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(Date.now() - started < 10_000);
    assert.match(run.stderr, /plugin thrower failed in event:before-append: kaboom/);
    assert.match(run.stderr, /plugin hanger timed out in event:after-append/);
    const shown = await cru<{ events: { content: string }[] }>(["session", "show", id], dir);
    assert.deepEqual(shown.events.map((e) => e.content), ["still recorded"]);
  }));

test("a plugin that fails to load is reported by file name and the command still works", () =>
  withTempDir(async (tmp) => {
    const dir = storeWith(tmp, {
      "broken.ts": "export default {{ not javascript",
      "nameless.js": "export default { setup() {} };",
    });
    const run = await runCru(["session", "new", "--json", "--dir", dir], { env: ENV });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /plugin file .*broken\.ts failed to load/);
    assert.match(run.stderr, /plugin file .*nameless\.js failed to load: .*plugin name/);
    assert.match(JSON.parse(run.stdout).id, /^chat-/);
  }));

test("cru plugin list --json lists built-in and user plugins with their hooks, and config can disable one", () =>
  withTempDir(async (tmp) => {
    const dir = storeWith(tmp, { "shout.ts": SHOUT }, "plugins:\n  git-context:\n    enabled: false\n");
    const { plugins } = await cru<{ plugins: { name: string; source: string; enabled: boolean; hooks: string[] }[] }>([
      "plugin",
      "list",
    ], dir);
    const byName = Object.fromEntries(plugins.map((p) => [p.name, p]));
    assert.equal(byName["redact-secrets"].source, "builtin");
    assert.deepEqual(byName["redact-secrets"].hooks, ["session:before-start", "event:before-append"]);
    assert.equal(byName["git-context"].enabled, false);
    assert.deepEqual(byName["git-context"].hooks, []);
    assert.equal(byName.shout.source, join(dir, "plugins", "shout.ts"));
    assert.deepEqual(byName.shout.hooks, ["event:before-append"]);
  }));

test("a secret reaches neither the markdown nor the index", () =>
  withTempDir(async (tmp) => {
    const dir = storeWith(tmp, {});
    const { id } = await cru<{ id: string }>(["session", "new"], dir);
    const secret = "ghp_1234567890abcdefghijABCDEFGHIJ123456";
    await cru(["session", "append", id, "--role", "user", `my token is ${secret} ok`], dir);
    await cru(
      ["session", "append", id, "--tool", "http", "--args", `{"auth":"Bearer ${secret}"}`, "--result", "200"],
      dir,
    );
    const text = await markdown(id, dir);
    assert.ok(!text.includes(secret), text);
    assert.match(text, /my token is \[redacted:github-token\] ok/);
    const { hits } = await cru<{ hits: unknown[] }>(["session", "search", secret], dir);
    assert.equal(hits.length, 0);
    const found = await cru<{ hits: { snippet: string }[] }>(["session", "search", "token"], dir);
    assert.match(found.hits[0].snippet, /redacted/);
  }));

test("git-context records the branch, commit and working directory of a new session", () =>
  withTempDir(async (tmp) => {
    const repo = join(tmp, "repo");
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
    git("init", "-q", "-b", "feature-x");
    git("-c", "user.email=t@e.st", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "first");
    const commit = git("rev-parse", "HEAD");
    const dir = join(repo, ".crucible");
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir], { cwd: repo, env: ENV });
    const text = await markdown(id, dir);
    assert.match(text, new RegExp(`^cwd: ${repo.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    assert.match(text, /^git:\n {2}branch: feature-x\n {2}commit: [0-9a-f]{40}\n {2}dirty: false$/m);
    assert.ok(text.includes(commit));
  }));

test("a plugin opens its own session as ctx.sessions.open({ type: 'plugin', title }) and it is listed as a plugin session", () =>
  withTempDir(async (tmp) => {
    const dir = storeWith(tmp, {
      "starter.js": `export default { name: "starter", async setup(ctx) {
        const log = await ctx.sessions.open({ type: "plugin", title: "starter log" });
        await log.append({ role: "note", content: "plugin loaded" });
      } };`,
    });
    await cru(["session", "new"], dir);
    const listed = await cru<{ sessions: { id: string; type: string; title: string; events: number }[] }>([
      "session",
      "list",
      "--type",
      "plugin",
    ], dir);
    assert.deepEqual(listed.sessions.map((s) => [s.type, s.title]), [["plugin", "starter log"]]);
    assert.ok(listed.sessions[0].events >= 1);
  }));
