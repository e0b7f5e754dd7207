import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruCommand, cruJson, runCru } from "./_helpers/run_cru.ts";
import { SessionStore } from "../src/store/session_store.ts";
import { type CleanupCandidate, cleanupSessions } from "../src/core/cleanup.ts";
import { SESSION_LOCK_NAME } from "../src/store/session_lock.ts";
import { TRASH_PREFIX } from "../src/store/session_archive.ts";

const DAY_MS = 86_400_000;
const OLD = "2020-03-01T09:00:00Z";

/** Every file under `dir` by relative path, with its SHA-256 (the lock file is runtime state, not content). */
function treeHashes(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!(folder === dir && entry.name === SESSION_LOCK_NAME)) {
        files[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
    }
  };
  walk(dir);
  return files;
}

/** Every file under `dir` with its bytes, lock files included: proof that nothing at all changed. */
function everything(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        files[`${relative(dir, path)}/`] = "";
        walk(path);
      } else files[relative(dir, path)] = readFileSync(path, "base64");
    }
  };
  walk(dir);
  return files;
}

interface SeedOptions {
  /** When the session started (its first event). */
  started: string;
  /** Its newest event's time; null for a session with no events at all. */
  last: string | null;
  /** An artifact of these bytes, attached at `last`. */
  artifact?: Uint8Array;
  /** Also a continuation log (the session is the folder: all its logs). */
  continued?: boolean;
  /** This many more events between the first and the last (a longer log to read). */
  filler?: number;
}

/** Writes a session whose events carry the given times, as an import would. */
async function seedSession(root: string, options: SeedOptions): Promise<string> {
  const store = new SessionStore({ root, now: () => new Date(options.last ?? options.started) });
  const { id } = store.create({ type: "chat", title: "Seeded", started: options.started });
  if (options.last === null) return id;
  await store.appendTimed(id, [{ role: "user", content: "What did we decide?", at: options.started }]);
  if (options.filler) {
    const filler = Array.from({ length: options.filler }, (_, n) => ({
      role: "assistant" as const,
      content: `Step ${n}: ${"lorem ipsum ".repeat(20)}`,
      at: options.started,
    }));
    await store.appendTimed(id, filler);
  }
  if (options.continued) await store.compact(id, "The first part.");
  await store.appendTimed(id, [{ role: "assistant", content: "We chose markdown.", at: options.last }]);
  if (options.artifact) {
    const file = join(root, `artifact-${id}.bin`);
    writeFileSync(file, options.artifact);
    await store.attach(id, file, "data.bin");
    rmSync(file);
  }
  return id;
}

function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A folder on another filesystem than `near` (tmpfs /dev/shm here), or a reason there is none. */
function otherFilesystem(near: string): { dir: string } | { skip: string } {
  if (!existsSync("/dev/shm")) return { skip: "no /dev/shm on this machine" };
  if (statSync("/dev/shm").dev === statSync(near).dev) {
    return { skip: "/dev/shm is on the same filesystem as the temp dir" };
  }
  try {
    return { dir: mkdtempSync("/dev/shm/cru-cleanup-test-") };
  } catch (error) {
    return { skip: `cannot write to /dev/shm: ${(error as Error).message}` };
  }
}

test("cleanup keeps a session started long ago but still active, and removes one idle longer than AGE", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const active = await seedSession(root, { started: OLD, last: hoursAgo(2), continued: true });
    const idle = await seedSession(root, { started: OLD, last: "2020-03-02T10:00:00Z", continued: true });
    const edge = await seedSession(root, { started: OLD, last: hoursAgo(24 * 29) });
    // No events: the log's modification time is its last activity.
    const quietOld = await seedSession(root, { started: OLD, last: null });
    const quietNew = await seedSession(root, { started: OLD, last: null });
    const store = new SessionStore({ root });
    const quietLog = store.logFiles(quietOld)[0];
    utimesSync(quietLog, new Date(Date.now() - 40 * DAY_MS), new Date(Date.now() - 40 * DAY_MS));

    const report = await cleanupSessions(store, { olderThanMs: 30 * DAY_MS });

    assert.deepEqual(report.sessions.sort(), [idle, quietOld].sort());
    assert.equal(report.matched, 2);
    assert.equal(report.removed, 2);
    assert.equal(report.archived, 0);
    assert.equal(report.dry_run, false);
    assert.ok(report.bytes > 0);
    assert.deepEqual(store.ids(), [active, edge, quietNew].sort());
    assert.deepEqual(readdirSync(store.sessionsDir).sort(), [active, edge, quietNew].sort(), "no trash left behind");
    assert.equal((await store.read(active)).events.length, 2, "the active session is untouched");
  }));

test("cru session cleanup --archive moves every log and artifact byte for byte; a second run finds nothing", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const archive = join(tmp, "archive");
    const old = [
      await seedSession(root, { started: OLD, last: "2020-03-05T12:00:00Z", artifact: randomBytes(300_000) }),
      await seedSession(root, { started: OLD, last: "2021-01-01T00:00:00Z", continued: true }),
      await seedSession(root, {
        started: OLD,
        last: "2022-06-01T00:00:00Z",
        artifact: new Uint8Array([0, 255, 13, 10]),
      }),
    ];
    const kept = await seedSession(root, { started: OLD, last: hoursAgo(1) });
    const sessions = join(root, "sessions");
    const before = Object.fromEntries(old.map((id) => [id, treeHashes(join(sessions, id))]));
    const mtimes = old.map((id) =>
      statSync(join(sessions, id, readdirSync(join(sessions, id)).find((n) => n.endsWith(".md"))!)).mtimeMs
    );

    const report = await cruJson<Record<string, unknown>>([
      "session",
      "cleanup",
      "--older-than",
      "90d",
      "--archive",
      archive,
      "--dir",
      root,
    ]);

    for (const key of ["matched", "removed", "archived", "bytes", "dry_run", "sessions"]) assert.ok(key in report, key);
    assert.equal(report.matched, 3);
    assert.equal(report.archived, 3);
    assert.equal(report.removed, 0);
    assert.equal(report.dry_run, false);
    assert.deepEqual(report.sessions, [...old].sort(), "in id order");
    const bytes = old.reduce((sum, id) => sum + folderSize(join(archive, id)), 0);
    assert.equal(report.bytes, bytes);
    for (const id of old) {
      assert.deepEqual(treeHashes(join(archive, id)), before[id], `${id} archived intact`);
      assert.ok(!existsSync(join(sessions, id)), `${id} left the store`);
    }
    assert.ok(Object.keys(before[old[0]]).includes(join("artifacts", "data.bin")));
    assert.equal(Object.keys(before[old[1]]).filter((f) => f.endsWith(".md")).length, 2, "both logs");
    const firstLog = readdirSync(join(archive, old[0])).find((n) => n.endsWith(".md"))!;
    assert.equal(statSync(join(archive, old[0], firstLog)).mtimeMs, mtimes[0], "same filesystem: renamed, times kept");
    assert.deepEqual(readdirSync(sessions), [kept]);

    const again = await cruJson<Record<string, unknown>>([
      "session",
      "cleanup",
      "--older-than",
      "90d",
      "--archive",
      archive,
      "--dir",
      root,
    ]);
    assert.equal(again.matched, 0);
    assert.deepEqual(again.sessions, []);
    const text = await runCru(["session", "cleanup", "--older-than", "90d", "--dir", root], {
      env: { NO_COLOR: undefined },
    });
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, "nothing to clean up: no session's last activity is older than 90d\n");
  }));

function folderSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderSize(path) : statSync(path).size;
  }
  return total;
}

test("cru session cleanup --dry-run changes nothing and reports what it would do", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const archive = join(tmp, "archive");
    const old = await seedSession(root, { started: OLD, last: "2020-03-05T12:00:00Z", artifact: randomBytes(1000) });
    const active = await seedSession(root, { started: OLD, last: hoursAgo(1) });
    const before = everything(tmp);

    for (const extra of [["--archive", archive], []]) {
      const report = await cruJson<Record<string, unknown>>([
        "session",
        "cleanup",
        "--older-than",
        "30d",
        "--dry-run",
        ...extra,
        "--dir",
        root,
      ]);
      assert.equal(report.dry_run, true);
      assert.equal(report.matched, 1);
      // What would be done is said in fields that say so; nothing was removed or archived.
      assert.deepEqual([report.removed, report.archived, report.bytes, report.sessions], [0, 0, 0, []]);
      assert.deepEqual(report.would_sessions, [old]);
      assert.equal(report.would_bytes, folderSize(join(root, "sessions", old)));
      assert.equal(report[extra.length ? "would_archive" : "would_remove"], 1);
      assert.equal(report[extra.length ? "would_remove" : "would_archive"], 0);
      assert.deepEqual(everything(tmp), before, "nothing changed on disk");
    }
    // Plain text for people, without colour when stdout is not a terminal, even without NO_COLOR.
    const text = await runCru([
      "session",
      "cleanup",
      "--older-than",
      "30d",
      "--dry-run",
      "--archive",
      archive,
      "--dir",
      root,
    ], {
      env: { NO_COLOR: undefined },
    });
    assert.equal(text.code, 0, text.stderr);
    assert.ok(!text.stdout.includes("\x1b["), "no colour codes");
    assert.match(
      text.stdout,
      new RegExp(`^dry run: would archive 1 session \\([\\d.]+ kB\\) to ${archive}\\n  ${old}\\n$`),
    );
    assert.deepEqual(everything(tmp), before);
    assert.ok(existsSync(join(root, "sessions", active)));
  }));

test("a cleanup hook can veto a session, which is kept and reported; the after-hook learns where the rest went", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const archive = join(tmp, "archive");
    const keep = await seedSession(root, { started: "2020-03-01T09:00:00Z", last: "2020-04-01T00:00:00Z" });
    const go = await seedSession(root, { started: "2020-03-02T09:00:00Z", last: "2020-04-02T00:00:00Z" });
    const store = new SessionStore({ root });
    const asked: [string, string, string][] = [];
    const told: [string, string, string | undefined][] = [];
    const report = await cleanupSessions(store, { olderThanMs: 30 * DAY_MS, archiveDir: archive }, {
      beforeRemove: (session: CleanupCandidate, action) => {
        asked.push([session.id, action, session.lastActivity]);
        return Promise.resolve(session.id !== keep);
      },
      afterRemove: (session, action, archivedTo) => {
        told.push([session.id, action, archivedTo]);
        return Promise.resolve();
      },
    });
    assert.deepEqual(asked, [[keep, "archive", "2020-04-01T00:00:00Z"], [go, "archive", "2020-04-02T00:00:00Z"]]);
    assert.deepEqual(told, [[go, "archive", join(archive, go)]]);
    assert.deepEqual(report.vetoed, [keep]);
    assert.deepEqual(report.sessions, [go]);
    assert.equal(report.matched, 2);
    assert.equal(report.archived, 1);
    assert.deepEqual(store.ids(), [keep]);

    // A hook that throws keeps the session too, reported as a failure; the after-hook's error is a warning.
    const failing = await cleanupSessions(store, { olderThanMs: 30 * DAY_MS }, {
      beforeRemove: () => Promise.reject(new Error("plugin broke")),
    });
    assert.deepEqual(failing.failed, [{ id: keep, message: "kept: the before-cleanup hook failed: plugin broke" }]);
    assert.deepEqual(store.ids(), [keep]);
    const warned = await cleanupSessions(store, { olderThanMs: 30 * DAY_MS }, {
      afterRemove: () => Promise.reject(new Error("too late")),
    });
    assert.deepEqual(warned.sessions, [keep]);
    assert.match(warned.warnings.join("\n"), /after-cleanup hook failed for .*too late/);
  }));

test("cru session cleanup --archive to another filesystem (/dev/shm) copies, verifies, then removes the source", async (t) => {
  await withTempDir(async (tmp) => {
    const other = otherFilesystem(tmp);
    if ("skip" in other) return void t.skip(other.skip);
    try {
      const root = join(tmp, ".crucible");
      const archive = join(other.dir, "archive");
      const ids = [
        await seedSession(root, { started: OLD, last: "2020-03-05T12:00:00Z", artifact: randomBytes(2_500_000) }),
        await seedSession(root, { started: OLD, last: "2020-05-05T12:00:00Z", continued: true }),
      ];
      const before = Object.fromEntries(ids.map((id) => [id, treeHashes(join(root, "sessions", id))]));
      const report = await cruJson<{ archived: number; sessions: string[] }>([
        "session",
        "cleanup",
        "--older-than",
        "1w",
        "--archive",
        archive,
        "--dir",
        root,
      ]);
      assert.equal(report.archived, 2);
      for (const id of ids) {
        assert.notEqual(statSync(join(archive, id)).dev, statSync(tmp).dev, "really another filesystem");
        assert.deepEqual(treeHashes(join(archive, id)), before[id], `${id} archived intact`);
      }
      assert.deepEqual(readdirSync(archive).sort(), [...ids].sort(), "no .partial copy left");
      assert.deepEqual(readdirSync(join(root, "sessions")), [], "sources removed, no trash left");
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });
});

test("an existing archive entry is never overwritten: that session is reported and kept, the others go on, exit 1", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const archive = join(tmp, "archive");
    const clash = await seedSession(root, { started: OLD, last: "2020-03-05T12:00:00Z" });
    const fine = await seedSession(root, { started: OLD, last: "2020-03-06T12:00:00Z" });
    mkdirSync(join(archive, clash), { recursive: true });
    writeFileSync(join(archive, clash, "notes.md"), "someone else's");
    const before = treeHashes(join(root, "sessions", clash));

    const run = await runCru(["session", "cleanup", "--older-than", "30d", "--archive", archive, "--dir", root]);

    assert.equal(run.code, 1, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(
      lines[0],
      new RegExp(
        `^cru: cleanup incomplete: archived 1 of 2 old sessions; 1 failed and were kept: ${clash}: archive entry ".*${clash}" exists and differs`,
      ),
    );
    assert.deepEqual(treeHashes(join(archive, clash)), {
      "notes.md": createHash("sha256").update("someone else's").digest("hex"),
    });
    assert.deepEqual(treeHashes(join(root, "sessions", clash)), before, "kept whole");
    assert.ok(existsSync(join(archive, fine)), "the other session was archived");
    // A CI job with --json still gets the report of what was done, failures included.
    const json = await runCru([
      "session",
      "cleanup",
      "--older-than",
      "30d",
      "--archive",
      archive,
      "--json",
      "--dir",
      root,
    ]);
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(report.failed.map((f: { id: string }) => f.id), [clash]);
    assert.equal(report.archived, 0);
    assert.equal(report.dry_run, false);
    const dry = await runCru([
      "session",
      "cleanup",
      "--older-than",
      "30d",
      "--archive",
      archive,
      "--dry-run",
      "--dir",
      root,
    ]);
    assert.equal(dry.code, 1, "a dry run foresees the same failure");
    assert.match(dry.stderr, /would not be overwritten/);
    // Text, JSON and exit code tell one story: what was (or would be) done, and what was kept and why.
    assert.match(
      run.stdout,
      new RegExp(
        `^archived 1 session \\([^)]*\\) to ${archive}\\n  ${fine}\\nkept 1 session that could not be archived:\\n  ${clash}: archive entry`,
      ),
    );
    assert.match(
      dry.stderr,
      /^cru: dry run: cleanup would be incomplete: would archive 0 of 1 old sessions; 1 would fail/,
    );
    assert.match(dry.stdout, new RegExp(`^dry run: would keep 1 session that could not be archived:\\n  ${clash}: `));
    const dryJson = await runCru([
      "session",
      "cleanup",
      "--older-than",
      "30d",
      "--archive",
      archive,
      "--dry-run",
      "--json",
      "--dir",
      root,
    ]);
    assert.equal(dryJson.code, 1);
    const dryReport = JSON.parse(dryJson.stdout);
    assert.deepEqual(
      [dryReport.archived, dryReport.would_archive, dryReport.failed.length, dryReport.dry_run],
      [0, 0, 1, true],
    );
  }));

test("cru session cleanup rejects a bad AGE or archive folder with exit 2, naming it", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    await seedSession(root, { started: OLD, last: "2020-03-05T12:00:00Z" });
    const before = everything(tmp);
    const cases: [string[], RegExp][] = [
      [["--older-than", "x"], /^cru: invalid --older-than "x": expected an age like 30d, 12h, 2w or 90d$/],
      [["--older-than", "90"], /^cru: invalid --older-than "90": expected /],
      [["--older-than", "-3d"], /^cru: invalid --older-than "-3d": expected /],
      [[], /--older-than/],
      [
        ["--older-than", "1d", "--archive", join(root, "sessions", "old-ones")],
        /^cru: invalid --archive ".*old-ones": expected a folder outside /,
      ],
      [["--older-than", "1d", "--archive", join(root, "sessions")], /^cru: invalid --archive/],
    ];
    for (const [args, pattern] of cases) {
      const run = await runCru(["session", "cleanup", ...args, "--dir", root]);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.equal(run.stdout, "");
      assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
      assert.match(run.stderr.trimEnd(), pattern);
    }
    assert.deepEqual(everything(tmp), before, "nothing changed");
  }));

test("cleanup killed with kill -9 at random moments never loses or duplicates a session; the next run finishes", {
  timeout: 180_000,
}, async (t) => {
  const RUNS = 20;
  const SESSIONS = 30;
  await withTempDir(async (tmp) => {
    const other = otherFilesystem(tmp);
    if ("skip" in other) t.diagnostic(`cross-filesystem runs skipped: ${other.skip}`);
    try {
      const [command, ...prefix] = cruCommand();
      /**
       * Runs a cleanup; with `kill`, kills it (SIGKILL) after that many ms, or once that many sessions
       * have appeared in the archive (then after 0-3 ms more). Resolves with how it ended and when.
       */
      const cleanup = (root: string, archive: string, kill?: { afterMs: number } | { archived: number }) =>
        new Promise<{ code: number | null; ms: number; stderr: string }>((resolve, reject) => {
          const started = performance.now();
          const args = ["session", "cleanup", "--older-than", "30d", "--archive", archive, "--dir", root, "--json"];
          const child = spawn(command, [...prefix, ...args], {
            stdio: ["ignore", "ignore", "pipe"],
            env: { ...process.env, NO_COLOR: "1" },
          });
          let stderr = "";
          child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
          const killNow = () => child.kill("SIGKILL");
          let timer: ReturnType<typeof setTimeout> | undefined;
          let watch: ReturnType<typeof setInterval> | undefined;
          if (kill && "afterMs" in kill) timer = setTimeout(killNow, kill.afterMs);
          if (kill && "archived" in kill) {
            watch = setInterval(() => {
              const done = existsSync(archive) ? readdirSync(archive).filter((name) => !name.startsWith(".")) : [];
              if (done.length < kill.archived) return;
              clearInterval(watch);
              timer = setTimeout(killNow, Math.random() * 3);
            }, 1);
          }
          child.on("error", reject);
          child.on("close", (code) => {
            clearTimeout(timer);
            clearInterval(watch);
            resolve({ code, ms: performance.now() - started, stderr });
          });
        });
      const seedStore = async (root: string) => {
        const ids: string[] = [];
        for (let n = 0; n < SESSIONS; n++) {
          const artifact = randomBytes(100_000 + n * 10_000);
          ids.push(await seedSession(root, { started: OLD, last: "2020-06-01T00:00:00Z", artifact, filler: 300 }));
        }
        return new Map(ids.map((id) => [id, treeHashes(join(root, "sessions", id))]));
      };
      const archiveBase = (
        n: number,
      ) => ("dir" in other && n % 2 === 1 ? join(other.dir, `run-${n}`) : join(tmp, `run-${n}`));

      // How long a whole run takes, and how long cru takes to start: kills land between the two.
      const calibration: Record<string, { startMs: number; totalMs: number }> = {};
      for (const kind of [0, 1]) {
        const base = join(tmp, `calibrate-${kind}`);
        await seedStore(join(base, ".crucible"));
        const archive = "dir" in other && kind === 1 ? join(other.dir, "calibrate") : join(base, "archive");
        // Start-up varies from run to run: the fastest of three.
        const starts = [];
        for (let i = 0; i < 3; i++) starts.push((await cleanup(join(base, "empty"), archive)).ms);
        const full = await cleanup(join(base, ".crucible"), archive);
        assert.equal(full.code, 0, full.stderr);
        calibration[kind] = { startMs: Math.min(...starts), totalMs: full.ms };
      }
      t.diagnostic(`calibration (ms): ${JSON.stringify(calibration)}`);

      let interrupted = 0;
      /** Runs whose kill left a state only the next run's recovery can tidy: for the record. */
      const seen = { partial: 0, trash: 0, both: 0 };
      for (let n = 0; n < RUNS; n++) {
        const base = join(tmp, `run-${n}`);
        const root = join(base, ".crucible");
        const archive = join(archiveBase(n), "archive");
        const sessions = join(root, "sessions");
        const originals = await seedStore(root);
        // Half the kills at a random time, half once a random number of sessions is archived.
        const { startMs, totalMs } = calibration[n % 2];
        const kill = n % 4 < 2
          ? { afterMs: startMs * 0.7 + Math.random() * (totalMs - startMs * 0.7) }
          : { archived: 1 + Math.floor(Math.random() * (SESSIONS - 1)) };
        const killed = await cleanup(root, archive, kill);

        // Every session is fully in one place (in the store, or archived), both only in the instant
        // between a copy's completion and the source's removal; nothing half-there is visible.
        let archivedSoFar = 0;
        for (const [id, hashes] of originals) {
          const here = existsSync(join(sessions, id)) ? treeHashes(join(sessions, id)) : undefined;
          const there = existsSync(join(archive, id)) ? treeHashes(join(archive, id)) : undefined;
          assert.ok(here !== undefined || there !== undefined, `run ${n}: ${id} lost (kill ${JSON.stringify(kill)})`);
          if (here !== undefined) assert.deepEqual(here, hashes, `run ${n}: ${id} in place but not whole`);
          if (there !== undefined) assert.deepEqual(there, hashes, `run ${n}: ${id} archived but not whole`);
          if (there !== undefined && here === undefined) archivedSoFar++;
        }
        assert.deepEqual(
          new SessionStore({ root }).ids(),
          [...originals.keys()].filter((id) => existsSync(join(sessions, id))).sort(),
          `run ${n}: the store shows exactly the sessions in place`,
        );
        const inBoth = [...originals.keys()].some((id) =>
          existsSync(join(sessions, id)) && existsSync(join(archive, id))
        );
        const partial = existsSync(archive) && readdirSync(archive).some((name) => name.endsWith(".partial"));
        const trash = readdirSync(sessions).some((name) => name.startsWith(TRASH_PREFIX));
        seen.both += Number(inBoth);
        seen.partial += Number(partial);
        seen.trash += Number(trash);
        const partWay = archivedSoFar > 0 && archivedSoFar < SESSIONS;
        if (killed.code === null && (partWay || inBoth || partial || trash)) interrupted++;

        const finish = await cleanup(root, archive);
        assert.equal(finish.code, 0, `run ${n}: the next run finishes: ${finish.stderr}`);
        assert.deepEqual(readdirSync(sessions), [], `run ${n}: nothing left in the store, no trash`);
        assert.deepEqual(
          readdirSync(archive).sort(),
          [...originals.keys()].sort(),
          `run ${n}: each archived once, no .partial`,
        );
        for (const [id, hashes] of originals) {
          assert.deepEqual(treeHashes(join(archive, id)), hashes, `run ${n}: ${id}`);
        }
        rmSync(base, { recursive: true, force: true });
        rmSync(archiveBase(n), { recursive: true, force: true });
      }
      t.diagnostic(`${interrupted} of ${RUNS} runs were killed part way through their work`);
      t.diagnostic(
        `kills left a .partial copy ${seen.partial} times, .trash- folders ${seen.trash} times, a session in both places ${seen.both} times`,
      );
      assert.ok(interrupted >= RUNS * 0.4, `kills should land mid-run often enough to mean something (${interrupted})`);
    } finally {
      if ("dir" in other) rmSync(other.dir, { recursive: true, force: true });
    }
  });
});

test("sessions folder leftovers: a .trash- folder is not a session and the next cleanup deletes it", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const id = await seedSession(root, { started: OLD, last: hoursAgo(1) });
    const trash = join(root, "sessions", `${TRASH_PREFIX}chat-gone-1234abcd`);
    mkdirSync(join(trash, "artifacts"), { recursive: true });
    writeFileSync(join(trash, "2020-01-01-0000.md"), "half deleted");
    assert.deepEqual(new SessionStore({ root }).ids(), [id]);
    const report = await cruJson<{ matched: number }>(["session", "cleanup", "--older-than", "30d", "--dir", root]);
    assert.equal(report.matched, 0);
    assert.deepEqual(readdirSync(join(root, "sessions")), [id]);
  }));

test("a session written to after it was judged old is judged again under its lock, and kept", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const id = await seedSession(root, { started: OLD, last: "2020-03-05T12:00:00Z" });
    const store = new SessionStore({ root });
    const report = await cleanupSessions(store, { olderThanMs: 30 * DAY_MS, archiveDir: join(tmp, "archive") }, {
      // A writer gets in between the judging and the move.
      beforeRemove: async (candidate) => {
        await new SessionStore({ root }).append(candidate.id, [{ role: "user", content: "back again" }]);
        return true;
      },
    });
    assert.equal(report.matched, 0);
    assert.deepEqual(report.sessions, []);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(store.ids(), [id]);
    assert.equal((await store.read(id)).events.at(-1)?.content, "back again");
    assert.ok(!existsSync(join(tmp, "archive", id)));
  }));

test("a complete archived copy of a session still in place (a run killed before removing it) is finished next run", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const archive = join(tmp, "archive");
    const id = await seedSession(root, { started: OLD, last: "2020-03-05T12:00:00Z", artifact: randomBytes(5000) });
    const store = new SessionStore({ root });
    const before = treeHashes(store.sessionDir(id));
    mkdirSync(archive);
    execFileSync("cp", ["-a", store.sessionDir(id), join(archive, id)]);

    const dry = await cleanupSessions(store, { olderThanMs: 1000 * DAY_MS * 365, archiveDir: archive, dryRun: true });
    assert.deepEqual(
      [dry.recovered, dry.would_sessions, dry.would_archive, dry.archived],
      [[id], [id], 1, 0],
      "a dry run says it would finish it",
    );
    assert.ok(existsSync(store.sessionDir(id)));

    const told: [string, string, string | undefined][] = [];
    // Whatever the age given now: the earlier run had judged it, and nothing was written since.
    const report = await cleanupSessions(store, { olderThanMs: 1000 * DAY_MS * 365, archiveDir: archive }, {
      beforeRemove: () => Promise.reject(new Error("not asked again")),
      afterRemove: (candidate, action, to) => {
        told.push([candidate.lastActivity, action, to]);
        return Promise.resolve();
      },
    });
    assert.deepEqual(report.recovered, [id]);
    assert.deepEqual(report.sessions, [id]);
    assert.equal(report.archived, 1);
    assert.deepEqual(told, [["2020-03-05T12:00:00Z", "archive", join(archive, id)]]);
    assert.deepEqual(readdirSync(store.sessionsDir), []);
    assert.deepEqual(treeHashes(join(archive, id)), before);
  }));
