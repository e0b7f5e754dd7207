/**
 * Event metadata: what a model call cost and how it went — the model, token
 * usage, cost, duration, the tool call's id and its status. Every field is
 * optional; hand-written events have none.
 *
 * @module
 */
import { InvalidInputError } from "./errors.ts";

/** Token counts of one model call (OpenTelemetry GenAI: input, output, cache read and write). */
export interface TokenUsage {
  input?: number;
  output?: number;
  cache_read?: number;
  cache_write?: number;
}

/** How a tool call or model call ended. */
export type EventStatus = "ok" | "error";

/** The metadata an event may carry. */
export interface EventMeta {
  /** The model that produced the event (`claude-sonnet-4-5`, `gpt-5-codex`). */
  model?: string;
  tokens?: TokenUsage;
  /** Cost in US dollars. */
  cost?: number;
  duration_ms?: number;
  /** The id the model gave the tool call (`toolu_01…`, `call_…`). */
  tool_call_id?: string;
  status?: EventStatus;
}

/** The metadata keys, in the order they are written. */
export const EVENT_META_KEYS = ["model", "tokens", "cost", "duration_ms", "tool_call_id", "status"] as const;
/** The token keys, in the order they are written. */
export const TOKEN_KEYS = ["input", "output", "cache_read", "cache_write"] as const;
/** The values `status` may take. */
export const EVENT_STATUSES: readonly EventStatus[] = ["ok", "error"];

/** A model name or tool call id: one line of printable text. */
const NAME = /^[^\s\p{Cc}][^\p{Cc}]{0,199}$/u;

/**
 * Checks the metadata of an event and returns only the fields it sets, in
 * their canonical order (so two equal metadata compare equal as JSON).
 *
 * @example
 * ```ts
 * import { pickEventMeta } from "./event_meta.ts";
 * const meta = pickEventMeta({ status: "ok", model: "gpt-5", tokens: { output: 3, input: 10 } });
 * console.assert(JSON.stringify(meta) === '{"model":"gpt-5","tokens":{"input":10,"output":3},"status":"ok"}');
 * ```
 */
export function pickEventMeta(source: EventMeta): EventMeta {
  const meta: EventMeta = {};
  if (source.model !== undefined) meta.model = checkName("model", source.model);
  if (source.tokens !== undefined) {
    if (typeof source.tokens !== "object" || source.tokens === null || Array.isArray(source.tokens)) {
      throw new InvalidInputError("tokens", JSON.stringify(source.tokens), "an object of token counts");
    }
    const tokens: TokenUsage = {};
    for (const key of TOKEN_KEYS) {
      const value = source.tokens[key];
      if (value !== undefined) tokens[key] = checkCount(`tokens.${key}`, value);
    }
    if (Object.keys(tokens).length > 0) meta.tokens = tokens;
  }
  if (source.cost !== undefined) {
    if (typeof source.cost !== "number" || !Number.isFinite(source.cost) || source.cost < 0) {
      throw new InvalidInputError("cost", String(source.cost), "a number of dollars, 0 or more");
    }
    meta.cost = source.cost;
  }
  if (source.duration_ms !== undefined) meta.duration_ms = checkCount("duration_ms", source.duration_ms);
  if (source.tool_call_id !== undefined) meta.tool_call_id = checkName("tool_call_id", source.tool_call_id);
  if (source.status !== undefined) {
    if (!EVENT_STATUSES.includes(source.status)) {
      throw new InvalidInputError("status", String(source.status), EVENT_STATUSES.join(" or "));
    }
    meta.status = source.status;
  }
  return meta;
}

/** True when the metadata sets nothing. */
export function isEmptyEventMeta(meta: EventMeta): boolean {
  return EVENT_META_KEYS.every((key) => meta[key] === undefined);
}

function checkName(what: string, value: unknown): string {
  if (typeof value !== "string" || !NAME.test(value)) {
    throw new InvalidInputError(what, String(value), "one line of text, at most 200 characters");
  }
  return value;
}

function checkCount(what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(what, String(value), "a whole number, 0 or more");
  }
  return value;
}
