/**
 * Session metadata and management through the CLI (the compiled binary when
 * CRU_BIN is set): event details, session facts, ids by prefix and @last,
 * rename/tag/untag/reopen/delete/move/copy, stats, and imports with usage.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { InvalidInputError, open, parseLog } from "../mod.ts";
import { cruCommand, cruJson, runCru } from "./_helpers/run_cru.ts";
import { execFileSync, spawn } from "node:child_process";

const ENV = { CRU_INDEX_IDLE_MS: "4000" };
const TIMEOUT = { timeout: 180_000 };
const FIXTURES = fileURLToPath(new URL("./fixtures/usage/", import.meta.url));

const cru = <T = Record<string, unknown>>(args: string[], dir: string) =>
  cruJson<T>([...args, "--dir", dir], { env: ENV, timeoutMs: 90_000 });
const run = (args: string[], dir: string, stdin?: string) =>
  runCru([...args, "--dir", dir], { env: ENV, stdin, timeoutMs: 90_000 });

interface ShownEvent {
  role: string;
  content: string;
  tool?: string;
  model?: string;
  tokens?: { input?: number; output?: number; cache_read?: number; cache_write?: number };
  cost?: number;
  duration_ms?: number;
  tool_call_id?: string;
  status?: string;
}
interface Shown {
  id: string;
  title: string | null;
  tags: string[];
  ended: string | null;
  model?: string;
  cwd?: string;
  host?: string;
  source?: string;
  project?: string;
  events: ShownEvent[];
}

/** The first log of a session, as text. */
function firstLog(dir: string, id: string): string {
  const folder = join(dir, "sessions", id);
  const name = readdirSync(folder).filter((n) => n.endsWith(".md")).sort()[0];
  return readFileSync(join(folder, name), "utf8");
}

test(
  "append's metadata flags go into the markdown as one details line and come back in show --json",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const { id } = await cru<{ id: string }>(["session", "new", "--type", "agent"], dir);
      await cru([
        "session",
        "append",
        id,
        "--role",
        "assistant",
        "The key is stale.",
        "--model",
        "claude-sonnet-4-5",
        "--tokens-in",
        "1200",
        "--tokens-out",
        "300",
        "--cache-read",
        "800",
        "--cache-write",
        "5",
        "--cost",
        "0.0123",
        "--duration-ms",
        "2300",
      ], dir);
      await cru([
        "session",
        "append",
        id,
        "--tool",
        "shell",
        "--args",
        '{"cmd":"make"}',
        "--result",
        "failed",
        "--tool-call-id",
        "toolu_01",
        "--status",
        "error",
      ], dir);
      await cru(["session", "append", id, "--role", "user", "plain, no details"], dir);
      const text = firstLog(dir, id);
      assert.ok(
        text.includes(
          "**Assistant:** The key is stale.\n<!-- cru: model=claude-sonnet-4-5 tokens_in=1200 tokens_out=300 " +
            "cache_read=800 cache_write=5 cost=0.0123 duration_ms=2300 -->\n",
        ),
        text,
      );
      assert.ok(text.includes('[Tool: shell cmd="make"]\nfailed\n<!-- cru: tool_call_id=toolu_01 status=error -->\n'));
      const shown = await cru<Shown>(["session", "show", id], dir);
      const withoutPlace = shown.events.map((event) => {
        const { at: _at, file: _file, line: _line, ...rest } = event as ShownEvent & {
          at: string;
          file: string;
          line: number;
        };
        return rest;
      });
      assert.deepEqual(withoutPlace, [
        {
          role: "assistant",
          content: "The key is stale.",
          model: "claude-sonnet-4-5",
          tokens: { input: 1200, output: 300, cache_read: 800, cache_write: 5 },
          cost: 0.0123,
          duration_ms: 2300,
        },
        {
          role: "tool",
          content: "failed",
          tool: "shell",
          args: { cmd: "make" },
          tool_call_id: "toolu_01",
          status: "error",
        },
        { role: "user", content: "plain, no details" },
      ]);
      const bad = await run(["session", "append", id, "--role", "user", "x", "--tokens-in", "-3"], dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^cru: invalid --tokens-in "-3": expected a whole number/);
      const badStatus = await run(["session", "append", id, "--role", "user", "x", "--status", "meh"], dir);
      assert.equal(badStatus.code, 2);
      const badCost = await run(["session", "append", id, "--role", "user", "x", "--cost", "cheap"], dir);
      assert.equal(badCost.code, 2);
      assert.match(badCost.stderr, /--cost "cheap"/);
      assert.equal((await cru<Shown>(["session", "show", id], dir)).events.length, 3, "nothing half-written");
    }),
);

test(
  "session new records model, cwd, host and source in the frontmatter; show --json gives them with the project",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const work = join(tmp, "shop");
      mkdirSync(work);
      const { id } = await cru<{ id: string }>([
        "session",
        "new",
        "--tag",
        "ci",
        "--model",
        "gpt-5",
        "--cwd",
        work,
        "--host",
        "build-7",
        "--source",
        "script",
      ], dir);
      const text = firstLog(dir, id);
      assert.match(text, /^model: gpt-5$/m);
      assert.match(text, new RegExp(`^cwd: ${work.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
      assert.match(text, /^host: build-7$/m);
      assert.match(text, /^source: script$/m);
      const shown = await cru<Shown>(["session", "show", id], dir);
      assert.deepEqual(
        { tags: shown.tags, model: shown.model, cwd: shown.cwd, host: shown.host, source: shown.source },
        { tags: ["ci"], model: "gpt-5", cwd: work, host: "build-7", source: "script" },
      );
      assert.equal(shown.project, "shop");
      const listed = await cru<{ sessions: { id: string; tags: string[] }[] }>(["session", "list"], dir);
      assert.ok(Array.isArray(listed.sessions[0].tags), "list --json carries tags");
    }),
);

test(
  "ids can be typed as unique prefixes, @last and @last~N; an ambiguous prefix lists the candidates",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const first = (await cru<{ id: string }>(["session", "new", "--type", "agent", "--title", "one"], dir)).id;
      const second = (await cru<{ id: string }>(["session", "new", "--type", "chat", "--title", "two"], dir)).id;
      const third = (await cru<{ id: string }>(["session", "new", "--type", "chat", "--title", "three"], dir)).id;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await cru(["session", "append", second, "--role", "user", "latest activity"], dir);
      assert.equal((await cru<Shown>(["session", "show", "@last"], dir)).id, second);
      const ids = (await cru<{ ids: string[] }>(["__session-ids"], dir)).ids;
      assert.deepEqual(ids, [first, second, third].sort());
      assert.equal((await cru<Shown>(["session", "show", "agent"], dir)).id, first);
      const unique = second.slice(0, second.length - 2);
      if ([first, third].every((id) => !id.startsWith(unique))) {
        await cru(["session", "append", unique, "--role", "note", "by prefix"], dir);
        assert.equal((await cru<Shown>(["session", "show", second], dir)).events.at(-1)?.content, "by prefix");
      }
      const ambiguous = await run(["session", "show", "chat-"], dir);
      assert.equal(ambiguous.code, 2);
      assert.equal(
        ambiguous.stderr,
        `cru: session id "chat-" is ambiguous: it matches ${[second, third].sort().join(", ")}\n`,
      );
      assert.equal((await cru<Shown>(["session", "show", "@last~2"], dir)).id !== second, true);
      const tooFar = await run(["session", "show", "@last~3"], dir);
      assert.equal(tooFar.code, 2);
      assert.match(tooFar.stderr, /at most @last~2 \(the store holds 3 sessions\)/);
      const missing = await run(["session", "show", "workflow-"], dir);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^cru: session "workflow-" not found/);
      const completion = await runCru(["completions", "bash"]);
      for (const command of ["show", "rename", "tag", "delete", "move"]) {
        assert.match(completion.stdout, new RegExp(`"session ${command}"\\)\\n(?:(?!;;)[\\s\\S])*_cru_ids`));
      }
    }),
);

test(
  "rename, tag, untag and reopen rewrite only their frontmatter keys; the user's own keys stay byte for byte",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const { id, file } = await cru<{ id: string; file: string }>(
        ["session", "new", "--title", "Draft", "--tag", "a"],
        dir,
      );
      const original = readFileSync(file, "utf8");
      writeFileSync(file, original.replace("---\n\n", "reviewer: Ana   # by hand\n---\n\n"));
      await cru(["session", "append", id, "--role", "user", "hello"], dir);
      const renamed = await cru<{ title: string; changed: boolean }>(
        ["session", "rename", "@last", "Fix the deploy"],
        dir,
      );
      assert.deepEqual(renamed, { id, file, title: "Fix the deploy", changed: true });
      assert.deepEqual((await cru<{ tags: string[] }>(["session", "tag", id, "ci", "urgent", "a"], dir)).tags, [
        "a",
        "ci",
        "urgent",
      ]);
      assert.deepEqual((await cru<{ tags: string[] }>(["session", "untag", id, "a", "nope"], dir)).tags, [
        "ci",
        "urgent",
      ]);
      const text = readFileSync(file, "utf8");
      assert.match(text, /^title: Fix the deploy$/m);
      assert.match(text, /^tags:\n {2}- ci\n {2}- urgent$/m);
      assert.match(text, /^reviewer: Ana {3}# by hand$/m);
      assert.match(text, /^# Fix the deploy$/m);
      assert.ok(text.endsWith("**User:** hello\n"));
      const shown = await cru<Shown>(["session", "show", id], dir);
      assert.equal(shown.title, "Fix the deploy");
      assert.deepEqual(shown.tags, ["ci", "urgent"]);
      assert.equal(shown.events.length, 1);

      await cru(["session", "end", id], dir);
      const refused = await run(["session", "append", id, "--role", "user", "after end"], dir);
      assert.equal(refused.code, 1);
      assert.deepEqual(await cru(["session", "reopen", id], dir), { id, file, changed: true });
      assert.equal((await cru<Shown>(["session", "show", id], dir)).ended, null);
      await cru(["session", "append", id, "--role", "user", "after reopen"], dir);
      assert.deepEqual(await cru(["session", "reopen", id], dir), { id, file, changed: false });
      const badTag = await run(["session", "tag", id, "two words"], dir);
      assert.equal(badTag.code, 2);
      const badTitle = await run(["session", "rename", id, "  "], dir);
      assert.equal(badTitle.code, 2);
      // A title is text entering the session: the redaction plugin sees it too.
      const secret = await cru<{ title: string }>(["session", "rename", id, "key AKIAIOSFODNN7EXAMPLE leaked"], dir);
      assert.match(secret.title, /^key \[redacted:[a-z-]+\] leaked$/);
      assert.ok(!readFileSync(file, "utf8").includes("AKIAIOSFODNN7EXAMPLE"));
    }),
);

const KEEPER = `import { existsSync } from "node:fs";
import { join } from "node:path";
export default { name: "keeper", setup(ctx) {
  ctx.hook("session:before-cleanup", (session) => !existsSync(join(session.dir, "KEEP")));
} };
`;

test(
  "delete refuses without --yes off a terminal, deletes with it, and a plugin's veto keeps a session",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      mkdirSync(join(dir, "plugins"), { recursive: true });
      writeFileSync(join(dir, "plugins", "keeper.js"), KEEPER);
      // A store's plugins run only once trusted; the trust is recorded in the user's config folder.
      const trustEnv = { ...ENV, XDG_CONFIG_HOME: join(tmp, "config") };
      const trusted = await runCru(["plugin", "trust", "--all", "--dir", dir], { env: trustEnv, timeoutMs: 90_000 });
      assert.equal(trusted.code, 0, trusted.stderr);
      const cru = <T = Record<string, unknown>>(args: string[], where: string) =>
        cruJson<T>([...args, "--dir", where], { env: trustEnv, timeoutMs: 90_000 });
      const run = (args: string[], where: string) =>
        runCru([...args, "--dir", where], { env: trustEnv, timeoutMs: 90_000 });
      const gone = (await cru<{ id: string }>(["session", "new", "--title", "gone"], dir)).id;
      const kept = (await cru<{ id: string }>(["session", "new", "--title", "kept"], dir)).id;
      writeFileSync(join(dir, "sessions", kept, "KEEP"), "");
      await cru(["session", "append", gone, "--role", "user", "findme"], dir);

      const refused = await run(["session", "delete", gone], dir);
      assert.equal(refused.code, 2);
      assert.equal(refused.stderr, `cru: not deleting ${gone} without --yes: there is no terminal to ask on\n`);
      assert.ok(existsSync(join(dir, "sessions", gone)));

      const deleted = await cru<{ deleted: string[]; kept: unknown[] }>(["session", "delete", gone, "--yes"], dir);
      assert.deepEqual(deleted, { deleted: [gone], kept: [] });
      assert.ok(!existsSync(join(dir, "sessions", gone)));
      const listed = await cru<{ sessions: { id: string }[] }>(["session", "list"], dir);
      assert.deepEqual(listed.sessions.map((s) => s.id), [kept]);
      const hits = await cru<{ hits: unknown[] }>(["session", "search", "findme"], dir);
      assert.deepEqual(hits.hits, []);

      const vetoed = await run(["session", "delete", kept, "--yes", "--json"], dir);
      assert.equal(vetoed.code, 1);
      assert.deepEqual(JSON.parse(vetoed.stdout), { deleted: [], kept: [{ id: kept, plugin: "keeper" }] });
      assert.match(vetoed.stderr, /kept .*plugin keeper/);
      assert.ok(existsSync(join(dir, "sessions", kept)));
    }),
);

test("move and copy take a session, whole, to another store", TIMEOUT, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const other = join(tmp, "team", ".crucible");
    const { id } = await cru<{ id: string }>(["session", "new", "--title", "travels"], dir);
    await cru(["session", "append", id, "--role", "user", "pack the bags"], dir);
    const copied = await cru<{ to: string; moved: boolean }>(["session", "copy", id, "--to", other], dir);
    assert.deepEqual(copied, { id, to: join(other, "sessions", id), moved: false });
    assert.equal(firstLog(other, id), firstLog(dir, id));
    const again = await run(["session", "copy", id, "--to", other], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);
    const same = await run(["session", "move", id, "--to", dir], dir);
    assert.equal(same.code, 2);

    const third = join(tmp, "archive", ".crucible");
    const moved = await cru<{ to: string; moved: boolean }>(["session", "move", "@last", "--to", third], dir);
    assert.deepEqual(moved, { id, to: join(third, "sessions", id), moved: true });
    assert.ok(!existsSync(join(dir, "sessions", id)));
    const shown = await cru<Shown>(["session", "show", id], third);
    assert.deepEqual(shown.events.map((e) => e.content), ["pack the bags"]);
    assert.deepEqual((await cru<{ sessions: unknown[] }>(["session", "list"], dir)).sessions, []);
  }));

test(
  "stats adds up tokens and cost by day, model, project and tool to the hand-computed sums",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const shop = join(tmp, "shop");
      const api = join(tmp, "api");
      mkdirSync(shop);
      mkdirSync(api);
      const a = (await cru<{ id: string }>(["session", "new", "--cwd", shop, "--model", "sonnet"], dir)).id;
      const b = (await cru<{ id: string }>(["session", "new", "--cwd", api], dir)).id;
      const say = (id: string, ...flags: string[]) =>
        cru(["session", "append", id, "--role", "assistant", "x", ...flags], dir);
      await say(a, "--tokens-in", "100", "--tokens-out", "10", "--cost", "0.5");
      await say(a, "--model", "haiku", "--tokens-in", "7", "--cache-read", "1000", "--cost", "0.25");
      await cru(["session", "append", a, "--tool", "grep", "--result", "1 hit", "--tokens-out", "3"], dir);
      await say(
        b,
        "--model",
        "gpt-5",
        "--tokens-in",
        "40",
        "--tokens-out",
        "2",
        "--cache-write",
        "9",
        "--cost",
        "0.125",
      );
      await cru(["session", "append", b, "--tool", "grep", "--result", "none"], dir);
      await cru(["session", "append", b, "--role", "user", "no details"], dir);

      type Row = { key: string; sessions: number; events: number; tokens: Record<string, number>; cost: number };
      const stats = await cru<
        { totals: Omit<Row, "key">; by_model: Row[]; by_project: Row[]; by_tool: Row[]; by_day: Row[] }
      >(
        ["session", "stats"],
        dir,
      );
      // a: 100+10 + 7+1000 + 3 = 1120 tokens, $0.75; b: 40+2+9 = 51 tokens, $0.125
      assert.deepEqual(stats.totals, {
        sessions: 2,
        events: 6,
        tokens: { input: 147, output: 15, cache_read: 1000, cache_write: 9, total: 1171 },
        cost: 0.875,
      });
      const byKey = (rows: Row[]) =>
        Object.fromEntries(rows.map((r) => [r.key, [r.sessions, r.events, r.tokens.total, r.cost]]));
      // Events without a model take the session's (a: sonnet); b names none: "(unknown)".
      assert.deepEqual(byKey(stats.by_model), {
        haiku: [1, 1, 1007, 0.25],
        sonnet: [1, 2, 113, 0.5],
        "gpt-5": [1, 1, 51, 0.125],
        "(unknown)": [1, 2, 0, 0],
      });
      assert.deepEqual(byKey(stats.by_project), { shop: [1, 3, 1120, 0.75], api: [1, 3, 51, 0.125] });
      assert.deepEqual(byKey(stats.by_tool), { grep: [2, 2, 3, 0] });
      assert.equal(stats.by_day.length, 1);
      assert.deepEqual(stats.by_day[0].tokens.total, 1171);

      const later = await cru<{ totals: { events: number } }>(["session", "stats", "--since", "2099-01-01"], dir);
      assert.equal(later.totals.events, 0);
      const shopOnly = await cru<{ totals: { sessions: number; tokens: { total: number } } }>(
        ["session", "stats", "--project", "shop"],
        dir,
      );
      assert.deepEqual([shopOnly.totals.sessions, shopOnly.totals.tokens.total], [1, 1120]);
      const events = async (...flags: string[]) =>
        (await cru<{ totals: { events: number } }>(["session", "stats", ...flags], dir)).totals.events;
      assert.equal(await events("--cwd", api), 3);
      // --model is the session's model (its frontmatter), as in list and search
      assert.equal(await events("--cwd", shop, "--model", "sonnet"), 3);
      assert.equal(await events("--model", "gpt-5"), 0);
      const text = await run(["session", "stats", "--by", "model"], dir);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^2 sessions · 6 events · 1,171 tokens/);
      assert.match(text.stdout, /haiku .*\$0\.25 +█{24}\n/);
      assert.ok(!text.stdout.includes("by project"));
      const badGroup = await run(["session", "stats", "--by", "colour"], dir);
      assert.equal(badGroup.code, 2);
      assert.match(badGroup.stderr, /^cru: invalid --by "colour": expected one of day, model, project, tool\n$/);
    }),
);

test(
  "importing Claude Code and Codex transcripts keeps each model call's model and usage",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      for (const [file, from] of [["claude_code.jsonl", "claude-code"], ["codex.jsonl", "codex"]]) {
        const imported = await run(["session", "import", join(FIXTURES, file), "--from", from], dir);
        assert.equal(imported.code, 0, imported.stderr);
      }
      const stats = await cru<
        { totals: { tokens: Record<string, number> }; by_model: { key: string; tokens: { total: number } }[] }
      >(
        ["session", "stats"],
        dir,
      );
      // Claude Code: msg_01A counted once (1200/150/8000/300), msg_01B (400/60/9500/0), msg_01C (50/80/9600/120);
      // Codex: (5000-3000)/200/3000 and (5600-5000)/30/5000.
      assert.deepEqual(stats.totals.tokens, {
        input: 1650 + 2600,
        output: 290 + 230,
        cache_read: 27100 + 8000,
        cache_write: 420,
        total: 1650 + 2600 + 290 + 230 + 27100 + 8000 + 420,
      });
      assert.deepEqual(
        Object.fromEntries(stats.by_model.map((r) => [r.key, r.tokens.total])),
        {
          "claude-sonnet-4-5-20250929": 1200 + 150 + 8000 + 300 + 400 + 60 + 9500,
          "claude-haiku-4-5": 50 + 80 + 9600 + 120,
          "gpt-5-codex": 2000 + 200 + 3000 + 600 + 30 + 5000,
        },
      );
      const ids = (await cru<{ ids: string[] }>(["__session-ids"], dir)).ids;
      const claude = await cru<Shown>(["session", "show", ids.find((id) => id.includes("claude"))!], dir);
      assert.equal(claude.cwd, "/home/ana/src/shop");
      assert.equal(claude.project, "shop");
      const failedCall = claude.events.find((e) => e.tool_call_id === "toolu_01Y");
      assert.equal(failedCall?.status, "error");
      const codex = await cru<Shown & { branch?: string }>(
        ["session", "show", ids.find((id) => id.includes("codex"))!],
        dir,
      );
      assert.equal(codex.branch, "main");
      assert.equal(codex.project, "ana/api");
      assert.equal(codex.model, "gpt-5-codex", "the transcript's model is in the frontmatter from the start");
      assert.equal(claude.model, "claude-sonnet-4-5-20250929");
      const byModel = await cru<{ sessions: { id: string }[] }>(["session", "list", "--model", "gpt-5-codex"], dir);
      assert.deepEqual(byModel.sessions.map((s) => s.id), [codex.id]);
    }),
);

test(
  "list and search take the session-fact filters, and name a malformed one",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      await cru(["session", "new", "--tag", "x"], dir);
      const facts = ["--tag", "x", "--cwd", tmp, "--project", "p", "--branch", "b", "--host", "h", "--model", "m"];
      const listed = await run(["session", "list", ...facts, "--source", "codex", "--json"], dir);
      assert.equal(listed.code, 0, listed.stderr);
      const searched = await run(["session", "search", "word", ...facts, "--role", "user", "--tool", "grep"], dir);
      assert.equal(searched.code, 0, searched.stderr);
      const inSession = await run(["session", "search", "word", "--session", "@last"], dir);
      assert.equal(inSession.code, 0, inSession.stderr);
      const noSession = await run(["session", "search", "word", "--session", "agent-"], dir);
      assert.equal(noSession.code, 1);
      assert.match(noSession.stderr, /session "agent-" not found/);
      const badRole = await run(["session", "search", "word", "--role", "robot"], dir);
      assert.equal(badRole.code, 2);
      const emptyTag = await run(["session", "list", "--tag", ""], dir);
      assert.equal(emptyTag.code, 2);
      assert.match(emptyTag.stderr, /^cru: invalid --tag "": expected some text\n$/);
    }),
);

/** `script` (util-linux) gives a command a terminal; without it the prompt cannot be tested. */
const HAS_SCRIPT = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Runs cru on a pseudo-terminal, typing `answer` once the question is on screen. */
function onTerminal(args: string[], answer: string): Promise<string> {
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const command = [...cruCommand(), ...args].map(quote).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...process.env, ...ENV, NO_COLOR: "1" } });
  let output = "";
  let answered = false;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
    if (!answered && output.includes("[y/N]")) {
      answered = true;
      child.stdin.write(answer);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  return new Promise((resolve) =>
    child.on("close", () => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve(output);
    })
  );
}

test(
  "delete asks on a terminal and deletes only on yes",
  {
    ...TIMEOUT,
    skip: HAS_SCRIPT ? false : "script (util-linux) is not installed: no terminal to test the question on",
  },
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const { id } = await cru<{ id: string }>(["session", "new"], dir);
      const declined = await onTerminal(["session", "delete", id, "--dir", dir], "n\n");
      assert.match(declined, new RegExp(`delete ${id}\\? This cannot be undone\\. \\[y/N\\]`));
      assert.match(declined, /nothing deleted/);
      assert.ok(existsSync(join(dir, "sessions", id)));
      const accepted = await onTerminal(["session", "delete", "@last", "--dir", dir], "y\n");
      assert.match(accepted, new RegExp(`deleted ${id}`));
      assert.ok(!existsSync(join(dir, "sessions", id)));
    }),
);

test("the README's event-details example reads back as the details it shows", () => {
  const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
  const example = /```markdown\n(\*\*Assistant:\*\*[^\n]*\n<!-- cru:[^\n]*-->)\n```/.exec(readme)?.[1];
  assert.ok(example, "README shows an assistant event with a details line");
  const head = "---\nsession_id: agent-a1\ntype: agent\nstarted: 2025-01-01T00:00:00Z\ncontinued_from: null\n---\n\n";
  const { log, warnings } = parseLog(`${head}# Agent Session\n\n## 2025-01-01T00:00:00Z\n\n${example}\n`);
  assert.deepEqual(warnings, []);
  assert.deepEqual(log.events.map(({ at: _at, ...event }) => event), [{
    role: "assistant",
    content: "The cache key hashes package.json, not the lockfile.",
    model: "claude-sonnet-4-5",
    tokens: { input: 1200, output: 300, cache_read: 8000 },
    cost: 0.0123,
    duration_ms: 2300,
  }]);
});

test(
  "the library sets event details and session facts, and manages sessions by the same calls",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const cru = open({ dir: join(tmp, ".crucible"), plugins: [] });
      const session = await cru.openSession({
        type: "agent",
        model: "claude-haiku-4-5",
        host: "ci-3",
        tags: ["nightly"],
      });
      await session.append({
        role: "assistant",
        content: "Done.",
        model: "claude-haiku-4-5",
        tokens: { input: 10, output: 2 },
        cost: 0.001,
        status: "ok",
      });
      await assert.rejects(session.append({ role: "user", content: "x", tokens: { input: 1.5 } }), InvalidInputError);
      assert.equal(cru.resolveId("@last"), session.id);
      await cru.rename(session.id, "Nightly triage");
      await cru.tag(session.id, ["flaky"]);
      const view = await session.read();
      assert.deepEqual([view.title, view.tags, view.model, view.host], [
        "Nightly triage",
        ["nightly", "flaky"],
        "claude-haiku-4-5",
        "ci-3",
      ]);
      assert.deepEqual(view.events.map(({ at: _at, file: _file, line: _line, ...event }) => event), [{
        role: "assistant",
        content: "Done.",
        model: "claude-haiku-4-5",
        tokens: { input: 10, output: 2 },
        cost: 0.001,
        status: "ok",
      }]);
      const stats = await cru.stats({ tag: "flaky" });
      assert.deepEqual([stats.totals.tokens.total, stats.totals.cost], [12, 0.001]);
      assert.deepEqual(await cru.delete([session.id]), { deleted: [session.id], kept: [] });
    }),
);

test(
  "each session filter, alone and combined, narrows list and search in the index; edits show at once",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const repo = join(tmp, "shop", "api");
      mkdirSync(repo, { recursive: true });
      const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
      git("init", "-q", "-b", "feature-x");
      git("-c", "user.email=t@e.st", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "first");
      const web = join(tmp, "web");
      mkdirSync(web);
      const make = async (flags: string[]) => (await cru<{ id: string }>(["session", "new", ...flags], dir)).id;
      const a = await make(["--tag", "ci", "--cwd", repo, "--model", "m1", "--host", "h1", "--source", "s1"]);
      const b = await make(["--tag", "web", "--cwd", web, "--model", "m2", "--host", "h2", "--source", "s2"]);
      await cru(["session", "append", a, "--role", "user", "hello from shop"], dir);
      await cru(["session", "append", a, "--tool", "grep", "--result", "hello grep"], dir);
      await cru(["session", "append", b, "--role", "assistant", "hello from web"], dir);

      const listed = async (...flags: string[]) =>
        (await cru<{ sessions: { id: string }[] }>(["session", "list", ...flags], dir)).sessions.map((s) => s.id)
          .sort();
      const found = async (...flags: string[]) =>
        [
          ...new Set((await cru<{ hits: { session_id: string }[] }>(["session", "search", "hello", ...flags], dir)).hits
            .map((h) => h.session_id)),
        ].sort();
      const cases: [string[], string[]][] = [
        [[], [a, b]],
        [["--tag", "ci"], [a]],
        [["--cwd", join(tmp, "shop")], [a]],
        [["--cwd", web], [b]],
        [["--project", "api"], [a]],
        [["--project", "web"], [b]],
        [["--branch", "feature-x"], [a]],
        [["--host", "h2"], [b]],
        [["--model", "m1"], [a]],
        [["--source", "s2"], [b]],
        [["--tag", "ci", "--model", "m1", "--host", "h1"], [a]],
        [["--tag", "ci", "--model", "m2"], []],
        [["--project", "web", "--type", "chat"], [b]],
        [["--project", "web", "--type", "agent"], []],
      ];
      for (const [flags, expected] of cases) {
        assert.deepEqual(await listed(...flags), [...expected].sort(), `list ${flags.join(" ")}`);
        assert.deepEqual(await found(...flags), [...expected].sort(), `search ${flags.join(" ")}`);
      }
      assert.deepEqual(await found("--role", "assistant"), [b]);
      assert.deepEqual(await found("--tool", "grep"), [a]);
      assert.deepEqual(await found("--tool", "grep", "--tag", "web"), []);

      await cru(["session", "tag", b, "ci"], dir);
      assert.deepEqual(await listed("--tag", "ci"), [a, b].sort());
      await cru(["session", "untag", b, "ci"], dir);
      assert.deepEqual(await listed("--tag", "ci"), [a]);
      await cru(["session", "rename", b, "Zebra crossing"], dir);
      const titled = await cru<{ hits: { session_id: string; role: string }[] }>(["session", "search", "zebra"], dir);
      assert.deepEqual(titled.hits.map((h) => [h.session_id, h.role]), [[b, "title"]]);
      await cru(["session", "delete", a, "--yes"], dir);
      assert.deepEqual(await listed(), [b]);
    }),
);
