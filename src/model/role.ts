/**
 * Event roles: who or what produced an event.
 *
 * @module
 */

/** Roles written with a `**Label:**` in the log. */
export const LABELLED_ROLES = [
  "user",
  "assistant",
  "system",
  "thought",
  "action",
  "step",
  "result",
  "error",
  "note",
] as const;

/** Every role an event can have: the labelled ones and `tool` (a `[Tool: …]` line and its result). */
export const ROLES = [...LABELLED_ROLES, "tool"] as const;

/** A role written as a `**Label:**` paragraph. */
export type LabelledRole = typeof LABELLED_ROLES[number];
/** Any event role. */
export type Role = typeof ROLES[number];

/** True when `value` is a known role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The label a role is written with: `user` → `User`. */
export function roleLabel(role: LabelledRole): string {
  return role[0].toUpperCase() + role.slice(1);
}

/** The role for a label, case-insensitively, or undefined: `Assistant` → `assistant`. */
export function roleFromLabel(label: string): LabelledRole | undefined {
  const lower = label.toLowerCase();
  return (LABELLED_ROLES as readonly string[]).includes(lower) ? lower as LabelledRole : undefined;
}
