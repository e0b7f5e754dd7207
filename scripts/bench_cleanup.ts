/**
 * Benchmark: sessions archived per second by cleanup, beside `mv` of the same
 * folders, measured in the same run on identical copies of one seeded store.
 *
 *   bun scripts/bench_cleanup.ts [--sessions 1000] [--events 20] [--artifact-bytes 4096]
 *   deno run -A scripts/bench_cleanup.ts
 *
 * Rows: cru archiving on the same filesystem (one rename per session) and `mv`
 * of all the folders in one call; the same across filesystems when /dev/shm is
 * another one (cru copies, fsyncs and verifies; mv copies without fsync); cru
 * deleting beside `rm -rf`; and a dry run, which is the judging alone (every log
 * of every session read and parsed). cru's rows include that judging.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupSessions } from "../src/core/cleanup.ts";
import { folderBytes } from "../src/store/session_archive.ts";
import { SessionStore } from "../src/store/session_store.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SESSIONS = option("--sessions", 1000);
const EVENTS = option("--events", 20);
const ARTIFACT_BYTES = option("--artifact-bytes", 4096);
const OLDER_THAN_MS = 30 * 86_400_000;

const work = mkdtempSync(join(tmpdir(), "cru-bench-cleanup-"));
const shm = existsSync("/dev/shm") && statSync("/dev/shm").dev !== statSync(work).dev
  ? mkdtempSync("/dev/shm/cru-bench-cleanup-")
  : undefined;
try {
  const seed = join(work, "seed", ".crucible");
  const seedBytes = await seedStore(seed);
  /** A fresh copy of the seeded store (cp -a keeps times: the sessions stay old). */
  const copyOfSeed = (name: string) => {
    const root = join(work, name, ".crucible");
    mkdirSync(join(work, name));
    execFileSync("cp", ["-a", seed, root]);
    return root;
  };
  const time = async (run: () => unknown | Promise<unknown>) => {
    const start = performance.now();
    await run();
    return (performance.now() - start) / 1000;
  };
  const rows: [string, number][] = [];

  const dry = copyOfSeed("dry");
  rows.push(["cru cleanup --dry-run (judging only)", await time(() => check(dry, { dryRun: true }))]);

  const cruSame = copyOfSeed("cru-same");
  rows.push(["cru cleanup --archive, same fs", await time(() => check(cruSame, { archiveDir: join(work, "a1") }))]);
  const mvSame = copyOfSeed("mv-same");
  rows.push(["mv <folders> <archive>, same fs", await time(() => mvAll(mvSame, join(work, "a2")))]);

  if (shm) {
    const cruOther = copyOfSeed("cru-other");
    rows.push([
      "cru cleanup --archive, to /dev/shm",
      await time(() => check(cruOther, { archiveDir: join(shm, "a3") })),
    ]);
    const mvOther = copyOfSeed("mv-other");
    rows.push(["mv <folders> <archive>, to /dev/shm", await time(() => mvAll(mvOther, join(shm, "a4")))]);
  }

  const cruRemove = copyOfSeed("cru-remove");
  rows.push(["cru cleanup (delete)", await time(() => check(cruRemove, {}))]);
  const rmRemove = copyOfSeed("rm-remove");
  rows.push(["rm -rf <folders>", await time(() => execFileSync("rm", ["-rf", ...folders(rmRemove)]))]);

  const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? "deno" : "bun";
  console.log(
    `cleanup of ${SESSIONS} sessions (${EVENTS} events and a ${ARTIFACT_BYTES} B artifact each, ${
      (seedBytes / 1e6).toFixed(1)
    } MB in all), ${runtime}${shm ? "" : "; /dev/shm rows skipped: not another filesystem here"}`,
  );
  console.log(`| ${"what".padEnd(38)} | seconds | sessions/s |`);
  console.log(`|${"-".repeat(40)}|---------|------------|`);
  for (const [name, seconds] of rows) {
    console.log(
      `| ${name.padEnd(38)} | ${seconds.toFixed(3).padStart(7)} | ${
        String(Math.round(SESSIONS / seconds)).padStart(10)
      } |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  if (shm) rmSync(shm, { recursive: true, force: true });
}

/** Runs a cleanup and checks it did all the sessions (a benchmark of a broken run means nothing). */
async function check(root: string, options: { archiveDir?: string; dryRun?: boolean }): Promise<void> {
  const report = await cleanupSessions(new SessionStore({ root }), { olderThanMs: OLDER_THAN_MS, ...options });
  if (report.sessions.length !== SESSIONS || report.failed.length > 0) {
    throw new Error(`cleanup did ${report.sessions.length} of ${SESSIONS}: ${JSON.stringify(report.failed[0])}`);
  }
}

function folders(root: string): string[] {
  const sessions = join(root, "sessions");
  return readdirSync(sessions).map((name) => join(sessions, name));
}

function mvAll(root: string, archive: string): void {
  mkdirSync(archive, { recursive: true });
  execFileSync("mv", [...folders(root), archive]);
}

/** Old sessions, each with a few turns and an artifact. Returns the bytes written. */
async function seedStore(root: string): Promise<number> {
  const started = "2020-01-01T00:00:00Z";
  const store = new SessionStore({ root, now: () => new Date("2020-01-02T00:00:00Z") });
  const artifact = join(root, "..", "artifact.bin");
  mkdirSync(join(root, ".."), { recursive: true });
  writeFileSync(artifact, new Uint8Array(ARTIFACT_BYTES).map((_, i) => i % 251));
  for (let n = 0; n < SESSIONS; n++) {
    const { id } = store.create({ type: "chat", title: `Session ${n}`, started });
    await store.appendTimed(
      id,
      Array.from({ length: EVENTS }, (_, e) => ({
        role: e % 2 ? "assistant" as const : "user" as const,
        content: `Turn ${e} of session ${n}: ${"lorem ipsum dolor sit amet ".repeat(6)}`,
        at: new Date(Date.parse(started) + e * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      })),
    );
    await store.attach(id, artifact, "data.bin");
  }
  rmSync(artifact);
  return store.ids().reduce((sum, id) => sum + folderBytes(store.sessionDir(id)), 0);
}
