/**
 * Session ids: `<type>-<suffix>`, safe as folder names, sortable by creation time.
 *
 * @module
 */
import { InvalidInputError } from "./errors.ts";
import type { SessionType } from "./session_type.ts";

/** What a session id may look like: a lowercase word, a dash, then letters, digits, `.`, `_`, `-`. */
const SESSION_ID_PATTERN = /^[a-z][a-z0-9]*-[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `id` is a well-formed session id (no path separators, no `..`). */
export function isSessionId(id: string): boolean {
  return SESSION_ID_PATTERN.test(id) && !id.includes("..");
}

/** Throws {@linkcode InvalidInputError} unless `id` is a well-formed session id. */
export function assertSessionId(id: string): void {
  if (!isSessionId(id)) {
    throw new InvalidInputError("session id", id, "<type>-<suffix> made of letters, digits, '.', '_', '-'");
  }
}

/** The type part of a session id: `chat-abc123` → `chat`. */
export function typeOfSessionId(id: string): string {
  return id.slice(0, id.indexOf("-"));
}

/**
 * Makes a new session id whose suffix sorts by creation time
 * (`chat-20240115-103000-k3x9`).
 *
 * @example
 * ```ts
 * import { newSessionId } from "./session_id.ts";
 * const id = newSessionId("chat", new Date(Date.UTC(2024, 0, 15, 10, 30, 0)));
 * console.assert(id.startsWith("chat-20240115-103000-"));
 * ```
 */
export function newSessionId(type: SessionType, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const random = crypto.getRandomValues(new Uint32Array(1))[0].toString(36).padStart(7, "0").slice(0, 6);
  return `${type}-${stamp}-${random}`;
}
