/**
 * Fault injection, a full disk: a store on a 5 MB tmpfs is filled by appends
 * while its index owner runs. Every acknowledged event is still there, whole
 * and once; nothing temporary is left behind (`.new-<id>/`, `.tmp`); commands
 * on the full disk answer or fail in one line, quickly; and once space is
 * back, search finds every acknowledged event. Needs `mount` (root): skipped,
 * saying so, where mounting is not allowed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCru } from "../_helpers/run_cru.ts";
import { killOwner, WORD } from "./_faults.ts";
import { folderBytes } from "../../scripts/bench_storm.ts";
import { open } from "../../mod.ts";

/** A small tmpfs, or why there is none. */
function mountSmallDisk(): { mount?: string; why?: string } {
  const mount = mkdtempSync(join(tmpdir(), "cru-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=5m", "tmpfs", mount], { stdio: "pipe" });
    return { mount };
  } catch (error) {
    rmSync(mount, { recursive: true, force: true });
    return { why: `cannot mount a tmpfs here (${String((error as Error).message).split("\n")[0]})` };
  }
}

function unmount(mount: string): void {
  try {
    execFileSync("umount", [mount], { stdio: "pipe" });
  } catch {
    execFileSync("umount", ["-l", mount], { stdio: "pipe" });
  }
  rmSync(mount, { recursive: true, force: true });
}

/** Temporary artifacts a write may leave: staging folders and temp files. */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((path) => /(^|\/)\.new-|\.tmp$/.test(path) && !path.startsWith("index/"));
}

const disk = mountSmallDisk();
if (disk.why) console.log(`faults: disk-full test skipped: ${disk.why}`);

test("a full disk loses no acknowledged event and leaves nothing behind", {
  timeout: 300_000,
  skip: disk.why ?? false,
}, async () => {
  const mount = disk.mount!;
  const dir = join(mount, ".crucible");
  try {
    const cru = open({ dir, plugins: [], userPlugins: false });
    const ids = [(await cru.newSession({ type: "agent", title: "full disk" })).id];
    // An owner runs while the disk fills, and writes its index to the same disk.
    const first = await runCru(["session", "search", WORD, "--json", "--dir", dir], { timeoutMs: 60_000 });
    assert.equal(first.code, 0, first.stderr);
    const acked: string[] = [];
    const failures: string[] = [];
    let n = 0;
    while (failures.length < 5) {
      const contents = Array.from({ length: 40 }, () => `${WORD} event ${n++} ${"lorem ipsum ".repeat(80)}`);
      try {
        await cru.append(ids[0], contents.map((content) => ({ role: "action" as const, content })));
        acked.push(...contents);
      } catch (error) {
        failures.push((error as Error).message);
        // Other writes on the full disk: a new session, a compaction.
        await cru.newSession({ type: "chat", title: "on a full disk" }).then(
          (s) => ids.push(s.id),
          (e: Error) => failures.push(e.message),
        );
      }
    }
    assert.match(failures[0], /ENOSPC|no space/i, "the disk did fill");
    const markdownKb = Math.round(folderBytes(join(dir, "sessions")) / 1024);
    const indexKb = Math.round(folderBytes(join(dir, "index")) / 1024);
    assert.deepEqual(leftovers(dir), [], "no staging folder or temp file is left on the full disk");
    // Commands on the full disk answer (from what the index holds) or fail in one line, quickly.
    const started = performance.now();
    const onFull = await runCru(["session", "search", WORD, "--json", "--dir", dir], { timeoutMs: 60_000 });
    const fullMs = Math.round(performance.now() - started);
    if (onFull.code !== 0) {
      assert.equal(onFull.code, 1);
      assert.equal(onFull.stderr.trim().split("\n").length, 1, `one line: ${onFull.stderr}`);
    }
    assert.ok(fullMs < 30_000, `search on a full disk came back in ${fullMs} ms`);
    // Every acknowledged event is there, whole, once.
    const events = (await cru.show(ids[0])).events.map((e) => e.content);
    assert.deepEqual(events, acked, "the log holds exactly the acknowledged events, whole, in order");
    // Space comes back (the index goes): search finds every acknowledged event.
    await killOwner(dir);
    rmSync(join(dir, "index"), { recursive: true, force: true });
    const after = await runCru(["session", "search", WORD, "--limit", "100000", "--json", "--dir", dir], {
      timeoutMs: 120_000,
    });
    assert.equal(after.code, 0, after.stderr);
    const total = (JSON.parse(after.stdout) as { total: number }).total;
    assert.equal(total, acked.length, "once there is space, search finds every acknowledged event");
    console.log(
      `disk full: ${markdownKb} KB of markdown beside ${indexKb} KB of index filled 5 MB; ` +
        `${acked.length} acknowledged events kept, 0 lost, ${leftovers(dir).length} leftovers; ` +
        `search on the full disk: exit ${onFull.code} in ${fullMs} ms${
          onFull.code ? ` (${onFull.stderr.trim()})` : ""
        }`,
    );
    await killOwner(dir);
  } finally {
    await killOwner(dir).catch(() => {});
    unmount(mount);
  }
});
