/** Test helper for the parser tests: runs a parser over a whole text. */
import type { SourceEvent, SourceItem, SourceParser, SourceParserOptions, SourceSession } from "./source_item.ts";

/** Options the parser tests use: file `t.md`, fallback time 2000-01-01. */
export const TEST_OPTIONS: SourceParserOptions = { file: "t.md", fallbackTime: "2000-01-01T00:00:00Z" };

/** Every item a parser gives for `text`, split into lines as the importer splits them. */
export function parseText(parser: SourceParser, text: string): SourceItem[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return [...lines.flatMap((line) => parser.push(line.replace(/\r$/, ""))), ...parser.end()];
}

/** Just the sessions. */
export function sessionsOf(items: SourceItem[]): SourceSession[] {
  return items.filter((item): item is SourceSession => item.kind === "session");
}

/** Just the events, as `role: content` (tool events as `tool name: content`). */
export function eventsOf(items: SourceItem[]): string[] {
  return items.filter((item): item is SourceEvent => item.kind === "event").map(({ event }) =>
    `${event.role === "tool" ? `tool ${event.tool}` : event.role}: ${event.content}`
  );
}
