/**
 * Whether a session passes the session-level filters of list, search and
 * stats: type, tag and the facts. The one home of what each filter means
 * (`cwd` is a folder and everything below it; the others match exactly).
 *
 * @module
 */
import type { SessionFacts } from "./session_facts.ts";

/** The session-level filters (event filters — times, role, tool — are applied per event). */
export interface SessionFilterFields {
  type?: string;
  tag?: string;
  cwd?: string;
  project?: string;
  branch?: string;
  host?: string;
  model?: string;
  source?: string;
}

/** What a session offers the filters. */
export interface FilterableSession {
  type: string;
  tags: readonly string[];
  facts: SessionFacts;
}

/**
 * True when the session passes every filter that is set.
 *
 * @example
 * ```ts
 * import { sessionMatches } from "./session_filter.ts";
 * const session = { type: "agent", tags: ["ci"], facts: { cwd: "/src/shop/api", project: "shop" } };
 * console.assert(sessionMatches(session, { tag: "ci", cwd: "/src/shop" }));
 * console.assert(!sessionMatches(session, { cwd: "/src/sho" }));
 * ```
 */
export function sessionMatches(session: FilterableSession, filters: SessionFilterFields): boolean {
  if (filters.type !== undefined && session.type !== filters.type) return false;
  if (filters.tag !== undefined && !session.tags.includes(filters.tag)) return false;
  if (filters.cwd !== undefined && !isWithin(session.facts.cwd, filters.cwd)) return false;
  for (const key of ["project", "branch", "host", "model", "source"] as const) {
    if (filters[key] !== undefined && session.facts[key] !== filters[key]) return false;
  }
  return true;
}

/** True when `path` is `folder` or below it (`/a/b` is within `/a`, `/ab` is not). */
export function isWithin(path: string | undefined, folder: string): boolean {
  if (path === undefined) return false;
  const trim = (p: string) => (p.length > 1 ? p.replace(/[\\/]+$/, "") : p);
  const [inner, outer] = [trim(path), trim(folder)];
  return inner === outer || inner.startsWith(outer.endsWith("/") ? outer : `${outer}/`);
}
