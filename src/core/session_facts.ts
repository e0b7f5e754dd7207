/**
 * A session's facts as `show` and `stats` give them: those the index filters
 * on (`logFacts`, one home for what the project is), with the git commit and
 * remote besides.
 *
 * @module
 */
import { logFacts } from "../index_service/log_feeder.ts";
import { pickSessionFacts, type SessionFacts } from "../model/session_facts.ts";
import type { SessionView } from "./crucible.ts";

/**
 * Reads the facts from a log's frontmatter keys (the `extra` of its meta).
 *
 * @example
 * ```ts
 * import { sessionFacts } from "./session_facts.ts";
 * const facts = sessionFacts({ cwd: "/home/ana/src/shop", git: { branch: "main", commit: "3f2a9c1" } });
 * console.assert(facts.branch === "main" && facts.commit === "3f2a9c1" && facts.project === "shop");
 * ```
 */
export function sessionFacts(frontmatter: Record<string, unknown>): SessionFacts {
  const git = typeof frontmatter.git === "object" && frontmatter.git !== null
    ? frontmatter.git as Record<string, unknown>
    : {};
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  return pickSessionFacts({ ...logFacts(frontmatter), commit: text(git.commit), remote: text(git.remote) });
}

/** The fields {@linkcode sessionHeader} gives. */
export type SessionHeader = Pick<SessionView, "id" | "type" | "title" | "tags" | "started" | "ended"> & SessionFacts;

/**
 * The part of a session every JSON shape that describes one starts with (`show --json`, `export`, the MCP
 * server's `read_session`): one home for its field names.
 */
export function sessionHeader(view: SessionView): SessionHeader {
  return {
    id: view.id,
    type: view.type,
    title: view.title,
    tags: view.tags,
    ...pickSessionFacts(view),
    started: view.started,
    ended: view.ended,
  };
}
