import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruCommand, cruJson, runCru } from "./_helpers/run_cru.ts";

const has = (shell: string) => {
  try {
    execFileSync(shell, ["-c", "exit 0"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** A folder with a `cru` on it that runs the cru under test, as a user's PATH would. */
function cruOnPath(tmp: string): string {
  const bin = join(tmp, "bin");
  mkdirSync(bin);
  const quoted = cruCommand().map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(" ");
  writeFileSync(join(bin, "cru"), `#!/bin/sh\nexec ${quoted} "$@"\n`);
  chmodSync(join(bin, "cru"), 0o755);
  return bin;
}

/** Runs `script` in `shell` with cru on PATH and the store in CRU_DIR. */
function inShell(shell: string, script: string, bin: string, dir: string): string {
  return execFileSync(shell, ["-c", script], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CRU_DIR: dir, NO_COLOR: "1" },
  });
}

test("bare cru and cru session print their help on stderr and exit 2; --help prints it on stdout, exit 0", async () => {
  for (const args of [[], ["session"], ["plugin"]]) {
    const run = await runCru(args);
    assert.equal(run.code, 2, `cru ${args.join(" ")}`);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^Usage: cru/);
  }
  const help = await runCru(["session", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: cru session/);
});

test("completions offer bash zsh fish after cru completions, and session ids after show, in bash", {
  skip: !has("bash") && "bash is not installed",
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir]);
    const bin = cruOnPath(tmp);
    const complete = (words: string) =>
      inShell(
        "bash",
        `eval "$(cru completions bash)"; COMP_WORDS=(${words} ""); COMP_CWORD=\${#COMP_WORDS[@]}; ` +
          `COMP_CWORD=$((COMP_CWORD - 1)); _cru; printf '%s\\n' "\${COMPREPLY[@]}"`,
        bin,
        dir,
      ).trim().split("\n");
    assert.deepEqual(complete("cru completions").filter((w) => !w.startsWith("-")), ["bash", "zsh", "fish"]);
    assert.ok(complete("cru session show").includes(id));
    assert.ok(complete("cru session append").includes(id));
    assert.ok(!complete("cru").includes("__session-ids"), "the hidden command is not offered");
  }));

test(
  "completions offer bash zsh fish and session ids in fish",
  { skip: !has("fish") && "fish is not installed" },
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir]);
      const bin = cruOnPath(tmp);
      const complete = (line: string) =>
        inShell("fish", `cru completions fish | source; complete -C '${line}'`, bin, dir).trim().split("\n")
          .map((l) => l.split("\t")[0]);
      assert.deepEqual(complete("cru completions ").sort(), ["bash", "fish", "zsh"]);
      assert.ok(complete("cru session show ").includes(id));
    }),
);

test(
  "completions offer bash zsh fish and session ids in zsh",
  { skip: !has("zsh") && "zsh is not installed" },
  () =>
    withTempDir(async (tmp) => {
      const dir = join(tmp, ".crucible");
      const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir]);
      const bin = cruOnPath(tmp);
      const script = (await runCru(["completions", "zsh"])).stdout;
      execFileSync("zsh", ["-n"], { input: script });
      assert.match(script, /"completions"\) _describe 'cru' "\([^)]*'bash' 'zsh' 'fish'/);
      const ids = inShell(
        "zsh",
        `autoload -Uz compinit && compinit -u -d ${join(tmp, "zcompdump")}; eval "$(cru completions zsh)"; ` +
          `words=(cru session show ""); CURRENT=4; _cru_ids`,
        bin,
        dir,
      );
      assert.deepEqual(ids.trim().split("\n"), [id]);
      assert.match(script, /"session show"\) _describe .*; compadd -- \$\{\(f\)"\$\(_cru_ids\)"\};;/);
    }),
);
