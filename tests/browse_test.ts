/**
 * `cru browse` driven through tmux as a person would: keys in with send-keys,
 * the screen read back with capture-pane. Skipped, saying so, without tmux.
 * The suite's last step runs it against the compiled binary (CRU_BIN).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruCommand, runCru } from "./_helpers/run_cru.ts";

const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;
/** A colour (foreground 30–37) in what capture-pane -e gives back; 39 is the default colour, not one. */
const COLOUR = new RegExp(`${"\x1b"}\\[(?:\\d+;)*3[0-7](?:;\\d+)*m`);
const SKIP = HAVE_TMUX ? false : "tmux is not installed (apt-get install -y tmux): the browser was not tested";
if (SKIP) console.log(`skipped: ${SKIP}`);

/** A tmux server of our own (its own socket), one 80×24 window running `script`. */
class Tmux {
  readonly socket: string;
  constructor(socket: string) {
    this.socket = socket;
  }
  tmux(...args: string[]): string {
    return execFileSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8" });
  }
  start(script: string): void {
    this.tmux("-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", `sh ${script}`);
  }
  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", "0", ...keys);
  }
  type(text: string): void {
    this.tmux("send-keys", "-t", "0", "-l", text);
  }
  screen(escapes = false): string {
    return this.tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", "0");
  }
  flag(name: string): string {
    return this.tmux("display-message", "-p", "-t", "0", `#{${name}}`).trim();
  }
  /** Waits (at most 30 s) until the screen matches. */
  async waitFor(pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    let screen = "";
    while (Date.now() < deadline) {
      screen = this.screen();
      if (pattern.test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what} (${pattern}); the screen was:\n${screen}`);
  }
  stop(): void {
    spawnSync("tmux", ["-S", this.socket, "kill-server"]);
  }
}

/** A store with a few sessions; returns the id of the one about the deploy. */
async function store(dir: string): Promise<string> {
  const run = async (args: string[]) => {
    const result = await runCru([...args, "--dir", dir]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim();
  };
  for (const word of ["kiwi", "mango"]) {
    const other = await run(["session", "new", "--title", `About ${word}`]);
    await run(["session", "append", other, "--role", "user", `Tell me about ${word} please`]);
  }
  const id = await run(["session", "new", "--type", "agent", "--title", "Fix the deploy"]);
  await run(["session", "append", id, "--role", "user", "The deploy fails with a stale cache key"]);
  await run(["session", "append", id, "--tool", "shell", "--args", '{"cmd":"make deploy"}', "--result", "deployed"]);
  await run(["session", "append", id, "--role", "assistant", "Fixed: the **cache key** now has the lockfile hash."]);
  return id;
}

/** A shell script that runs cru browse, then says how it ended and waits. */
function browseScript(tmp: string, dir: string, env: Record<string, string>): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = join(tmp, "browse.sh");
  // Colour is the browser's own choice from the terminal: NO_COLOR only when the test sets it (the suite exports it).
  const exports = ["unset NO_COLOR", ...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`)].join("\n");
  writeFileSync(
    script,
    `${exports}\n${cruCommand().map(quote).join(" ")} browse --dir ${quote(dir)}\necho "EXITED $?"\nsleep 120\n`,
  );
  return script;
}

test("cru browse: typing shows hits, the preview shows the hit, enter pages, e edits, y copies, q restores", {
  skip: SKIP,
  timeout: 180_000,
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const id = await store(dir);
    const editorLog = join(tmp, "editor.log");
    const editor = join(tmp, "editor.sh");
    writeFileSync(editor, `#!/bin/sh\necho "$@" > '${editorLog}'\n`);
    chmodSync(editor, 0o755);
    const tmux = new Tmux(join(tmp, "tmux.sock"));
    try {
      tmux.start(browseScript(tmp, dir, { NO_COLOR: "1", PAGER: "less -R", EDITOR: editor, TERM: "xterm-256color" }));
      await tmux.waitFor(/3 recent sessions/, "the recent sessions");
      assert.equal(tmux.flag("alternate_on"), "1", "full screen on the alternate screen");

      tmux.type("stale cache");
      const hits = await tmux.waitFor(/> stale cache\s+\d+ hits?\n/, "hits for the query");
      assert.match(
        hits,
        /user\s+agent-\S*\s+The deploy fails with a «?stale»? «?cache»? key|The deploy fails with a stale cache key/,
      );
      // The preview is scrolled to the hit and marks it.
      assert.match(hits, /▶ User:/);
      assert.match(hits, /── Fix the deploy · agent-/);
      assert.doesNotMatch(tmux.screen(true), COLOUR, "NO_COLOR: no colour");

      tmux.type(" lockfile");
      await tmux.waitFor(/> stale cache lockfile\s+0 hits/, "no hit for three words that are not in one event");
      tmux.keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace");
      await tmux.waitFor(/> stale cache\s+\d+ hits?\n/, "the hits again");

      tmux.keys("Down", "Enter");
      const paged = await tmux.waitFor(/\(END\)|^:/m, "the pager");
      assert.match(paged, /The deploy fails with a stale cache key/);
      assert.match(paged, /▸ shell \{"cmd":"make deploy"\}/);
      tmux.keys("q");
      await tmux.waitFor(/> stale cache\s+\d+ hits?\n/, "the browser back after the pager");

      tmux.keys("e");
      const deadline = Date.now() + 30_000;
      while (!existsSync(editorLog) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const [line, file] = readFileSync(editorLog, "utf8").trim().split(" ");
      assert.match(line, /^\+\d+$/);
      assert.match(file, new RegExp(`${id}/[^/]+\\.md$`));
      assert.equal(
        readFileSync(file, "utf8").split("\n")[Number(line.slice(1)) - 1],
        "**User:** The deploy fails with a stale cache key",
      );

      await tmux.waitFor(/> stale cache\s+\d+ hits?\n/, "the browser back after the editor");
      tmux.keys("y");
      await tmux.waitFor(new RegExp(`copied ${id}`), "the id copied");
      tmux.keys("?");
      await tmux.waitFor(/open the log in \$EDITOR/, "the help");
      tmux.keys("x");
      await tmux.waitFor(/enter open · e edit/, "the help closed");

      tmux.keys("q");
      const after = await tmux.waitFor(/EXITED \d+/, "cru to leave");
      assert.match(after, /EXITED 0/);
      assert.equal(tmux.flag("alternate_on"), "0", "the alternate screen is left");
      assert.equal(tmux.flag("cursor_flag"), "1", "the cursor is shown again");
      const mode = execFileSync("tmux", ["-S", tmux.socket, "display-message", "-p", "-t", "0", "#{pane_tty}"], {
        encoding: "utf8",
      }).trim();
      const stty = spawnSync("stty", ["-a", "-F", mode], { encoding: "utf8" }).stdout;
      assert.match(stty, /(^|\s)icanon(\s|$)/, "the terminal is back in line mode");
      assert.match(stty, /(^|\s)echo(\s|$)/, "and echoes again");
    } finally {
      tmux.stop();
    }
  }));

test(
  "cru browse leaves on ctrl-c and on SIGTERM with the terminal restored",
  { skip: SKIP, timeout: 120_000 },
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      await store(dir);
      const tmux = new Tmux(join(tmp, "tmux.sock"));
      try {
        tmux.start(browseScript(tmp, dir, { TERM: "xterm-256color" }));
        await tmux.waitFor(/3 recent sessions/, "the browser");
        assert.match(tmux.screen(true), COLOUR, "colour without NO_COLOR");
        tmux.keys("C-c");
        await tmux.waitFor(/EXITED 0/, "ctrl-c to leave");
        assert.equal(tmux.flag("alternate_on"), "0");

        tmux.tmux("respawn-pane", "-k", "-t", "0", `sh ${browseScript(tmp, dir, { TERM: "xterm-256color" })}`);
        await tmux.waitFor(/3 recent sessions/, "the browser again");
        const shell = tmux.flag("pane_pid");
        const cru = spawnSync("pgrep", ["-P", shell], { encoding: "utf8" }).stdout.trim().split("\n")[0];
        assert.ok(cru, "cru runs under the pane's shell");
        process.kill(Number(cru), "SIGTERM");
        const after = await tmux.waitFor(/EXITED \d+/, "cru to end on SIGTERM");
        assert.match(after, /EXITED 143/);
        assert.equal(tmux.flag("alternate_on"), "0", "the alternate screen is left");
        assert.equal(tmux.flag("cursor_flag"), "1", "the cursor is shown again");
      } finally {
        tmux.stop();
      }
    }),
);

test("cru browse refuses clearly when stdout is not a terminal", { timeout: 60_000 }, () =>
  withTempDir(async (tmp) => {
    const run = await runCru(["browse", "--dir", join(tmp, ".crucible")]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^cru: invalid stdout "not a terminal": expected a terminal: browse is interactive/);
    assert.equal(run.stdout, "");
  }));
