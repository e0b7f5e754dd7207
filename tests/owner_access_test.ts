/**
 * Only its user reaches a store's index owner, and the owner does only what
 * its protocol defines: the index folder is 0700, the socket 0600, another
 * user cannot connect, a long store path never puts the socket at a guessable
 * name in a shared folder, and requests outside the protocol — or naming a
 * path outside the store — are refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, statSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson } from "./_helpers/run_cru.ts";
import { ownerSocketPath } from "../src/index_service/owner_paths.ts";

const ENV = { CRU_INDEX_IDLE_MS: "4000" };
const TIMEOUT = { timeout: 120_000 };

/** Sends raw lines to the owner's socket and collects the answers (one per line sent). */
function talk(socketPath: string, lines: string[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffer = "";
    const answers: Record<string, unknown>[] = [];
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer: ${buffer}`))), 30_000);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(lines.map((line) => `${line}\n`).join("")));
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        answers.push(JSON.parse(buffer.slice(0, end)));
        buffer = buffer.slice(end + 1);
      }
      if (answers.length >= lines.length) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answers);
      }
    });
    socket.on("error", reject);
  });
}

/** A store with a running owner. */
async function storeWithOwner(tmp: string): Promise<string> {
  const dir = join(tmp, ".crucible");
  const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir], { env: ENV });
  await cruJson(["session", "append", id, "--role", "user", "private words", "--dir", dir], { env: ENV });
  await cruJson(["session", "search", "private", "--dir", dir], { env: ENV });
  return dir;
}

test("the index folder is 0700 and the owner's socket 0600", TIMEOUT, () =>
  withTempDir(async (tmp) => {
    const dir = await storeWithOwner(tmp);
    assert.equal(statSync(join(dir, "index")).mode & 0o777, 0o700);
    assert.equal(statSync(ownerSocketPath(dir)).mode & 0o777, 0o600);
  }));

test("another user cannot talk to the owner", {
  ...TIMEOUT,
  skip: (process.getuid?.() !== 0 || spawnSync("runuser", ["--help"]).status !== 0 ||
    spawnSync("runuser", ["-u", "nobody", "--", "/usr/bin/env", "node", "--version"]).status !== 0) &&
    "needs root, runuser, and a node that the user nobody can run",
}, () =>
  withTempDir(async (tmp) => {
    chmodSync(tmp, 0o755); // only the index folder stands in the way
    const dir = await storeWithOwner(tmp);
    chmodSync(dir, 0o755);
    const probe = `require("net").connect(${JSON.stringify(ownerSocketPath(dir))})` +
      `.on("connect", () => { console.log("CONNECTED"); process.exit(0); })` +
      `.on("error", (e) => { console.log(e.code); process.exit(0); });`;
    // The system's node, not this runtime: the test's own runtime may sit in a folder only root can enter.
    const run = spawnSync("runuser", ["-u", "nobody", "--", "/usr/bin/env", "node", "-e", probe], {
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout.trim(), /^(EACCES|EPERM)$/, `nobody got: ${run.stdout}${run.stderr}`);
  }));

test(
  "a store path too long for a socket name puts the socket in a private per-user folder",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const deep = join(tmp, "a".repeat(60), "b".repeat(60));
      mkdirSync(deep, { recursive: true });
      const runtime = join(tmp, "runtime");
      mkdirSync(runtime, { mode: 0o700 });
      const env = { ...ENV, XDG_RUNTIME_DIR: runtime };
      const dir = join(deep, ".crucible");
      const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir], { env });
      await cruJson(["session", "append", id, "--role", "user", "deep words", "--dir", dir], { env });
      const { hits } = await cruJson<{ hits: unknown[] }>(["session", "search", "deep", "--dir", dir], { env });
      assert.equal(hits.length, 1);
      const folder = join(runtime, "cru");
      assert.equal(statSync(folder).mode & 0o777, 0o700, "the socket's folder is the user's alone");
    }),
);

test(
  "the owner refuses requests its protocol does not define and paths outside the store",
  TIMEOUT,
  () =>
    withTempDir(async (tmp) => {
      const dir = await storeWithOwner(tmp);
      const answers = await talk(ownerSocketPath(dir), [
        JSON.stringify({ id: 1, method: "readFile", params: { path: "/etc/passwd" } }),
        JSON.stringify({ id: 2, method: "notify", params: { logs: ["../../../etc/passwd"] } }),
        JSON.stringify({ id: 3, method: "notify", params: { logs: ["sessions/x/../../../../etc/passwd.md"] } }),
        JSON.stringify({ id: 4, method: "search", params: { query: "x", filters: { evil: "1" } } }),
        "not json at all",
        JSON.stringify({ id: 6, method: "ping", params: {} }),
      ]);
      const byId = new Map(answers.map((a) => [a.id, a]));
      for (const id of [1, 2, 3, 4]) {
        assert.equal((byId.get(id)?.error as { code?: string })?.code, "bad_request", JSON.stringify(byId.get(id)));
      }
      assert.equal((byId.get(-1)?.error as { code?: string })?.code, "bad_request");
      assert.equal(typeof (byId.get(6)?.result as { pid?: unknown })?.pid, "number", "a good request still works");
    }),
);
