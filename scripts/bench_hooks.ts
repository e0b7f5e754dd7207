/**
 * Benchmark: what the hook runner adds to an append, with 0, 1 and 10 no-op
 * plugins (each registering event:before-append and event:after-append).
 * Two views: durable appends through the library (fsync included), and the
 * runner alone (no I/O), where the overhead is not hidden by the disk.
 *
 *   bun scripts/bench_hooks.ts [--events 3000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type PluginDefinition } from "../mod.ts";
import { HookRunner } from "../src/hooks/hook_runner.ts";

const args = process.argv.slice(2);
const EVENTS = Number(args[args.indexOf("--events") + 1] || 3000);

function noopPlugins(count: number): PluginDefinition[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `noop-${i}`,
    setup(ctx) {
      ctx.hook("event:before-append", () => undefined);
      ctx.hook("event:after-append", () => {});
    },
  }));
}

async function appendsPerSecond(plugins: PluginDefinition[]): Promise<{ perSecond: number; microseconds: number }> {
  const root = mkdtempSync(join(tmpdir(), "cru-bench-hooks-"));
  try {
    const cru = open({ dir: join(root, ".crucible"), plugins, userPlugins: false });
    const session = await cru.openSession({ type: "agent" });
    const started = performance.now();
    for (let n = 0; n < EVENTS; n++) await session.say("action", `event ${n} lorem ipsum dolor sit amet`);
    const ms = performance.now() - started;
    return { perSecond: EVENTS / (ms / 1000), microseconds: (ms * 1000) / EVENTS };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function runnerOnly(count: number): Promise<number> {
  const hooks = new HookRunner();
  for (const plugin of noopPlugins(count)) {
    hooks.register(plugin.name, "event:before-append", () => undefined);
    hooks.register(plugin.name, "event:after-append", () => {});
  }
  const session = { id: "agent-x", type: "agent", title: null, dir: "/tmp" };
  const event = { role: "action" as const, content: "x" };
  const rounds = 20_000;
  const started = performance.now();
  for (let n = 0; n < rounds; n++) {
    await hooks.waterfall("event:before-append", event, session);
    await hooks.parallel("event:after-append", { ...event, at: "2024-01-01T00:00:00Z", file: "/tmp/x.md" }, session);
  }
  return ((performance.now() - started) * 1000) / rounds;
}

const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? "deno" : "bun";
console.log(`hook runner overhead per append (${EVENTS} durable appends per row, ${runtime})`);
console.log("| no-op plugins | appends/s | µs per append | runner alone, µs per append |");
console.log("|---|---|---|---|");
for (const count of [0, 1, 10]) {
  const { perSecond, microseconds } = await appendsPerSecond(noopPlugins(count));
  const alone = await runnerOnly(count);
  console.log(`| ${count} | ${Math.round(perSecond)} | ${microseconds.toFixed(0)} | ${alone.toFixed(1)} |`);
}
