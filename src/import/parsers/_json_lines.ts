/**
 * What the two JSONL transcript parsers share: reading a line as a JSON object,
 * holding events until the session's start time is known, and telling the two
 * formats apart.
 *
 * @module
 */
import type { SessionEvent } from "../../model/event.ts";
import {
  quoteLine,
  type SourceFormat,
  SourceFormatError,
  type SourceItem,
  type SourceParserOptions,
} from "./source_item.ts";

/** A JSON object, loosely typed: transcripts vary across tool versions. */
export type JsonObject = Record<string, unknown>;

/** How many items may wait for a timestamp before the session starts at the fallback time. */
const MAX_HELD = 100;

const CODEX_TYPES = ["session_meta", "response_item", "event_msg", "turn_context", "compacted"];
const CODEX_ITEM_TYPES = [
  "message",
  "reasoning",
  "function_call",
  "function_call_output",
  "custom_tool_call",
  "custom_tool_call_output",
  "local_shell_call",
  "web_search_call",
];

/** Which agent wrote a transcript line, by its shape; undefined when neither. */
export function jsonLineFormat(value: JsonObject): Extract<SourceFormat, "claude-code" | "codex"> | undefined {
  const type = value.type;
  if (typeof type === "string" && CODEX_TYPES.includes(type) && "payload" in value) return "codex";
  if ("record_type" in value) return "codex"; // the 2025 rollout format's state lines
  if (typeof type === "string" && CODEX_ITEM_TYPES.includes(type)) return "codex";
  if (type === undefined && typeof value.id === "string" && "timestamp" in value) return "codex"; // old first line
  if (typeof type !== "string") return undefined;
  if (isObject(value.message) || "sessionId" in value || "uuid" in value || type === "summary") return "claude-code";
  return undefined;
}

/** Reads a line as a JSON object, or says why it is not one. */
export function readJsonLine(line: string): { value: JsonObject } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message.split("\n")[0]})` };
  }
  return isObject(value) ? { value } : { problem: "not a JSON object" };
}

/** True for a plain object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The part both JSONL parsers share: line counting, bad lines as warnings,
 * checking the first good line is the claimed format, and the session item.
 */
export abstract class JsonLinesParser {
  abstract readonly format: Extract<SourceFormat, "claude-code" | "codex">;
  protected readonly options: SourceParserOptions;
  protected line = 0;
  /** The time of the latest line that had one ("" until one is seen). */
  protected at = "";
  #checked = false;
  #started = false;
  /** Items read before the session's start time is known. */
  #held: SourceItem[] = [];
  #badLines = 0;

  constructor(options: SourceParserOptions) {
    this.options = options;
  }

  push(line: string): SourceItem[] {
    this.line++;
    if (line.trim() === "") return [];
    const read = readJsonLine(line);
    if ("problem" in read) {
      this.#badLines++;
      return this.#emit([{ kind: "warning", line: this.line, message: read.problem }]);
    }
    if (!this.#checked) {
      const found = jsonLineFormat(read.value);
      if (found !== this.format) {
        const what = found === undefined
          ? `found ${quoteLine(line)}`
          : `it is a ${found === "codex" ? "Codex" : "Claude Code"} transcript (use --from ${found} or --from auto)`;
        throw new SourceFormatError(this.options.file, this.line, `not a ${this.label} JSONL transcript: ${what}`);
      }
      this.#checked = true;
    }
    return this.#emit(this.record(read.value));
  }

  end(): SourceItem[] {
    if (!this.#checked) {
      if (this.#badLines === 0) return [{ kind: "warning", line: 1, message: "the file is empty: nothing to import" }];
      throw new SourceFormatError(
        this.options.file,
        1,
        `not a ${this.label} JSONL transcript: none of its ${this.#badLines} lines is a JSON object`,
      );
    }
    const items = this.finish();
    this.startSession(this.options.fallbackTime, {});
    return this.#emit(items);
  }

  /** No more lines for now: items held for details still to come go out. */
  caughtUp(): SourceItem[] {
    return this.#emit(this.settle());
  }

  /** Items held only for details that may still come (none by default). */
  protected settle(): SourceItem[] {
    return [];
  }

  /** The name of the format in messages. */
  protected abstract get label(): string;
  /** The items of one JSON line. */
  protected abstract record(value: JsonObject): SourceItem[];
  /** Whatever is still open at the end. */
  protected abstract finish(): SourceItem[];

  /**
   * Starts the session at `started` (the first time the source gives), with
   * frontmatter `meta`; events read before it take its time. Later calls do nothing.
   */
  protected startSession(started: string, meta: JsonObject): void {
    if (this.#started) return;
    this.#started = true;
    for (const item of this.#held) if (item.kind === "event" && item.event.at === "") item.event.at = started;
    this.#held.unshift({ kind: "session", format: this.format, key: "", line: 1, started, meta });
    if (this.at === "") this.at = started;
  }

  /** An event item at the current line, at the latest time seen. */
  protected event(event: Omit<SessionEvent, "at">): SourceItem {
    return { kind: "event", event: { ...event, at: this.at } as SessionEvent, line: this.line };
  }

  /** Items go out once the session has started; until then a bounded number wait. */
  #emit(items: SourceItem[]): SourceItem[] {
    if (!this.#started && this.#held.length + items.length > MAX_HELD) {
      this.startSession(this.options.fallbackTime, {});
    }
    if (!this.#started) {
      this.#held.push(...items);
      return [];
    }
    if (this.#held.length === 0) return items;
    const out = [...this.#held, ...items];
    this.#held = [];
    return out;
  }
}
