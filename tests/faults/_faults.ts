/**
 * Helpers of the fault-injection suite (`npm run test:faults`): a store with
 * known content, the owner's pid, stopping an owner and waiting for it to go.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IndexClient } from "../../src/index_service/index_client.ts";
import { indexConnection } from "../../src/index_service/index_settings.ts";
import { open } from "../../mod.ts";

/** The word every event of {@linkcode makeStore} holds, and how many events hold it. */
export const WORD = "tapir";

/** Writes `sessions` sessions of `events` events each, all holding {@linkcode WORD}; returns the total. */
export async function makeStore(dir: string, sessions = 3, events = 20): Promise<number> {
  const cru = open({ dir, plugins: [], userPlugins: false });
  for (let s = 0; s < sessions; s++) {
    const { id } = await cru.newSession({ type: "agent", title: `faults ${s}` });
    await cru.append(
      id,
      Array.from({ length: events }, (_, n) => ({ role: "action" as const, content: `the ${WORD} step ${s}.${n}` })),
    );
  }
  return sessions * events;
}

/** Pids of the owners that served this store, oldest first. */
export function ownerPids(dir: string): number[] {
  const log = join(dir, "index", "owner.log");
  if (!existsSync(log)) return [];
  return [...readFileSync(log, "utf8").matchAll(/\[(\d+)\] serving/g)].map((m) => Number(m[1]));
}

/** Whether a process runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Asks the running owner to stop and waits (bounded) until its process is gone. */
export async function stopOwner(dir: string, ms = 30_000): Promise<void> {
  const pid = ownerPids(dir).at(-1);
  const client = await IndexClient.connectIfRunning({ root: dir, connection: indexConnection(dir) });
  if (client) {
    await client.request("stop", {}).catch(() => {});
    client.close();
  }
  const until = Date.now() + ms;
  while (pid !== undefined && alive(pid)) {
    if (Date.now() > until) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills the running owner without warning (as a crash would) and waits until it is gone. */
export async function killOwner(dir: string, ms = 10_000): Promise<void> {
  const pid = ownerPids(dir).at(-1);
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, "SIGKILL");
  const until = Date.now() + ms;
  while (alive(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}
