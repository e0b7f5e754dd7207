/**
 * A watchdog thread for plugin code that blocks the process. A timer cannot
 * interrupt a synchronous loop (JavaScript has no preemption: the timer only
 * fires once the loop yields), but another thread can see that the main one
 * has not come back in time. Armed around each hook call; when a call
 * overruns its bound, the watchdog writes one line naming the plugin and the
 * hook on stderr and terminates the process (SIGTERM, exit status 143), so a
 * command never hangs on a plugin. Only the CLI uses it: a library must not
 * end its host program.
 *
 * @module
 */
import nodeProcess from "node:process";

/** What {@linkcode startStallGuard} returns. */
export interface StallGuard {
  /** Until {@linkcode disarm}, the process is ended if it stays blocked for `ms`; `what` says by whom. */
  arm(ms: number, what: string): void;
  disarm(): void;
}

const MESSAGE_BYTES = 1024;

// The worker's whole code: it sleeps until armed, then until the deadline or a disarm.
const WORKER = `
import { writeSync } from "node:fs";
import process from "node:process";
self.onmessage = (event) => {
  const state = new Int32Array(event.data, 0, 4);
  const message = new Uint8Array(event.data, 16, ${MESSAGE_BYTES});
  for (;;) {
    const armed = Atomics.load(state, 0);
    if (armed === 0) { Atomics.wait(state, 0, 0); continue; }
    const left = Atomics.load(state, 1) * 1000 + Atomics.load(state, 2) - Date.now();
    if (left > 0) { Atomics.wait(state, 0, armed, left); continue; }
    if (Atomics.load(state, 0) !== armed) continue;
    writeSync(2, message.slice(0, Atomics.load(state, 3)));
    process.kill(process.pid, "SIGTERM");
    Atomics.wait(state, 0, armed, 2000);
    process.kill(process.pid, "SIGKILL");
  }
};
`;

/**
 * Starts the watchdog thread (it does not keep the process alive). Returns
 * undefined where threads with shared memory are not available.
 *
 * @example
 * ```ts ignore
 * import { startStallGuard } from "./stall_guard.ts";
 * const guard = startStallGuard();
 * guard?.arm(10_000, "plugin x in event:before-append");
 * guard?.disarm();
 * ```
 */
export function startStallGuard(): StallGuard | undefined {
  let worker: Worker;
  let shared: SharedArrayBuffer;
  try {
    shared = new SharedArrayBuffer(16 + MESSAGE_BYTES);
    const url = URL.createObjectURL(new Blob([WORKER], { type: "application/javascript" }));
    worker = new Worker(url, { type: "module" });
    (worker as { unref?: () => void }).unref?.();
    worker.postMessage(shared);
  } catch {
    return undefined;
  }
  const state = new Int32Array(shared, 0, 4);
  const message = new Uint8Array(shared, 16, MESSAGE_BYTES);
  let active = 0;
  let generation = 1;
  return {
    arm(ms, what) {
      active++;
      const deadline = Date.now() + ms;
      const text = `cru: ${what} blocked the process for over ${ms} ms (synchronous code a timeout cannot ` +
        `interrupt); cru stopped (pid ${nodeProcess.pid}). Events written before are safe; untrust or fix the plugin.\n`;
      const { written } = new TextEncoder().encodeInto(text, message);
      Atomics.store(state, 3, written ?? 0);
      Atomics.store(state, 1, Math.floor(deadline / 1000));
      Atomics.store(state, 2, deadline % 1000);
      generation = generation >= 1_000_000 ? 1 : generation + 1;
      Atomics.store(state, 0, generation);
      Atomics.notify(state, 0);
    },
    disarm() {
      active = Math.max(0, active - 1);
      if (active > 0) return;
      Atomics.store(state, 0, 0);
      Atomics.notify(state, 0);
    },
  };
}
