import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { withTempDir } from "./_helpers/temp_dir.ts";
import { cruJson, runCru } from "./_helpers/run_cru.ts";
import { scriptCommand } from "../src/runtime/process.ts";
import { open } from "../mod.ts";

const EVENT_BYTES = 4_000_000;
const APPEND_LOOP = fileURLToPath(new URL("./_helpers/append_loop.ts", import.meta.url));

test("6 cru processes appending 8 events each to one session lose nothing and never interleave", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const { id } = await cruJson<{ id: string }>(["session", "new", "--dir", dir]);
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let n = 0; n < 8; n++) {
        const text = `writer ${w} event ${n}\n## 2024-01-01T00:00:00Z\n**User:** not a turn`;
        const run = await runCru(["session", "append", id, "--role", n % 2 ? "assistant" : "user", text, "--dir", dir]);
        assert.equal(run.code, 0, run.stderr);
      }
    });
    await Promise.all(writers);
    const shown = await cruJson<{ events: { content: string }[] }>(["session", "show", id, "--dir", dir]);
    const contents = shown.events.map((e) => e.content).sort();
    const expected = Array.from(
      { length: 48 },
      (_, i) => `writer ${Math.floor(i / 8)} event ${i % 8}\n## 2024-01-01T00:00:00Z\n**User:** not a turn`,
    ).sort();
    assert.deepEqual(contents, expected);
    const run = await runCru(["session", "show", id, "--dir", dir]);
    assert.equal(run.stderr, "", "no parse warnings");
  }));

test("sessions created by concurrent processes all exist with distinct ids", () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, ".crucible");
    const ids = await Promise.all(
      Array.from({ length: 8 }, () => cruJson<{ id: string }>(["session", "new", "--dir", dir])),
    );
    assert.equal(new Set(ids.map((c) => c.id)).size, 8);
    const listed = await cruJson<{ sessions: unknown[] }>(["session", "list", "--dir", dir]);
    assert.equal(listed.sessions.length, 8);
  }));

/** Starts an append loop and kills it with SIGKILL after it acknowledged `killAfter` events. */
function appendUntilKilled(
  root: string,
  id: string,
  writer: string,
  killAfter: number,
  bytes: number,
): Promise<number> {
  const [command, ...prefix] = scriptCommand(APPEND_LOOP);
  const child = spawn(command, [...prefix, root, id, writer, "100000", String(bytes)]);
  let acked = -1;
  let buffer = "";
  let killing = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      for (const match of buffer.matchAll(/acked (\d+)\n/g)) acked = Number(match[1]);
      buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
      // A random delay after the ack spreads the kills over the whole append cycle, write() included.
      if (acked >= killAfter && !killing) {
        killing = true;
        setTimeout(() => child.kill("SIGKILL"), Math.random() * 12);
      }
    });
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL") reject(new Error(`append loop ended without being killed (${signal})`));
      else resolve(acked);
    });
  });
}

test("kill -9 during appends loses no acknowledged event and leaves no torn event (several runs)", () =>
  withTempDir(async (tmp) => {
    const root = join(tmp, ".crucible");
    const cru = open({ dir: root, plugins: [] });
    const { id } = await cru.newSession({ type: "agent" });
    const acked = new Map<string, number>();
    // Big events (4 MB) span a thousand pages; the kernel stops a write() between pages
    // when SIGKILL arrives, so some kills tear an event on disk, which must never be read.
    for (let run = 0; run < 8; run++) {
      const writers = [`w${run}a`, `w${run}b`];
      const results = await Promise.all(
        writers.map((w, i) => appendUntilKilled(root, id, w, 1 + (run % 3) + i, EVENT_BYTES)),
      );
      writers.forEach((w, i) => acked.set(w, results[i]));
    }
    const session = await cru.show(id);
    assert.deepEqual(session.warnings, []);
    const seen = new Map<string, number[]>();
    for (const event of session.events) {
      const head = /^BEGIN (\S+) (\d+)\n/.exec(event.content);
      assert.ok(head, `event starts whole: ${event.content.slice(0, 40)}`);
      assert.ok(event.content.endsWith(`\nEND ${head[1]} ${head[2]}`), `event ${head[1]} ${head[2]} ends whole`);
      assert.equal(event.content.length, EVENT_BYTES);
      seen.set(head[1], [...(seen.get(head[1]) ?? []), Number(head[2])]);
    }
    for (const [writer, last] of acked) {
      const numbers = seen.get(writer) ?? [];
      for (let n = 0; n <= last; n++) assert.ok(numbers.includes(n), `acknowledged event ${writer} ${n} is there`);
      assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), `${writer} in order`);
      assert.ok(numbers.length <= last + 2, `${writer}: at most one unacknowledged event survived`);
    }
    await cru.append(id, { role: "user", content: "after the crashes" });
    assert.equal((await cru.show(id)).events.at(-1)?.content, "after the crashes");
  }));
