/**
 * Measures the index on a synthetic corpus (not a test: run by hand).
 *
 * ```sh
 * bun tests/index/bench_index.ts load <dir> [logs=200] [events=100] [concurrency=2] [exit|close|compact]
 * bun tests/index/bench_index.ts reopen <dir>
 * ```
 * `load` feeds `logs` logs of `events` events (~200 bytes each, words drawn
 * from a Zipf-like vocabulary so that some are rare), times single-event
 * appends and queries, then ends as told; `reopen` times opening the same
 * store again and the first queries.
 *
 * @module
 */
import process from "node:process";
import { embeddedIndexUrl, type IndexedLog, openIndex } from "../../src/index/mod.ts";

const [mode, dir, logsArg, eventsArg, concurrencyArg, ending = "exit"] = process.argv.slice(2);
if (!dir || (mode !== "load" && mode !== "reopen")) {
  console.error("usage: bench_index.ts load|reopen <dir> [logs] [events] [concurrency] [exit|close|compact]");
  process.exit(2);
}

/** A deterministic pseudo-random source, so runs are comparable. */
let state = 42;
function random(): number {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
}

const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x`);
/** Word i is drawn with a weight 1/(i+1): `w0x` is in most events, `w3kzx` in very few. */
const WEIGHTS = VOCABULARY.map((_, i) => 1 / (i + 1));
const TOTAL = WEIGHTS.reduce((a, b) => a + b, 0);
function word(): string {
  let r = random() * TOTAL;
  for (let i = 0; i < WEIGHTS.length; i++) if ((r -= WEIGHTS[i]) <= 0) return VOCABULARY[i];
  return VOCABULARY[0];
}

function makeLog(i: number, events: number): IndexedLog {
  const started = Date.UTC(2024, 0, 1) + i * 3_600_000;
  return {
    file: `/bench/sessions/chat-${i}/2024-01-01-0000.md`,
    sessionId: `chat-${i}`,
    sessionType: i % 4 === 0 ? "agent" : "chat",
    title: `Session ${i} about ${word()}`,
    started: new Date(started).toISOString(),
    ended: null,
    fingerprint: { size: events * 200, mtimeMs: started, hash: `h${i}` },
    events: Array.from({ length: events }, (_, seq) => ({
      seq,
      role: seq % 2 === 0 ? "user" : "assistant",
      content: Array.from({ length: 30 }, word).join(" "),
      at: new Date(started + seq * 1000).toISOString(),
    })),
  };
}

const QUERIES = ["w0x", "w5x", "w2ax", "wa0x", "w1x w2x", "w1x w7px"];

async function queries(index: Awaited<ReturnType<typeof openIndex>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const query of QUERIES) {
    const t0 = performance.now();
    const hits = await index.search(query, { limit: 20 });
    out[query] = `${(performance.now() - t0).toFixed(0)} ms, ${hits.length} hits, top score ${
      hits[0]?.score.toFixed(2)
    }`;
  }
  const t0 = performance.now();
  const sessions = await index.listSessions({ limit: 50 });
  out.listSessions = `${(performance.now() - t0).toFixed(0)} ms, ${sessions.length} sessions`;
  return out;
}

const t0 = performance.now();
const index = await openIndex({ url: embeddedIndexUrl(dir), timeoutMs: 60_000 });
const openMs = performance.now() - t0;
const report: Record<string, unknown> = { mode, openMs: Math.round(openMs), schema: index.schema };

if (mode === "load") {
  const logs = Number(logsArg ?? 200);
  const events = Number(eventsArg ?? 100);
  const concurrency = Number(concurrencyArg ?? 2);
  const corpus = Array.from({ length: logs }, (_, i) => makeLog(i, events));
  const loadStart = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < corpus.length) await index.replaceLog(corpus[next++]);
  }));
  const loadS = (performance.now() - loadStart) / 1000;
  report.load = `${logs * events} events in ${loadS.toFixed(1)} s = ${Math.round(logs * events / loadS)} events/s`;

  const log = corpus[0];
  const appendStart = performance.now();
  const appends = 200;
  for (let k = 0; k < appends; k++) {
    const seq = events + k;
    const previous = { ...log.fingerprint };
    log.fingerprint = { ...log.fingerprint, size: log.fingerprint.size + 200, hash: `h0-${k}` };
    const ok = await index.appendEvents({
      ...log,
      events: [{
        seq,
        role: "user",
        content: Array.from({ length: 30 }, word).join(" "),
        at: new Date().toISOString(),
      }],
    }, { previous });
    if (!ok) throw new Error("append was refused");
  }
  report.append = `${((performance.now() - appendStart) / appends).toFixed(1)} ms per single-event append`;
  report.queries = await queries(index);
  const endStart = performance.now();
  if (ending === "close" || ending === "compact") {
    if (ending === "compact") await index.compact();
    await index.close(10_000);
  }
  report.ending = `${ending} in ${(performance.now() - endStart).toFixed(0)} ms`;
} else {
  report.queries = await queries(index);
}
console.log(JSON.stringify(report, null, 2));
process.exit(0);
