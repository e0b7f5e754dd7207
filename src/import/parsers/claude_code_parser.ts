/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<session>.jsonl`): one
 * JSON object per line, `type` `user` or `assistant` with a `message` whose
 * `content` is a string or a list of blocks (`text`, `thinking`, `tool_use`,
 * `tool_result`, `image`), and `summary` / `system` lines. One file is one
 * session. A tool call (`tool_use` in an assistant line) and its result (a
 * `tool_result` block in a later user line) become one tool event.
 *
 * @module
 */
import type { EventMeta, TokenUsage, ToolArgs } from "../../model/event.ts";
import { isObject, JsonLinesParser, type JsonObject, text } from "./_json_lines.ts";
import type { SourceItem } from "./source_item.ts";
import { toolName } from "./source_item.ts";
import { jsonTime } from "./source_time.ts";
import { ToolCallQueue } from "./tool_call_queue.ts";

/**
 * Reads a Claude Code JSONL transcript.
 *
 * @example
 * ```ts
 * import { ClaudeCodeParser } from "./claude_code_parser.ts";
 * const parser = new ClaudeCodeParser({ file: "s.jsonl", fallbackTime: "2024-01-01T00:00:00Z" });
 * const line = JSON.stringify({ type: "user", sessionId: "s1", timestamp: "2025-01-01T10:00:00Z", message: { role: "user", content: "hi" } });
 * const items = [...parser.push(line), ...parser.end()];
 * console.assert(items.map((i) => i.kind).join() === "session,event");
 * ```
 */
export class ClaudeCodeParser extends JsonLinesParser {
  readonly format = "claude-code" as const;
  readonly #tools = new ToolCallQueue();
  /** Ids of assistant messages whose usage was given to an event already (Claude Code repeats it per block). */
  readonly #counted = new Set<string>();

  protected get label(): string {
    return "Claude Code";
  }

  protected record(value: JsonObject): SourceItem[] {
    const time = jsonTime(value.timestamp);
    if (time !== undefined) {
      this.at = time;
      const meta: JsonObject = {};
      if (typeof value.sessionId === "string") meta.source_session = value.sessionId;
      if (typeof value.cwd === "string") meta.cwd = value.cwd;
      if (typeof value.gitBranch === "string" && value.gitBranch !== "") meta.git = { branch: value.gitBranch };
      this.startSession(time, meta);
    }
    const message = isObject(value.message) ? value.message : undefined;
    switch (value.type) {
      case "user":
        if (message && value.isCompactSummary === true) return this.#compaction(message);
        return message ? this.#user(message, value.isMeta === true) : [];
      case "assistant":
        return message ? this.#assistant(message) : [];
      case "summary": {
        const summary = text(value.summary);
        return summary ? this.#add({ role: "note", content: `Summary: ${summary}` }) : [];
      }
      case "system": {
        const content = text(value.content);
        return content ? this.#add({ role: "system", content }) : [];
      }
      default:
        return []; // file-history snapshots, queue operations, progress: not conversation
    }
  }

  protected finish(): SourceItem[] {
    return this.#tools.end();
  }

  #user(message: JsonObject, isMeta: boolean): SourceItem[] {
    // Lines Claude Code itself put in the user's name (caveats, command output) are marked isMeta.
    const role = isMeta ? "system" : "user";
    if (typeof message.content === "string") return this.#add({ role, content: message.content });
    if (!Array.isArray(message.content)) return [];
    const items: SourceItem[] = [];
    const texts: string[] = [];
    for (const block of message.content) {
      if (!isObject(block)) continue;
      if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
      else if (block.type === "image") texts.push("[image]");
      else if (block.type === "tool_result") {
        const id = text(block.tool_use_id);
        const status = { status: block.is_error === true ? "error" as const : "ok" as const };
        items.push(...this.#tools.result(id, resultText(block.content), this.line, this.at, status));
      }
    }
    if (texts.length > 0) items.push(...this.#add({ role, content: texts.join("\n\n") }));
    return items;
  }

  /** The summary Claude Code writes in the user's name when it compacts: a continuation log starts there. */
  #compaction(message: JsonObject): SourceItem[] {
    const held = this.#tools.flush(); // so the summary comes out at once, after what came before
    const events = this.#user(message, false);
    const summary = events.flatMap((item) => item.kind === "event" ? [item.event.content] : []).join("\n\n");
    if (summary === "") return [...held, ...events];
    return [...held, { kind: "compaction", line: this.line, at: this.at, summary }, ...events];
  }

  #assistant(message: JsonObject): SourceItem[] {
    // The model on every event of the message; its usage on the first only, so sums stay true.
    const model = typeof message.model === "string" && message.model !== "<synthetic>" ? message.model : undefined;
    let usage = this.#usage(message);
    const meta = (): EventMeta => {
      const given: EventMeta = model === undefined ? {} : { model };
      if (usage !== undefined) given.tokens = usage;
      usage = undefined;
      return given;
    };
    if (typeof message.content === "string") {
      return this.#add({ role: "assistant", content: message.content, ...meta() });
    }
    if (!Array.isArray(message.content)) return [];
    const items: SourceItem[] = [];
    for (const block of message.content) {
      if (!isObject(block)) continue;
      if (block.type === "text" && typeof block.text === "string") {
        items.push(...this.#add({ role: "assistant", content: block.text, ...meta() }));
      } else if (block.type === "thinking" && typeof block.thinking === "string" && block.thinking !== "") {
        items.push(...this.#add({ role: "thought", content: block.thinking, ...meta() }));
      } else if (block.type === "tool_use") {
        const args: ToolArgs = isObject(block.input) ? block.input : { input: block.input ?? null };
        items.push(...this.#tools.call(text(block.id), toolName(block.name), args, this.at, this.line, meta()));
      }
    }
    return items;
  }

  /** The message's token usage, the first time its id is seen. */
  #usage(message: JsonObject): TokenUsage | undefined {
    const usage = isObject(message.usage) ? message.usage : undefined;
    if (usage === undefined) return undefined;
    if (typeof message.id === "string") {
      if (this.#counted.has(message.id)) return undefined;
      this.#counted.add(message.id);
    }
    const tokens: TokenUsage = {};
    const count = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
    if (count(usage.input_tokens)) tokens.input = usage.input_tokens as number;
    if (count(usage.output_tokens)) tokens.output = usage.output_tokens as number;
    if (count(usage.cache_read_input_tokens)) tokens.cache_read = usage.cache_read_input_tokens as number;
    if (count(usage.cache_creation_input_tokens)) tokens.cache_write = usage.cache_creation_input_tokens as number;
    return Object.keys(tokens).length > 0 ? tokens : undefined;
  }

  #add(
    event: { role: "user" | "assistant" | "system" | "thought" | "note"; content: string } & EventMeta,
  ): SourceItem[] {
    const item = this.event(event);
    return item.kind === "event" ? this.#tools.add(item.event, item.line) : [];
  }
}

/** A tool result's text: a string, or the text blocks of a list. */
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? "" : JSON.stringify(content);
  return content.map((block) => {
    if (!isObject(block)) return String(block);
    if (typeof block.text === "string") return block.text;
    return block.type === "image" ? "[image]" : JSON.stringify(block);
  }).join("\n");
}
