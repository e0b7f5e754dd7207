/**
 * Renders whole logs, and the pieces an append adds to the end of one.
 *
 * @module
 */
import type { SessionEvent } from "../model/event.ts";
import type { Log } from "../model/log.ts";
import { renderFrontmatter } from "./frontmatter.ts";
import { renderEvent } from "./render_event.ts";

const CONTEXT_PREFIX = "*Compacted from previous session. Context: ";

/** Renders the top of a log: frontmatter, `# heading`, and the compaction line of a continuation. */
export function renderLogHeader(log: Omit<Log, "events">): string {
  const heading = log.heading.replace(/\s+/g, " ").trim();
  let text = `${renderFrontmatter(log.meta)}\n# ${heading}\n`;
  if (log.context !== undefined) text += `\n${CONTEXT_PREFIX}${escapeContext(log.context)}*\n`;
  return text;
}

/**
 * Renders events to append after a log whose last turn heading is `previousAt`
 * (null when it has none): a new `## <timestamp>` heading whenever the time changes.
 */
export function renderEvents(events: readonly SessionEvent[], previousAt: string | null): string {
  let text = "";
  let at = previousAt;
  for (const event of events) {
    if (event.at !== at) {
      text += `\n## ${event.at}\n`;
      at = event.at;
    }
    text += `\n${renderEvent(event)}\n`;
  }
  return text;
}

/**
 * Renders a whole log.
 *
 * @example
 * ```ts
 * import { renderLog } from "./render_log.ts";
 * const text = renderLog({
 *   meta: { session_id: "chat-abc123", type: "chat", started: "2024-01-15T10:30:00Z", continued_from: null, extra: {} },
 *   heading: "Chat Session",
 *   events: [{ role: "user", content: "Hi", at: "2024-01-15T10:30:00Z" }],
 * });
 * console.assert(text.endsWith("## 2024-01-15T10:30:00Z\n\n**User:** Hi\n"));
 * ```
 */
export function renderLog(log: Log): string {
  return renderLogHeader(log) + renderEvents(log.events, null);
}

/** The compaction summary on one line, with `*` and `\` escaped so the italics hold. */
function escapeContext(context: string): string {
  return context.replace(/\s+/g, " ").trim().replace(/[\\*]/g, (char) => `\\${char}`);
}

/** Reads the summary back out of a compaction line, or undefined when `line` is not one. */
export function parseContextLine(line: string): string | undefined {
  if (!line.startsWith(CONTEXT_PREFIX) || !/\*\s*$/.test(line)) return undefined;
  const inner = line.trimEnd().slice(CONTEXT_PREFIX.length, -1);
  return inner.replace(/\\([\\*])/g, "$1");
}
