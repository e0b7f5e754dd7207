/**
 * Fault injection: every kind of file of the embedded index (SST tables, the
 * write-ahead log, MANIFEST, CURRENT, OPTIONS, IDENTITY, the whole `db/`
 * folder) truncated, garbled, zeroed, deleted or replaced by a folder. The
 * next `search` must answer correctly from the markdown (the owner heals what
 * it finds damaged, saying so once on stderr), and `reindex` must work whatever
 * state the folder is in. Prints a `faults tried / healed` line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "../_helpers/temp_dir.ts";
import { runCru } from "../_helpers/run_cru.ts";
import { killOwner, makeStore, stopOwner, WORD } from "./_faults.ts";

type Mode = "truncate" | "garble" | "zero" | "delete" | "directory";
const MODES: Mode[] = ["truncate", "garble", "zero", "delete", "directory"];
/** File kinds by how their names look in a RocksDB folder. */
const KINDS: Record<string, (name: string) => boolean> = {
  sst: (name) => name.endsWith(".sst"),
  wal: (name) => name.endsWith(".log") && name !== "LOG",
  MANIFEST: (name) => name.startsWith("MANIFEST-"),
  CURRENT: (name) => name === "CURRENT",
  OPTIONS: (name) => name.startsWith("OPTIONS-"),
  IDENTITY: (name) => name === "IDENTITY",
};
const ENV = { CRU_INDEX_IDLE_MS: "20000" };
/** Generous: the machine is shared, and a healed search rebuilds from the markdown. */
const BOUND_MS = 90_000;

function damage(path: string, mode: Mode): void {
  const size = statSync(path).size;
  if (mode === "truncate") truncateSync(path, Math.floor(size / 2));
  else if (mode === "zero") writeFileSync(path, Buffer.alloc(size));
  else if (mode === "garble") {
    const bytes = readFileSync(path);
    let seed = 12345;
    for (let i = 0; i < bytes.length; i += 7) bytes[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
    writeFileSync(path, bytes);
  } else {
    rmSync(path, { recursive: true, force: true });
    if (mode === "directory") mkdirSync(path);
  }
}

interface Outcome {
  fault: string;
  ok: boolean;
  healed: boolean;
  ms: number;
  detail: string;
}

async function searchAfter(dir: string, total: number, fault: string): Promise<Outcome> {
  const started = performance.now();
  const run = await runCru(["session", "search", WORD, "--limit", "1000", "--json", "--dir", dir], {
    env: ENV,
    timeoutMs: BOUND_MS,
  });
  const ms = Math.round(performance.now() - started);
  let found = -1;
  try {
    found = (JSON.parse(run.stdout) as { total: number }).total;
  } catch { /* reported below */ }
  const healed = /moved to .*index\.broken-/.test(run.stderr);
  const ok = run.code === 0 && found === total;
  return { fault, ok, healed, ms, detail: ok ? "" : `exit ${run.code}, ${found} hits: ${run.stderr.slice(0, 400)}` };
}

test("a damaged index file of every kind is healed by the next search, and reindex works in any state", {
  timeout: 600_000,
}, () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const total = await makeStore(dir);
    const db = join(dir, "index", "db");
    // A healthy index, written out and compacted by an owner that stopped cleanly, kept to start each fault from.
    const first = await searchAfter(dir, total, "setup");
    assert.ok(first.ok, `a search before any fault answers: ${first.detail}`);
    await stopOwner(dir);
    const healthy = join(tmp, "healthy-db");
    cpSync(db, healthy, { recursive: true });
    const present = readdirSync(healthy);
    const faults: { name: string; apply: () => void }[] = [];
    for (const [kind, matches] of Object.entries(KINDS)) {
      const names = present.filter(matches);
      if (names.length === 0) {
        console.log(`faults: no ${kind} file among ${present.join(" ")}; ${kind} not tried`);
        continue;
      }
      for (const mode of MODES) {
        faults.push({ name: `${kind} ${mode}`, apply: () => names.forEach((n) => damage(join(db, n), mode)) });
      }
    }
    faults.push(
      { name: "all zeroed", apply: () => readdirSync(db).forEach((n) => damage(join(db, n), "zero")) },
      {
        name: "db is a file",
        apply: () => {
          damage(db, "delete");
          writeFileSync(db, "not a database");
        },
      },
      { name: "db deleted", apply: () => damage(db, "delete") },
    );
    const outcomes: Outcome[] = [];
    for (const [n, fault] of faults.entries()) {
      await killOwner(dir);
      rmSync(db, { recursive: true, force: true });
      cpSync(healthy, db, { recursive: true });
      fault.apply();
      // Every fourth fault is met by a reindex first: it must work whatever state the folder is in.
      const reindex = n % 4 === 3;
      outcomes.push(await (reindex ? reindexThenSearch : searchAfter)(dir, total, fault.name));
    }
    await stopOwner(dir);
    const healed = outcomes.filter((o) => o.ok);
    const noticed = outcomes.filter((o) => o.healed).length;
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    for (const o of outcomes) {
      console.log(`  ${o.fault}: ${o.ok ? "answered" : "FAILED"}${o.healed ? " (healed)" : ""} ${o.ms} ms`);
    }
    console.log(
      `faults: ${outcomes.length} index faults tried / ${healed.length} answered correctly ` +
        `(${noticed} found damaged, moved aside and rebuilt; the rest harmless to the engine); ` +
        `slowest answer ${slowest} ms`,
    );
    const broken = readdirSync(dir).filter((name) => name.startsWith("index.broken-"));
    assert.ok(broken.length <= 1, `only the newest broken copy is kept: ${broken.join(", ")}`);
    assert.deepEqual(outcomes.filter((o) => !o.ok).map((o) => `${o.fault}: ${o.detail}`), []);
    assert.ok(noticed >= 10, `most faults are noticed and healed, not ignored: ${noticed}`);
  }));

async function reindexThenSearch(dir: string, total: number, fault: string): Promise<Outcome> {
  const started = performance.now();
  const run = await runCru(["session", "reindex", "--json", "--dir", dir], { env: ENV, timeoutMs: BOUND_MS });
  if (run.code !== 0) {
    const ms = Math.round(performance.now() - started);
    return { fault: `${fault} (reindex)`, ok: false, healed: false, ms, detail: `reindex: ${run.stderr}` };
  }
  const healed = /moved to .*index\.broken-/.test(run.stderr);
  const after = await searchAfter(dir, total, `${fault} (reindex)`);
  return { ...after, healed: healed || after.healed, ms: Math.round(performance.now() - started) };
}
