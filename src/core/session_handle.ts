/**
 * A handle on one session: the same operations as {@linkcode Crucible}, with the id bound.
 *
 * @module
 */
import type { NewEvent, ToolArgs } from "../model/event.ts";
import type { LabelledRole } from "../model/role.ts";
import type { WriteReceipt } from "../model/write_receipt.ts";
import type { Crucible, SessionView } from "./crucible.ts";

/**
 * One session of a store.
 *
 * @example
 * ```ts ignore
 * import { open } from "../../mod.ts";
 * const session = await open({ dir: "/tmp/example/.crucible" }).openSession({ type: "agent", title: "Fix CI" });
 * await session.append({ role: "thought", content: "The cache key is stale." });
 * await session.tool("shell", { cmd: "make" }, "ok");
 * await session.end();
 * ```
 */
export class SessionHandle {
  readonly id: string;
  readonly #cru: Crucible;

  constructor(cru: Crucible, id: string) {
    this.#cru = cru;
    this.id = id;
  }

  /** Appends one or more events. */
  append(events: NewEvent | readonly NewEvent[]): Promise<WriteReceipt> {
    return this.#cru.append(this.id, events);
  }

  /** Appends a labelled event: `say("user", "Hello")`. */
  say(role: LabelledRole, content: string): Promise<WriteReceipt> {
    return this.#cru.append(this.id, { role, content });
  }

  /** Records a tool call and its result. */
  tool(name: string, args: ToolArgs, result: string): Promise<WriteReceipt> {
    return this.#cru.append(this.id, { role: "tool", tool: name, args, content: result });
  }

  /** Starts a continuation log. */
  compact(summary: string): Promise<WriteReceipt> {
    return this.#cru.compact(this.id, summary);
  }

  /** Copies a file into the session's artifacts and links it. */
  attach(file: string, options: { name?: string } = {}): Promise<WriteReceipt & { artifact: string }> {
    return this.#cru.attach(this.id, file, options);
  }

  /** Marks the session ended. */
  end(): Promise<WriteReceipt & { alreadyEnded: boolean }> {
    return this.#cru.end(this.id);
  }

  /** Reads the whole session. */
  read(): Promise<SessionView> {
    return this.#cru.show(this.id);
  }
}
