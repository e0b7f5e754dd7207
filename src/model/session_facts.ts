/**
 * Session facts: where and with what a session ran — model, working folder,
 * host, git branch, commit and remote, the project, and the source it was
 * imported from. They live in the first log's frontmatter (`model`, `cwd`,
 * `host`, `git: {branch, commit, remote}`, `source`); the index service reads
 * them from there (`logFacts` in index_service/log_feeder.ts, the one home of
 * what the project is) and `core/session_facts.ts` adds commit and remote.
 *
 * @module
 */

/** What the filters, `show` and `stats` use; each optional (hand-written logs have none). */
export interface SessionFacts {
  model?: string;
  cwd?: string;
  host?: string;
  branch?: string;
  commit?: string;
  remote?: string;
  /** The git remote's `owner/name`, else the working folder's name. */
  project?: string;
  source?: string;
}

/** The fact keys, in the order they are shown. */
export const SESSION_FACT_KEYS = ["model", "cwd", "host", "branch", "commit", "remote", "project", "source"] as const;

/**
 * Only the facts of something that carries them (a session view), without
 * its other fields, for JSON shapes.
 *
 * @example
 * ```ts
 * import { pickSessionFacts } from "./session_facts.ts";
 * console.assert(JSON.stringify(pickSessionFacts({ model: "m", cwd: undefined })) === '{"model":"m"}');
 * ```
 */
export function pickSessionFacts(source: SessionFacts): SessionFacts {
  const facts: SessionFacts = {};
  for (const key of SESSION_FACT_KEYS) if (source[key] !== undefined) facts[key] = source[key];
  return facts;
}
