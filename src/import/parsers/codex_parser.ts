/**
 * Codex CLI session files (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`):
 * `{timestamp, type, payload}` lines — `session_meta` first, then
 * `response_item`s (messages, reasoning, function calls and their outputs),
 * with `event_msg` lines that repeat them for the UI (skipped) and
 * `turn_context` lines (skipped). The 2025 format without `payload` (a first
 * line `{id, timestamp, instructions}`, then bare items) is read too.
 *
 * @module
 */
import type { Role } from "../../model/role.ts";
import type { EventMeta, SessionEvent, TokenUsage, ToolArgs } from "../../model/event.ts";
import { isObject, JsonLinesParser, type JsonObject, text } from "./_json_lines.ts";
import type { SourceItem } from "./source_item.ts";
import { toolName } from "./source_item.ts";
import { jsonTime } from "./source_time.ts";
import { ToolCallQueue } from "./tool_call_queue.ts";

/** Items held for a usage report at most; past this they go out without waiting. */
const MAX_PENDING = 500;

/**
 * Reads a Codex CLI JSONL session.
 *
 * @example
 * ```ts
 * import { CodexParser } from "./codex_parser.ts";
 * const parser = new CodexParser({ file: "r.jsonl", fallbackTime: "2024-01-01T00:00:00Z" });
 * const meta = { timestamp: "2025-12-28T12:18:30Z", type: "session_meta", payload: { id: "s1", timestamp: "2025-12-28T12:18:30Z" } };
 * const said = { timestamp: "2025-12-28T12:19:00Z", type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] } };
 * const items = [...parser.push(JSON.stringify(meta)), ...parser.push(JSON.stringify(said)), ...parser.end()];
 * console.assert(items.map((i) => i.kind).join() === "session,event");
 * ```
 */
export class CodexParser extends JsonLinesParser {
  readonly format = "codex" as const;
  readonly #tools = new ToolCallQueue();
  /** The model of the current turn (from `turn_context`). */
  #model: string | undefined;
  /**
   * Items held until the model call that made them reports its usage (a
   * `token_count` line comes after the call's output), so the usage can still
   * be put on the call's first event.
   */
  #pending: SourceItem[] = [];
  /** The first event of the model call not yet given its usage. */
  #uncounted: SessionEvent | undefined;

  protected get label(): string {
    return "Codex";
  }

  protected record(value: JsonObject): SourceItem[] {
    const items = this.#read(value);
    if (value.type === "event_msg" && isObject(value.payload) && value.payload.type === "token_count") {
      this.#count(value.payload.info);
    } else if (value.type === "turn_context" && isObject(value.payload) && typeof value.payload.model === "string") {
      this.#model = value.payload.model;
    }
    this.#pending.push(...items);
    const userSpoke = items.some((item) => item.kind === "event" && item.event.role === "user");
    if (this.#uncounted === undefined || userSpoke || this.#pending.length > MAX_PENDING) return this.#release();
    return [];
  }

  #release(): SourceItem[] {
    const items = this.#pending;
    this.#pending = [];
    return items;
  }

  /** A `token_count` line: the usage of the last model call goes on its first event. */
  #count(info: unknown): void {
    const usage = isObject(info) && isObject(info.last_token_usage) ? info.last_token_usage : undefined;
    const target = this.#uncounted;
    this.#uncounted = undefined;
    if (usage === undefined || target === undefined) return;
    const tokens: TokenUsage = {};
    const count = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
    // Codex counts cached input inside input_tokens; cru keeps the two apart, as Claude Code does.
    const cached = count(usage.cached_input_tokens) ? usage.cached_input_tokens as number : 0;
    if (count(usage.input_tokens)) tokens.input = Math.max(0, (usage.input_tokens as number) - cached);
    if (count(usage.output_tokens)) tokens.output = usage.output_tokens as number;
    if (cached > 0) tokens.cache_read = cached;
    if (Object.keys(tokens).length > 0) target.tokens = tokens;
  }

  /** Marks an event as the model's: its model, and the usage to come if it opens a model call. */
  #fromModel(event: SessionEvent | undefined): void {
    if (event === undefined) return;
    if (this.#model !== undefined) event.model = this.#model;
    this.#uncounted ??= event;
  }

  #read(value: JsonObject): SourceItem[] {
    const time = jsonTime(value.timestamp);
    if (time !== undefined) this.at = time;
    if (value.type === "session_meta" && isObject(value.payload)) {
      this.#meta(value.payload, time);
      return [];
    }
    if (value.type === undefined && typeof value.id === "string") {
      this.#meta(value, time); // the 2025 format's first line
      return [];
    }
    if (time !== undefined) this.startSession(time, {});
    if (value.type === "response_item" && isObject(value.payload)) return this.#item(value.payload);
    if (value.type === "compacted" && isObject(value.payload)) {
      const message = text(value.payload.message);
      if (!message) return [];
      const compaction = { kind: "compaction" as const, line: this.line, at: this.at, summary: message };
      return [...this.#tools.flush(), compaction, ...this.#add("note", `Compacted: ${message}`)];
    }
    if (typeof value.type === "string" && !("payload" in value)) return this.#item(value); // the 2025 format
    return []; // event_msg repeats response items for the UI; turn_context is settings
  }

  protected finish(): SourceItem[] {
    return [...this.#release(), ...this.#tools.end()];
  }

  /** A followed file has no more lines for now: what waits for a usage report goes out without it. */
  protected override settle(): SourceItem[] {
    return this.#release();
  }

  #meta(payload: JsonObject, lineTime: string | undefined): void {
    const meta: JsonObject = {};
    if (typeof payload.id === "string") meta.source_session = payload.id;
    if (typeof payload.cwd === "string") meta.cwd = payload.cwd;
    if (isObject(payload.git)) {
      const git: JsonObject = {};
      if (typeof payload.git.branch === "string") git.branch = payload.git.branch;
      if (typeof payload.git.commit_hash === "string") git.commit = payload.git.commit_hash;
      if (typeof payload.git.repository_url === "string") git.remote = payload.git.repository_url;
      if (Object.keys(git).length > 0) meta.git = git;
    }
    if (typeof payload.cli_version === "string") meta.source_version = payload.cli_version;
    const started = jsonTime(payload.timestamp) ?? lineTime;
    if (started !== undefined) {
      this.at = started;
      this.startSession(started, meta);
    }
  }

  #item(item: JsonObject): SourceItem[] {
    switch (item.type) {
      case "message": {
        const role: Role = item.role === "user" ? "user" : item.role === "assistant" ? "assistant" : "system";
        const content = messageText(item.content);
        return content === "" ? [] : this.#add(role, content, role === "assistant");
      }
      case "reasoning": {
        const summary = Array.isArray(item.summary) ? item.summary : [];
        const parts = summary.map((part) => isObject(part) ? text(part.text) : undefined).filter((t) => t);
        if (parts.length === 0 && Array.isArray(item.content)) parts.push(messageText(item.content));
        const content = parts.join("\n\n");
        return content === "" ? [] : this.#add("thought", content, true);
      }
      case "function_call":
        return this.#call(
          text(item.call_id),
          toolName(item.name),
          parseArguments(item.arguments),
          this.at,
          this.line,
        );
      case "custom_tool_call":
        return this.#call(
          text(item.call_id),
          toolName(item.name),
          { input: item.input ?? null },
          this.at,
          this.line,
        );
      case "local_shell_call":
        return this.#call(
          text(item.call_id),
          "shell",
          isObject(item.action) ? item.action : {},
          this.at,
          this.line,
        );
      case "web_search_call": {
        const args: ToolArgs = isObject(item.action) ? item.action : {};
        const event: SessionEvent = { role: "tool", tool: "web_search", args, content: "", at: this.at };
        this.#fromModel(event);
        return this.#tools.add(event, this.line);
      }
      case "function_call_output":
      case "custom_tool_call_output":
      case "local_shell_call_output":
        return this.#tools.result(
          text(item.call_id),
          outputText(item.output),
          this.line,
          this.at,
          outputMeta(item.output),
        );
      default:
        return [];
    }
  }

  #call(id: string | undefined, tool: string, args: ToolArgs, at: string, line: number): SourceItem[] {
    const items = this.#tools.call(id, tool, args, at, line);
    this.#fromModel(this.#tools.lastCall);
    return items;
  }

  #add(role: Role, content: string, fromModel = false): SourceItem[] {
    const item = this.event({ role, content });
    if (item.kind !== "event") return [];
    if (fromModel) this.#fromModel(item.event);
    return this.#tools.add(item.event, item.line);
  }
}

/** The text parts of a message's content list. */
function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => {
    if (!isObject(part)) return "";
    if (typeof part.text === "string") return part.text;
    return typeof part.type === "string" && part.type.includes("image") ? "[image]" : "";
  }).filter((t) => t !== "").join("\n\n");
}

/** A function call's `arguments`: a JSON text that is usually an object. */
function parseArguments(raw: unknown): ToolArgs {
  if (isObject(raw)) return raw;
  if (typeof raw !== "string") return raw === undefined ? {} : { arguments: raw };
  try {
    const value = JSON.parse(raw);
    return isObject(value) ? value : { arguments: value };
  } catch {
    return { arguments: raw };
  }
}

/** A shell call's exit code and duration, when its output reports them (`{output, metadata}`). */
function outputMeta(output: unknown): EventMeta {
  let value = output;
  if (typeof output === "string" && output.startsWith("{")) {
    try {
      value = JSON.parse(output);
    } catch {
      return {};
    }
  }
  const metadata = isObject(value) && isObject(value.metadata) ? value.metadata : undefined;
  if (metadata === undefined) return {};
  const meta: EventMeta = {};
  if (typeof metadata.exit_code === "number") meta.status = metadata.exit_code === 0 ? "ok" : "error";
  const seconds = metadata.duration_seconds;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0) {
    meta.duration_ms = Math.round(seconds * 1000);
  }
  return meta;
}

/** A call's output: a string, or `{content}` / anything else as JSON. */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (isObject(output) && typeof output.content === "string") return output.content;
  return output === undefined || output === null ? "" : JSON.stringify(output);
}
