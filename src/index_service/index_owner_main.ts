/**
 * Entry point of an index owner process (started by clients, not by people):
 * `index_owner_main.ts --dir STORE [--db URL]`. The compiled binary runs the
 * same code as `cru __index-owner …`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { commandArgs, defaultEnv, env, exit } from "../runtime/process.ts";
import { runIndexOwner } from "./index_owner.ts";
import { indexConnection } from "./index_settings.ts";

/** Runs an owner from its command-line arguments and returns the exit code. */
export async function indexOwnerMain(args: string[]): Promise<number> {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = value("--dir");
  if (root === undefined) {
    console.error("cru: the index owner needs --dir STORE");
    return 2;
  }
  // The embedded RocksDB sizes its caches for a database server (hundreds of MB of write buffers and block cache);
  // an index whose hot data the engine keeps in memory itself needs little of either. Read when the engine opens.
  defaultEnv("SURREAL_ROCKSDB_BLOCK_CACHE_SIZE", String(16 * 1024 * 1024));
  // Write buffers of 16 MB stalled the write of a 50 MB event's segment under Deno (a test caught it); 64 MB do not.
  defaultEnv("SURREAL_ROCKSDB_WRITE_BUFFER_SIZE", String(64 * 1024 * 1024));
  defaultEnv("SURREAL_ROCKSDB_MAX_WRITE_BUFFER_NUMBER", "2");
  // Tuning knobs for tests and benchmarks (people never need them).
  const positive = (name: string) => {
    const n = Number(env(name) ?? "");
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  // Whatever the owner is doing (opening, a long sweep, a query the database never answers), a store that is
  // gone has no one to serve: leave rather than hold its files.
  const gone = setInterval(() => {
    if (!existsSync(root)) exit(0);
  }, 1_000);
  (gone as { unref?: () => void }).unref?.();
  return await runIndexOwner({
    root,
    connection: indexConnection(root, value("--db")),
    idleMs: positive("CRU_INDEX_IDLE_MS"),
    flushDocs: positive("CRU_INDEX_FLUSH_DOCS"),
    mergeFactor: positive("CRU_INDEX_MERGE_FACTOR"),
  });
}

// The engine keeps the process alive once a full-text index exists: exit explicitly.
if (import.meta.main) indexOwnerMain(commandArgs()).then(exit);
