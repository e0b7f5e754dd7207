import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** A session with hostile text, a tool call, a continuation and an artifact; its id and store. */
async function hostileSession(tmp: string): Promise<{ id: string; store: string }> {
  const store = join(tmp, ".crucible");
  const run = async (args: string[], stdin?: string) => {
    const result = await runCru([...args, "--dir", store], { stdin });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim();
  };
  const id = await run(["session", "new", "--title", "Hostile <script>title</script>"]);
  await run(["session", "append", id, "--role", "user", "Run <script>alert('x')</script> & tell me"]);
  await run(["session", "append", id, "--tool", "shell", "--args", '{"cmd":"cat </pre>"}', "--result", "a\n<b>b</b>"]);
  await run(["session", "compact", id, "--summary", "We ran <img src=x onerror=alert(1)>."]);
  await run(["session", "append", id, "--role", "assistant", "Done:\n\n```js\nif (a < b) run();\n```"]);
  writeFileSync(join(tmp, "shot.png"), PNG);
  await run(["session", "attach", id, join(tmp, "shot.png")]);
  return { id, store };
}

test("cru session export writes one HTML page: every event, hostile text escaped, continuation in order", {
  timeout: 120_000,
}, () =>
  withTempDir(async (tmp) => {
    const { id, store } = await hostileSession(tmp);
    const out = join(tmp, "out", "page.html");
    mkdirSync(dirname(out));
    const report = await cruJson<{ files: string[]; sessions: string[] }>([
      "session",
      "export",
      id,
      "--output",
      out,
      "--dir",
      store,
    ]);
    assert.deepEqual(report.sessions, [id]);
    assert.deepEqual(report.files, [out]);
    const html = readFileSync(out, "utf8");
    const shown = await cruJson<{ events: { role: string }[] }>(["session", "show", id, "--dir", store]);
    const roles = [...html.matchAll(/<section class="event role-(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(roles, shown.events.map((e) => e.role));
    assert.doesNotMatch(html, /<script|<img src=x|<b>b/);
    assert.ok(html.includes("Run &lt;script&gt;alert('x')&lt;/script&gt; &amp; tell me"));
    assert.ok(html.includes("We ran &lt;img src=x onerror=alert(1)&gt;."));
    const compaction = html.indexOf('<aside class="compaction"');
    assert.ok(html.indexOf('role-tool"') < compaction && compaction < html.indexOf('role-assistant"'));
    assert.match(html, /<details>\n<summary><strong>shell<\/strong>/);
    assert.ok(html.includes("<code>if (a &lt; b) run();</code>"));
    // The artifact is linked relative to the page, and the link leads to it.
    const href = /<a href="([^"]+)" download="shot.png">/.exec(html)?.[1];
    assert.ok(href, "artifact linked");
    assert.deepEqual(readFileSync(resolve(dirname(out), decodeURIComponent(href))), PNG);
  }));

test(
  "cru session export --embed-artifacts puts images inside the page",
  { timeout: 120_000 },
  () =>
    withTempDir(async (tmp) => {
      const { id, store } = await hostileSession(tmp);
      const run = await runCru(["session", "export", id, "--embed-artifacts", "--dir", store]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.includes(`<img src="data:image/png;base64,${PNG.toString("base64")}" alt="shot.png">`));
    }),
);

test("cru session export --format json, jsonl and md give the show --json events and one document", {
  timeout: 120_000,
}, () =>
  withTempDir(async (tmp) => {
    const { id, store } = await hostileSession(tmp);
    const shown = await cruJson<{ events: unknown[] }>(["session", "show", id, "--dir", store]);
    const json = await runCru(["session", "export", id, "--format", "json", "--dir", store]);
    assert.equal(json.code, 0, json.stderr);
    const exported = JSON.parse(json.stdout);
    assert.deepEqual(exported.events, shown.events);
    assert.deepEqual(exported.artifacts.map((a: { name: string }) => a.name), ["shot.png"]);
    const jsonl = await runCru(["session", "export", id, "--format", "jsonl", "--dir", store]);
    const lines = jsonl.stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(lines.map(({ session_id: _, ...event }) => event), shown.events);
    const md = await runCru(["session", "export", id, "--format", "md", "--dir", store]);
    assert.match(md.stdout, /^---\nsession_id: /);
    assert.match(md.stdout, /\*\*User:\*\* Run <script>/);
    assert.match(md.stdout, /\*Compacted from previous session\. Context: We ran <img src=x onerror=alert\(1\)>\.\*/);
  }));

test(
  "cru session export --redact redacts what was recorded before the rule applied",
  { timeout: 120_000 },
  () =>
    withTempDir(async (tmp) => {
      const store = join(tmp, ".crucible");
      mkdirSync(store);
      const config = join(store, "config.yaml");
      writeFileSync(config, "plugins:\n  redact-secrets:\n    enabled: false\n");
      const secret = "AKIAIOSFODNN7EXAMPLE";
      // The user trusts this config (it turns redaction off), as CI does with CRU_TRUST_PLUGINS=1.
      const trusted = { env: { CRU_TRUST_PLUGINS: "1" } };
      const id = (await runCru(["session", "new", "--title", `about ${secret}`, "--dir", store], trusted)).stdout
        .trim();
      for (
        const args of [["append", id, "--role", "user", `key ${secret}`], [
          "compact",
          id,
          "--summary",
          `used ${secret}`,
        ]]
      ) {
        const run = await runCru(["session", ...args, "--dir", store], trusted);
        assert.equal(run.code, 0, run.stderr);
      }
      writeFileSync(config, "");
      const plain = await runCru(["session", "export", id, "--format", "md", "--dir", store]);
      assert.ok(plain.stdout.includes(secret), "without --redact the session is exported as recorded");
      const redacted = await runCru(["session", "export", id, "--format", "md", "--redact", "--dir", store]);
      assert.equal(redacted.code, 0, redacted.stderr);
      assert.ok(!redacted.stdout.includes(secret));
      assert.ok(redacted.stdout.includes("key [redacted:aws-access-key]"));
      assert.ok(redacted.stdout.includes("title: about [redacted:aws-access-key]"), "the title too");
      assert.ok(redacted.stdout.includes("Context: used [redacted:aws-access-key]"), "and the compaction summary");
    }),
);

test("cru session export of several ids, or of a --query, writes a folder with an index page", {
  timeout: 180_000,
}, () =>
  withTempDir(async (tmp) => {
    const store = join(tmp, ".crucible");
    const ids: string[] = [];
    for (const word of ["kiwi", "kiwi", "mango"]) {
      const id = (await runCru(["session", "new", "--title", `about ${word}`, "--dir", store])).stdout.trim();
      await runCru(["session", "append", id, "--role", "user", `I like ${word}`, "--dir", store]);
      ids.push(id);
    }
    const both = join(tmp, "both");
    const report = await cruJson<{ dir: string; files: string[] }>([
      "session",
      "export",
      ids[0],
      ids[2],
      "--output",
      both,
      "--dir",
      store,
    ]);
    assert.equal(report.dir, both);
    assert.deepEqual(readdirSync(both).sort(), [`${ids[0]}.html`, `${ids[2]}.html`, "index.html"].sort());
    const index = readFileSync(join(both, "index.html"), "utf8");
    assert.ok(index.includes(`<a href="${ids[0]}.html">about kiwi</a>`) && index.includes(`<a href="${ids[2]}.html">`));
    assert.ok(readFileSync(join(both, `${ids[0]}.html`), "utf8").includes('<a href="index.html">'));

    const found = join(tmp, "found");
    const query = await runCru([
      "session",
      "export",
      "--query",
      "kiwi",
      "--format",
      "md",
      "--output",
      found,
      "--dir",
      store,
    ]);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(readdirSync(found).sort(), [`${ids[0]}.md`, `${ids[1]}.md`, "index.md"].sort());
  }));

test(
  "cru session export refuses bad usage with one line and writes nothing",
  { timeout: 120_000 },
  () =>
    withTempDir(async (tmp) => {
      const store = join(tmp, ".crucible");
      const a = (await runCru(["session", "new", "--dir", store])).stdout.trim();
      const b = (await runCru(["session", "new", "--dir", store])).stdout.trim();
      const cases: [string[], RegExp, number][] = [
        [[], /^cru: invalid session ids "": expected one or more ids, or --query WORDS\n$/, 2],
        [[a, b], /^cru: invalid --output "": expected a folder to write into/, 2],
        [[a, "--format", "pdf"], /^cru: .*pdf.*html, md, json, jsonl/, 2],
        [[a, "--format", "md", "--embed-artifacts"], /^cru: invalid --embed-artifacts "md"/, 2],
        [["chat-nope"], /^cru: session "chat-nope" not found/, 1],
      ];
      for (const [args, message, code] of cases) {
        const run = await runCru(["session", "export", ...args, "--dir", store]);
        assert.equal(run.code, code, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, message);
        assert.equal(run.stdout, "");
      }
      const full = join(tmp, "full");
      mkdirSync(full);
      writeFileSync(join(full, "keep.txt"), "mine");
      const refused = await runCru(["session", "export", a, b, "--output", full, "--dir", store]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /^cru: invalid --output ".*full": expected a new or empty folder\n$/);
      assert.deepEqual(readdirSync(full), ["keep.txt"]);
      const missing = join(tmp, "missing.html");
      assert.equal((await runCru(["session", "export", "chat-nope", "--output", missing, "--dir", store])).code, 1);
      assert.ok(!existsSync(missing));
      assert.deepEqual(readdirSync(tmp).filter((name) => name.endsWith(".tmp")), []);
    }),
);
