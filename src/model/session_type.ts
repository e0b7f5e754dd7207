/**
 * Session types.
 *
 * @module
 */

/** The kinds of session cru records. */
export const SESSION_TYPES = ["chat", "agent", "workflow", "plugin"] as const;

/** A session's kind. */
export type SessionType = typeof SESSION_TYPES[number];

/** True when `value` is a known session type. */
export function isSessionType(value: string): value is SessionType {
  return (SESSION_TYPES as readonly string[]).includes(value);
}

/** The session types an import can make (a transcript is a chat or an agent's run). */
export const IMPORT_SESSION_TYPES = ["chat", "agent"] as const satisfies readonly SessionType[];

/** A session type an import can make. */
export type ImportSessionType = typeof IMPORT_SESSION_TYPES[number];

/** True when `value` is a session type an import can make. */
export function isImportSessionType(value: string): value is ImportSessionType {
  return (IMPORT_SESSION_TYPES as readonly string[]).includes(value);
}

/** The H1 heading cru writes when a session has no title: `chat` → `Chat Session`. */
export function defaultHeading(type: string): string {
  return `${type[0]?.toUpperCase() ?? ""}${type.slice(1)} Session`;
}
