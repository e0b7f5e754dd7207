/**
 * `cru session show` on a terminal renders the conversation and hands it to
 * the pager; piped, it prints plain text. The terminal comes from tmux;
 * skipped, saying so, without it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruCommand, runCru } from "./_helpers/run_cru.ts";

const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;
const SKIP = HAVE_TMUX ? false : "tmux is not installed (apt-get install -y tmux): show's pager was not tested";
if (SKIP) console.log(`skipped: ${SKIP}`);

test("cru session show pages a rendered conversation on a terminal, and prints plain text when piped", {
  skip: SKIP,
  timeout: 120_000,
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const run = async (args: string[]) => (await runCru([...args, "--dir", dir])).stdout.trim();
    const id = await run(["session", "new", "--title", "Paged"]);
    await run(["session", "append", id, "--role", "user", "Show **this** with `code`"]);
    await run(["session", "append", id, "--tool", "grep", "--args", '{"q":"x"}', "--result", "one\ntwo\nthree"]);
    const paged = join(tmp, "paged.txt");
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const script = join(tmp, "show.sh");
    writeFileSync(
      script,
      `export NO_COLOR=1 PAGER=${quote(`cat > ${quote(paged)}`)}\n${
        cruCommand().map(quote).join(" ")
      } session show ${id} --dir ${quote(dir)}\necho "EXITED $?"\nsleep 60\n`,
    );
    const socket = join(tmp, "tmux.sock");
    execFileSync("tmux", [
      "-S",
      socket,
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-x",
      "80",
      "-y",
      "24",
      `sh ${script}`,
    ]);
    try {
      const deadline = Date.now() + 60_000;
      let screen = "";
      while (Date.now() < deadline && !/EXITED \d+/.test(screen)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        screen = execFileSync("tmux", ["-S", socket, "capture-pane", "-p", "-t", "0"], { encoding: "utf8" });
      }
      assert.match(screen, /EXITED 0/);
      assert.ok(existsSync(paged), "the pager got the text");
      const styled = readFileSync(paged, "utf8");
      const sgr = new RegExp(`${"\x1b"}\\[([0-9;]*)m`, "g");
      const codes = [...styled.matchAll(sgr)].map((m) => m[1]);
      assert.ok(codes.includes("1"), "bold is emphasis, not colour: kept with NO_COLOR");
      assert.ok(!codes.some((code) => /^3[0-7]$/.test(code)), "NO_COLOR: no colour");
      const text = styled.replace(sgr, "");
      assert.match(text, /^Paged\n/);
      assert.match(text, /\nUser:\n {2}Show this with code\n/, "markdown rendered");
      assert.match(text, /\n▸ grep \{"q":"x"\} → one \(\+2 lines\)\n/, "the tool call folded to one line");
    } finally {
      spawnSync("tmux", ["-S", socket, "kill-server"]);
    }
    const piped = await runCru(["session", "show", id, "--dir", dir]);
    assert.match(piped.stdout, /\nuser:\nShow \*\*this\*\* with `code`\n/, "piped: plain text as before");
  }));
