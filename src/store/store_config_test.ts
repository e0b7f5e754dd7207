import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStoreConfig } from "./store_config.ts";

function withConfig(yaml: string, work: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), "cru-config-"));
  try {
    writeFileSync(join(root, "config.yaml"), yaml);
    work(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const WATCH = "watch:\n  claude-code: [/elsewhere]\n  aider: ~/code/app\n  codex: false\n";

test("readStoreConfig() reads watch folders (one or a list) and false, once the config is trusted", () =>
  withConfig(WATCH, (root) => {
    const config = readStoreConfig(root, { trusted: true });
    assert.deepEqual(config.watch, { "claude-code": ["/elsewhere"], aider: ["~/code/app"], codex: false });
    assert.deepEqual(config.refused, []);
  }));

test("readStoreConfig() refuses watch folders from an untrusted config, naming them; false still applies", () =>
  withConfig(WATCH, (root) => {
    const config = readStoreConfig(root, { trusted: false });
    assert.deepEqual(config.watch, { codex: false });
    assert.equal(config.refused.length, 2);
    assert.match(config.refused[0], /watch\.claude-code.*cru plugin trust/);
  }));

test("readStoreConfig() names the key of a malformed watch entry", () =>
  withConfig("watch:\n  codex: 3\n", (root) => {
    assert.throws(
      () => readStoreConfig(root, { trusted: true }),
      /watch\.codex must be a folder, a list of folders, or false/,
    );
  }));
