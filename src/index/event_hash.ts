/**
 * A 32-bit hash of what an event says, so a rewritten log can be diffed
 * against the index without reading the indexed texts back.
 *
 * @module
 */

/** The parts of an event that make it the same event. */
export interface HashedEvent {
  role: string;
  content: string;
  at: string;
  tool?: string;
  args?: string;
}

/**
 * FNV-1a over role, tool, args, content and time, with separators that cannot
 * occur in the role or the time, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import { eventHash } from "./event_hash.ts";
 * const event = { role: "user", content: "hi", at: "2024-01-15T10:30:00Z" };
 * console.assert(eventHash(event) === eventHash({ ...event }));
 * console.assert(eventHash(event) !== eventHash({ ...event, content: "hi!" }));
 * ```
 */
export function eventHash(event: HashedEvent): number {
  let hash = 0x811c9dc5;
  const parts = [event.role, event.tool ?? "", event.args ?? "", event.content, event.at];
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    for (let i = 0; i < part.length; i++) {
      hash ^= part.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    // Separator (and length-sensitivity): mix in 0xffff, which is not a character.
    hash ^= 0xffff;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
