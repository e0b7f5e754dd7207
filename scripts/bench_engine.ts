/**
 * A short in-process micro-benchmark of the search engine over memory
 * storage: build N synthetic events (~28 words from a Zipf vocabulary, marker
 * words in 0.1 %, 1 %, 5 % and 20 % of events), flush in batches, merge, then
 * time top-20 queries. Storage round trips cost nothing here: this measures
 * the engine's own CPU.
 *
 *   deno run -A scripts/bench_engine.ts [events=100000]
 *   bun scripts/bench_engine.ts [events=100000]
 */
import { MemoryStorage } from "../src/index/memory_storage.ts";
import { openSearchIndex } from "../src/index/search_index.ts";
import type { IndexedLog } from "../src/index/search_index_api.ts";
import { tokenize } from "../src/index/tokenizer.ts";

const total = Number(globalThis.process?.argv?.[2] ?? 100_000);
const perLog = 50;
const flushEvery = 5_000;

let seed = 12345;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const vocabulary = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
const markers: [string, number][] = [["rare", 0.001], ["uncommon", 0.01], ["common", 0.05], ["frequent", 0.2]];

function eventText(): string {
  const words: string[] = [];
  for (let i = 0; i < 28; i++) words.push(vocabulary[Math.floor(vocabulary.length * random() ** 3)]);
  for (const [marker, share] of markers) if (random() < share) words[Math.floor(random() * words.length)] = marker;
  return words.join(" ");
}

function logOf(n: number): IndexedLog {
  return {
    file: `sessions/chat-${n}/log.md`,
    sessionId: `chat-${n}`,
    sessionType: n % 4 === 0 ? "agent" : "chat",
    title: `Session ${n}`,
    tags: [],
    started: new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString(),
    ended: null,
    facts: {},
    fingerprint: { size: 0, mtimeMs: 0, hash: String(n) },
    events: Array.from({ length: perLog }, (_, seq) => ({
      seq,
      line: 8 + seq * 3,
      role: seq % 2 === 0 ? "user" : "assistant",
      content: eventText(),
      at: new Date(Date.UTC(2024, 0, 1) + n * 60_000 + seq * 1000).toISOString(),
    })),
  };
}

const logs = Array.from({ length: Math.ceil(total / perLog) }, (_, n) => logOf(n));
const ms = (since: number) => (performance.now() - since).toFixed(0);
const cpu = () => globalThis.process?.cpuUsage?.() ?? { user: 0, system: 0 };
const cpuMs = (since: { user: number; system: number }) => {
  const now = cpu();
  return ((now.user - since.user + now.system - since.system) / 1000).toFixed(1);
};

let start = performance.now();
let startCpu = cpu();
let tokens = 0;
for (const log of logs) for (const event of log.events) tokens += tokenize(event.content).length;
console.log(`tokenize ${total} events (${tokens} terms): ${ms(start)} ms, ${cpuMs(startCpu)} ms CPU`);

const storage = new MemoryStorage();
const index = await openSearchIndex(storage);
start = performance.now();
startCpu = cpu();
let pending = 0;
for (const log of logs) {
  index.putLog(log);
  pending += log.events.length;
  if (pending >= flushEvery) {
    await index.flush();
    pending = 0;
  }
}
await index.flush();
const built = performance.now() - start;
console.log(
  `build ${total} events: ${built.toFixed(0)} ms (${Math.round(total / built * 1000)} events/s), ${
    cpuMs(startCpu)
  } ms CPU`,
);
start = performance.now();
let merges = 0;
while (await index.merge()) merges++;
console.log(`${merges} merges: ${ms(start)} ms; segments now ${(await storage.loadState())!.segments.length}`);

for (const query of [...markers.map(([marker]) => marker), "common frequent", '"common frequent"', "w1*"]) {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let answerTotal = 0;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    const c = cpu();
    answerTotal = (await index.search(query)).total;
    times.push(performance.now() - t);
    cpuTimes.push(Number(cpuMs(c)));
  }
  const first = times[0];
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  console.log(
    `search ${query.padEnd(20)} total ${String(answerTotal).padStart(7)}  first ${first.toFixed(1)} ms, median ${
      times[2].toFixed(1)
    } ms (${cpuTimes[2]} ms CPU)`,
  );
}
const memory = globalThis.process?.memoryUsage?.();
if (memory) {
  console.log(`rss ${(memory.rss / 2 ** 20).toFixed(0)} MB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB`);
}

// What an owner holds for the committed index: heads, file records, the file → documents map.
const collect = () => {
  // deno: --v8-flags=--expose-gc gives globalThis.gc; bun has its own.
  const runtime = globalThis as { gc?: () => void; Bun?: { gc(full: boolean): void } };
  if (runtime.Bun) runtime.Bun.gc(true);
  else runtime.gc?.();
};
collect();
const before = globalThis.process?.memoryUsage?.().heapUsed ?? 0;
const reopened = await openSearchIndex(storage);
collect();
const after = globalThis.process?.memoryUsage?.().heapUsed ?? 0;
console.log(`a reopened index holds ${((after - before) / 2 ** 20).toFixed(1)} MB of heap (status ${reopened.status})`);
