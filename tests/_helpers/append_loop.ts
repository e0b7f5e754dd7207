/**
 * Test helper process: appends events to one session through the library, as
 * fast as it can, and prints `acked <n>` after each append returns (is durable).
 * Usage: append_loop.ts <store> <session id> <writer name> <count> <bytes per event>
 */
import { open } from "../../mod.ts";

const [root, id, writer, count, bytes] = process.argv.slice(2);
const cru = open({ dir: root, lockTimeoutMs: 30_000, plugins: [] });
for (let n = 0; n < Number(count); n++) {
  await cru.append(id, { role: "assistant", content: eventContent(writer, n, Number(bytes)) });
  process.stdout.write(`acked ${n}\n`);
}

/** The content writer `writer` uses for its event `n`: checkable for tearing by its ends. */
export function eventContent(writer: string, n: number, bytes: number): string {
  const head = `BEGIN ${writer} ${n}\n`;
  const tail = `\nEND ${writer} ${n}`;
  const filler = "lorem ipsum dolor sit amet ".repeat(Math.ceil(bytes / 27)).slice(
    0,
    Math.max(0, bytes - head.length - tail.length),
  );
  return head + filler + tail;
}
