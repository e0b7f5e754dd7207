import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { SessionStore } from "./session_store.ts";
import { SESSION_LOCK_NAME, withSessionLock } from "./session_lock.ts";
import {
  ArchiveConflictError,
  type RenameFolder,
  SessionArchive,
  sessionFingerprint,
  TRASH_PREFIX,
} from "./session_archive.ts";
import { withTempDir } from "../../tests/_helpers/temp_dir.ts";

/** Every file under `dir` with its SHA-256, the lock file aside. */
function hashes(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.isFile()) files[relative(dir, path)] = "not a file";
      else if (!(folder === dir && entry.name === SESSION_LOCK_NAME)) {
        files[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
    }
  };
  walk(dir);
  return files;
}

/** A store with one session holding two logs and an artifact. */
async function storeWithSession(root: string): Promise<{ store: SessionStore; id: string; dir: string }> {
  const store = new SessionStore({ root: join(root, ".crucible"), now: () => new Date("2020-01-01T10:00:00Z") });
  const { id, dir } = store.create({ type: "agent", title: "Old work" });
  await store.append(id, [{ role: "thought", content: "plan" }]);
  writeFileSync(join(root, "plot.bin"), new Uint8Array([1, 2, 3, 0, 255]));
  await store.attach(id, join(root, "plot.bin"));
  await store.compact(id, "planned");
  await store.append(id, [{ role: "action", content: "done" }]);
  return { store, id, dir };
}

/** A rename that fails with EXDEV when moving from the sessions folder to the archive, as across filesystems. */
function crossDeviceRename(store: SessionStore, archive: string, calls: [string, string][] = []): RenameFolder {
  return (from, to) => {
    calls.push([from, to]);
    if (from.startsWith(store.sessionsDir) && to.startsWith(archive)) {
      throw Object.assign(new Error(`EXDEV: cross-device link not permitted, rename '${from}' -> '${to}'`), {
        code: "EXDEV",
      });
    }
    renameSync(from, to);
  };
}

test("move() renames a session folder onto <archive>/<id> on the same filesystem", () =>
  withTempDir(async (tmp) => {
    const { store, id, dir } = await storeWithSession(tmp);
    const before = hashes(dir);
    const archive = join(tmp, "archive", "nested");
    const result = await new SessionArchive(store).move(id, { archiveDir: archive });
    assert.equal(result.status, "archived");
    assert.ok(result.status === "archived" && !result.copied && !result.resumed);
    assert.deepEqual(hashes(join(archive, id)), before);
    assert.deepEqual(readdirSync(store.sessionsDir), [], "one rename: nothing to delete afterwards");
  }));

test("move() across filesystems (EXDEV) copies, fsyncs, verifies, then removes the source, keeping modes and times", () =>
  withTempDir(async (tmp) => {
    const { store, id, dir } = await storeWithSession(tmp);
    const archive = join(tmp, "archive");
    chmodSync(join(dir, "artifacts", "plot.bin"), 0o640);
    utimesSync(join(dir, "artifacts", "plot.bin"), new Date("2020-01-01T10:00:00Z"), new Date("2020-01-01T10:00:00Z"));
    const before = hashes(dir);
    const calls: [string, string][] = [];
    const mover = new SessionArchive(store, { rename: crossDeviceRename(store, archive, calls) });
    const result = await mover.move(id, { archiveDir: archive });
    assert.ok(result.status === "archived" && result.copied, JSON.stringify(result));
    assert.deepEqual(mover.settle(), []);
    assert.deepEqual(hashes(join(archive, id)), before);
    const copied = statSync(join(archive, id, "artifacts", "plot.bin"));
    assert.equal(copied.mode & 0o777, 0o640);
    assert.equal(copied.mtime.toISOString(), "2020-01-01T10:00:00.000Z");
    assert.deepEqual(readdirSync(archive), [id], "no .partial left");
    assert.deepEqual(readdirSync(store.sessionsDir), [], "source removed, no trash left");
    // The moves: the failed rename, the copy published from its hidden name, the source to the trash.
    assert.equal(calls.length, 3);
    assert.match(calls[1][0], new RegExp(`/archive/\\.${id}\\.[0-9a-f]{8}\\.partial$`));
    assert.equal(calls[1][1], join(archive, id));
    assert.match(calls[2][1], new RegExp(`/sessions/${TRASH_PREFIX}${id}-[0-9a-f]{8}$`));
  }));

test("move() without an archive takes the session out of sight at once by a rename; settle() deletes it", () =>
  withTempDir(async (tmp) => {
    const { store, id } = await storeWithSession(tmp);
    const calls: [string, string][] = [];
    const rename: RenameFolder = (from, to) => {
      calls.push([from, to]);
      renameSync(from, to);
    };
    const mover = new SessionArchive(store, { rename });
    const result = await mover.move(id);
    assert.equal(result.status, "removed");
    assert.ok(result.status === "removed" && result.bytes > 0);
    assert.deepEqual(calls.map(([from, to]) => [from, to.replace(/-[0-9a-f]{8}$/, "")]), [
      [store.sessionDir(id), join(store.sessionsDir, `${TRASH_PREFIX}${id}`)],
    ]);
    assert.deepEqual(store.ids(), [], "no longer a session");
    assert.deepEqual(readdirSync(store.sessionsDir), [calls[0][1].slice(store.sessionsDir.length + 1)]);
    assert.deepEqual(mover.settle(), []);
    assert.deepEqual(readdirSync(store.sessionsDir), []);
    assert.equal((await new SessionArchive(store).move(id)).status, "gone");
  }));

test("move() keeps a session whose logs changed since it was judged", () =>
  withTempDir(async (tmp) => {
    const { store, id, dir } = await storeWithSession(tmp);
    const judged = sessionFingerprint(dir);
    await store.append(id, [{ role: "result", content: "one more" }]);
    const result = await new SessionArchive(store).move(id, { archiveDir: join(tmp, "archive"), expect: judged });
    assert.equal(result.status, "changed");
    assert.ok(existsSync(dir));
    assert.ok(!existsSync(join(tmp, "archive", id)));
    const moved = await new SessionArchive(store).move(id, { expect: sessionFingerprint(dir) });
    assert.equal(moved.status, "removed", "judged again, it goes");
  }));

test("move() waits for the session's lock, and a writer holding it keeps the session in place", () =>
  withTempDir(async (tmp) => {
    const { store, id, dir } = await storeWithSession(tmp);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const taken = new Promise<void>((resolve) => (locked = resolve));
    const writer = withSessionLock(dir, { exclusive: true, timeoutMs: 1000, what: "test" }, async () => {
      locked();
      await held;
    });
    await taken;
    const archive = new SessionArchive(store, { lockTimeoutMs: 100 });
    await assert.rejects(archive.move(id, { archiveDir: join(tmp, "archive") }), { code: "wait_timeout" });
    assert.ok(existsSync(dir));
    release();
    await writer;
    assert.equal((await archive.move(id, { archiveDir: join(tmp, "archive") })).status, "archived");
  }));

test("move() never overwrites a differing archive entry, and finishes over an identical one", () =>
  withTempDir(async (tmp) => {
    const { store, id, dir } = await storeWithSession(tmp);
    const archive = join(tmp, "archive");
    const before = hashes(dir);
    mkdirSync(join(archive, id), { recursive: true });
    writeFileSync(join(archive, id, "other.md"), "not this session");
    for (const rename of [renameSync, crossDeviceRename(store, archive)]) {
      await assert.rejects(
        new SessionArchive(store, { rename }).move(id, { archiveDir: archive }),
        (error: unknown) => error instanceof ArchiveConflictError && error.message.includes("not overwritten"),
      );
      assert.deepEqual(hashes(dir), before, "session kept whole");
      assert.deepEqual(readdirSync(join(archive, id)), ["other.md"], "archive entry untouched");
      assert.deepEqual(readdirSync(archive), [id], "no .partial left");
    }
    // An identical complete copy (a run interrupted after its copy): the move finishes by removing the source.
    execFileSync("rm", ["-r", join(archive, id)]);
    execFileSync("cp", ["-a", dir, join(archive, id)]);
    const mover = new SessionArchive(store);
    const result = await mover.move(id, { archiveDir: archive });
    assert.ok(result.status === "archived" && result.resumed, JSON.stringify(result));
    assert.deepEqual(hashes(join(archive, id)), before);
    assert.deepEqual(store.ids(), []);
    mover.settle();
    assert.deepEqual(readdirSync(store.sessionsDir), []);
  }));

test("a copy that fails part way leaves the session in place and no .partial behind", () =>
  withTempDir(async (tmp) => {
    const { store, id, dir } = await storeWithSession(tmp);
    const archive = join(tmp, "archive");
    execFileSync("mkfifo", [join(dir, "artifacts", "pipe")]);
    const before = hashes(dir);
    await assert.rejects(
      new SessionArchive(store, { rename: crossDeviceRename(store, archive) }).move(id, { archiveDir: archive }),
      /cannot archive .*pipe.*not a file, folder or link/,
    );
    assert.deepEqual(hashes(dir), before);
    assert.deepEqual(readdirSync(archive), []);
  }));

test("recover() clears .partial copies and .trash- folders, and finishes sessions whose identical archive is complete", () =>
  withTempDir(async (tmp) => {
    const archive = join(tmp, "archive");
    const { store, id: finished, dir: finishedDir } = await storeWithSession(tmp);
    const halfCopied = store.create({ type: "chat", id: "chat-half-copied" });
    const differs = store.create({ type: "chat", id: "chat-archive-differs" });
    const untouched = store.create({ type: "chat", id: "chat-untouched" });
    mkdirSync(archive);
    // A complete copy of `finished` whose source was not yet removed.
    execFileSync("cp", ["-a", finishedDir, join(archive, finished)]);
    // A copy cut short, of a session still in place, and one whose session is gone.
    mkdirSync(join(archive, ".chat-half-copied.0a1b2c3d.partial", "artifacts"), { recursive: true });
    writeFileSync(join(archive, ".chat-half-copied.0a1b2c3d.partial", "2020-01-01-1000.md"), "---\nsess");
    mkdirSync(join(archive, ".chat-gone.99999999.partial"));
    // An archive entry that is not this session's content.
    mkdirSync(join(archive, differs.id));
    writeFileSync(join(archive, differs.id, "x.md"), "x");
    // A session half deleted.
    mkdirSync(join(store.sessionsDir, `${TRASH_PREFIX}chat-old-12345678`, "artifacts"), { recursive: true });
    const finishedHashes = hashes(finishedDir);

    const mover = new SessionArchive(store);
    const result = await mover.recover(archive);
    assert.deepEqual(mover.settle(), []);

    assert.deepEqual(result.finished.map((f) => [f.id, f.to]), [[finished, join(archive, finished)]]);
    assert.ok(result.finished[0].bytes > 0);
    assert.deepEqual(result.cleared.map((p) => relative(tmp, p)).sort(), [
      ".crucible/sessions/.trash-chat-old-12345678",
      "archive/.chat-gone.99999999.partial",
      "archive/.chat-half-copied.0a1b2c3d.partial",
    ]);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(store.ids(), [differs.id, halfCopied.id, untouched.id].sort());
    assert.deepEqual(readdirSync(store.sessionsDir).sort(), [differs.id, halfCopied.id, untouched.id].sort());
    assert.deepEqual(readdirSync(archive).sort(), [differs.id, finished].sort());
    assert.deepEqual(hashes(join(archive, finished)), finishedHashes);
    assert.deepEqual(new SessionArchive(store).unfinished(archive), []);
  }));

test("recover() keeps a .partial whose session another run holds locked (it is copying it)", () =>
  withTempDir(async (tmp) => {
    const { store, id, dir } = await storeWithSession(tmp);
    const archive = join(tmp, "archive");
    const partial = join(archive, `.${id}.0a1b2c3d.partial`);
    mkdirSync(partial, { recursive: true });
    await withSessionLock(dir, { exclusive: true, timeoutMs: 1000, what: "test" }, async () => {
      const result = await new SessionArchive(store, { lockTimeoutMs: 50 }).recover(archive);
      assert.deepEqual(result.cleared, []);
      assert.match(result.warnings.join("\n"), /kept .*\.partial for now/);
    });
    assert.ok(existsSync(partial));
    assert.deepEqual((await new SessionArchive(store).recover(archive)).cleared, [partial]);
  }));
