/**
 * Reading logs from disk: whole, or just the head (frontmatter) and the tail
 * (last turn heading) that an append needs.
 *
 * @module
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { type ParsedLog, parseLog } from "../format/parse_log.ts";
import { turnHeadingAt } from "../format/_lines.ts";
import type { LogMeta } from "../model/log.ts";

const PEEK_BYTES = 64 * 1024;

/** Reads and parses a whole log. `size` limits the read to the bytes known to hold whole events. */
export function readLog(
  path: string,
  fallback: Pick<LogMeta, "session_id" | "type" | "started">,
  size?: number,
): ParsedLog {
  const bytes = readFileSync(path);
  const text = new TextDecoder().decode(size === undefined ? bytes : bytes.subarray(0, size));
  return parseLog(text, { file: path, fallback });
}

/** Parses only the start of a log: its frontmatter, heading and compaction line. */
export function readLogHead(path: string, fallback: Pick<LogMeta, "session_id" | "type" | "started">): ParsedLog {
  const head = readRange(path, 0, PEEK_BYTES);
  // Stop before the first turn: the events there are not needed and parsing them costs.
  const firstTurn = head.search(/\n## \d/);
  return parseLog(firstTurn < 0 ? head : head.slice(0, firstTurn + 1), { file: path, fallback });
}

/** The timestamp of the last `## <timestamp>` heading in the last 64 kB of a log, or null. */
export function lastTurnAt(path: string, size: number = statSync(path).size): string | null {
  for (const window of [4096, PEEK_BYTES]) {
    const text = readRange(path, Math.max(0, size - window), window);
    for (let end = text.length; end > 0;) {
      const start = text.lastIndexOf("\n## ", end - 1);
      if (start < 0) break;
      const lineEnd = text.indexOf("\n", start + 1);
      const at = turnHeadingAt(text.slice(start + 1, lineEnd < 0 ? undefined : lineEnd).replace(/\r$/, ""));
      if (at !== undefined) return at;
      end = start;
    }
    if (window >= size) break;
  }
  return null;
}

function readRange(path: string, start: number, length: number): string {
  const fd = openSync(path, "r");
  try {
    const buffer = new Uint8Array(length);
    const read = readSync(fd, buffer, 0, length, start);
    // A cut in the middle of a UTF-8 sequence only garbles the cut line, which is not used whole.
    return new TextDecoder().decode(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}
