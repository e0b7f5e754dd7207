/**
 * Test helpers of the engine: logs built from short descriptions, a seeded
 * random source, and SQLite FTS5 (bun:sqlite or node:sqlite) as an oracle.
 *
 * @module
 */
import type { IndexedEvent, IndexedLog, LogFacts } from "./search_index_api.ts";

/** What a test says about an event; the rest is filled in. */
export interface EventSpec {
  content: string;
  role?: string;
  tool?: string;
  args?: string;
  /** Minutes after 2024-01-15T10:00:00Z (default: the event's seq). */
  minute?: number;
  /** Its line in the file (default: 8 + 3 × seq). */
  line?: number;
}

/** What a test says about a log. */
export interface LogSpec {
  file: string;
  events: (string | EventSpec)[];
  sessionId?: string;
  type?: string;
  title?: string | null;
  tags?: string[];
  facts?: LogFacts;
  started?: string;
  ended?: string | null;
  /** Changes the fingerprint (a new version of the file). */
  version?: number;
}

const BASE = Date.parse("2024-01-15T10:00:00Z");

/** Minutes after the base time, as ISO-8601 in whole seconds (as logs and the index write times). */
export function minuteIso(minute: number): string {
  return new Date(BASE + minute * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A full {@linkcode IndexedLog} from a short spec; lines are 3 per event from line 8. */
export function makeLog(spec: LogSpec): IndexedLog {
  const events: IndexedEvent[] = spec.events.map((entry, seq) => {
    const event = typeof entry === "string" ? { content: entry } : entry;
    const indexed: IndexedEvent = {
      seq,
      line: event.line ?? 8 + seq * 3,
      role: event.role ?? "user",
      content: event.content,
      at: minuteIso(event.minute ?? seq),
    };
    if (event.tool !== undefined) indexed.tool = event.tool;
    if (event.args !== undefined) indexed.args = event.args;
    return indexed;
  });
  return {
    file: spec.file,
    sessionId: spec.sessionId ?? spec.file.split("/")[1] ?? spec.file,
    sessionType: spec.type ?? "chat",
    title: spec.title ?? null,
    tags: spec.tags ?? [],
    started: spec.started ?? minuteIso(0),
    ended: spec.ended ?? null,
    facts: spec.facts ?? {},
    fingerprint: { size: events.length, mtimeMs: BASE + (spec.version ?? 0), hash: `v${spec.version ?? 0}` },
    events,
  };
}

/** A seeded pseudo-random source (mulberry32), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The few calls of an SQLite database the oracle needs (bun:sqlite and node:sqlite share them). */
export interface OracleDb {
  exec(sql: string): void;
  prepare(sql: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): Record<string, unknown>[] };
  close(): void;
}

/** An in-memory SQLite database from the runtime's own driver: bun:sqlite under Bun, node:sqlite under Deno. */
export async function openOracleDb(): Promise<OracleDb> {
  const underBun = "Bun" in globalThis;
  // A computed specifier: each runtime's type checker knows only its own driver.
  const specifier = underBun ? "bun:sqlite" : "node:sqlite";
  const driver = await import(specifier);
  const Database = underBun ? driver.Database : driver.DatabaseSync;
  return new Database(":memory:") as OracleDb;
}
