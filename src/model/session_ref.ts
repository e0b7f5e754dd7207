/**
 * What people type to name a session: a full id, any unique prefix of one,
 * `@last` (the session with the most recent activity) or `@last~N` (the one
 * N before it, as in git).
 *
 * @module
 */
import { AmbiguousSessionIdError, InvalidInputError, SessionNotFoundError } from "./errors.ts";
import { assertSessionId } from "./session_id.ts";

const LAST = /^@last(?:~(\d+))?$/;

/** Where a reference is looked up. */
export interface SessionRefScope {
  /** Every session id, oldest first. */
  ids: readonly string[];
  /** Session ids, most recent activity first (only asked for `@last`). */
  recent: () => readonly string[];
  /** Where the sessions are, for the not-found message. */
  where: string;
}

/**
 * Resolves a reference to one session id.
 *
 * @example
 * ```ts
 * import { resolveSessionRef } from "./session_ref.ts";
 * const scope = { ids: ["chat-20240115-a1", "agent-20240116-b2"], recent: () => ["agent-20240116-b2", "chat-20240115-a1"], where: "test" };
 * console.assert(resolveSessionRef("chat", scope) === "chat-20240115-a1");
 * console.assert(resolveSessionRef("@last~1", scope) === "chat-20240115-a1");
 * ```
 */
export function resolveSessionRef(ref: string, scope: SessionRefScope): string {
  const last = LAST.exec(ref);
  if (last) {
    const back = Number(last[1] ?? 0);
    const recent = scope.recent();
    if (back >= recent.length) {
      const expected = recent.length === 0
        ? "a store with sessions (it has none)"
        : recent.length === 1
        ? "@last (the store holds one session)"
        : `at most @last~${recent.length - 1} (the store holds ${recent.length} sessions)`;
      throw new InvalidInputError("session", ref, expected);
    }
    return recent[back];
  }
  if (ref.startsWith("@")) throw new InvalidInputError("session", ref, "an id, an id prefix, @last or @last~N");
  // Nothing that could never be (part of) an id: no path separators, no `..`.
  if (!/^[A-Za-z0-9._-]*$/.test(ref) || ref.includes("..")) assertSessionId(ref);
  if (scope.ids.includes(ref)) return ref;
  const matches = ref === "" ? [] : scope.ids.filter((id) => id.startsWith(ref));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw new AmbiguousSessionIdError(ref, [...matches]);
  throw new SessionNotFoundError(ref, scope.where);
}
