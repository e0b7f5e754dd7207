/**
 * Pairs tool calls with their results. Agent transcripts write a call in one
 * line and its result in a later one; a cru tool event holds both, at the
 * call's place. Events after a call wait until its result comes, so the order
 * stays the source's. A result that does not come within a bounded number of
 * events (or bytes) is given up on: the call is written with an empty result
 * and a late result becomes an event of its own.
 *
 * @module
 */
import type { EventMeta, SessionEvent, ToolArgs } from "../../model/event.ts";
import type { SourceItem } from "./source_item.ts";

/** How many events, or how many bytes of them, may wait behind a call for its result. */
const MAX_WAITING_EVENTS = 2_000;
const MAX_WAITING_CHARS = 16 * 1024 * 1024;
/** How many given-up calls are remembered so a late result still gets their name. */
const MAX_LATE = 1_000;

interface Entry {
  event: SessionEvent;
  line: number;
  /** The call's id while it waits for its result. */
  waitingFor?: string;
}

/**
 * Holds events back while a tool call waits for its result.
 *
 * @example
 * ```ts
 * import { ToolCallQueue } from "./tool_call_queue.ts";
 * const queue = new ToolCallQueue();
 * const at = "2024-01-01T00:00:00Z";
 * queue.call("c1", "grep", { q: "x" }, at, 1);
 * console.assert(queue.add({ role: "assistant", content: "searching", at }, 2).length === 0);
 * const items = queue.result("c1", "3 hits", 3);
 * console.assert(items.length === 2 && items[0].kind === "event" && items[0].event.content === "3 hits");
 * ```
 */
export class ToolCallQueue {
  #entries: Entry[] = [];
  #waiting = new Map<string, Entry>();
  #late = new Map<string, { tool: string; args: ToolArgs }>();
  #chars = 0;
  /** The event of the newest call, still changeable until it goes out (usage reported after the call). */
  lastCall: SessionEvent | undefined;

  /** An event that is not a call: out now, or after the calls before it. */
  add(event: SessionEvent, line: number): SourceItem[] {
    if (this.#entries.length === 0) return [{ kind: "event", event, line }];
    this.#entries.push({ event, line });
    this.#chars += event.content.length;
    return this.#drain();
  }

  /** A tool call (its id becomes the event's `tool_call_id`); its event waits for {@linkcode result}. */
  call(
    id: string | undefined,
    tool: string,
    args: ToolArgs,
    at: string,
    line: number,
    meta: EventMeta = {},
  ): SourceItem[] {
    const event: SessionEvent = { role: "tool", tool, args, content: "", at, ...meta };
    if (id !== undefined && id !== "") event.tool_call_id = id;
    this.lastCall = event;
    const entry: Entry = { event, line };
    if (id === undefined || id === "" || this.#waiting.has(id)) return this.add(entry.event, line);
    entry.waitingFor = id;
    this.#waiting.set(id, entry);
    this.#entries.push(entry);
    return this.#drain();
  }

  /** The result of call `id`; `meta` (status, duration) is added to the call's event. */
  result(id: string | undefined, content: string, line: number, at?: string, meta: EventMeta = {}): SourceItem[] {
    const entry = id === undefined ? undefined : this.#waiting.get(id);
    if (entry) {
      this.#waiting.delete(id!);
      entry.waitingFor = undefined;
      entry.event.content = content;
      Object.assign(entry.event, meta);
      this.#chars += content.length;
      return this.#drain();
    }
    const late = id === undefined ? undefined : this.#late.get(id);
    if (late) this.#late.delete(id!);
    const event: SessionEvent = {
      role: "tool",
      tool: late?.tool ?? "tool_result",
      args: late?.args ?? (id === undefined ? {} : { call_id: id }),
      content,
      at: at ?? this.#entries.at(-1)?.event.at ?? "",
      ...meta,
    };
    if (id !== undefined && id !== "") event.tool_call_id = id;
    return this.add(event, line);
  }

  /**
   * Everything held goes out now (before a compaction): calls still waiting go
   * out with an empty result, and their results, if they come, as events of
   * their own.
   */
  flush(): SourceItem[] {
    for (const entry of this.#entries) if (entry.waitingFor !== undefined) this.#giveUp(entry);
    return this.end();
  }

  /** The source has ended: calls still waiting go out with an empty result. */
  end(): SourceItem[] {
    const items = this.#entries.map((entry) => ({ kind: "event" as const, event: entry.event, line: entry.line }));
    this.#entries = [];
    this.#waiting.clear();
    this.#chars = 0;
    return items;
  }

  #drain(): SourceItem[] {
    const items: SourceItem[] = [];
    while (this.#entries.length > 0) {
      const head = this.#entries[0];
      if (head.waitingFor !== undefined) {
        if (this.#entries.length <= MAX_WAITING_EVENTS && this.#chars <= MAX_WAITING_CHARS) break;
        this.#giveUp(head);
      }
      this.#entries.shift();
      this.#chars -= head.event.content.length;
      items.push({ kind: "event", event: head.event, line: head.line });
    }
    if (this.#entries.length === 0) this.#chars = 0;
    return items;
  }

  #giveUp(entry: Entry): void {
    const id = entry.waitingFor!;
    this.#waiting.delete(id);
    entry.waitingFor = undefined;
    this.#late.set(id, { tool: entry.event.tool!, args: entry.event.args ?? {} });
    if (this.#late.size > MAX_LATE) this.#late.delete(this.#late.keys().next().value!);
  }
}
