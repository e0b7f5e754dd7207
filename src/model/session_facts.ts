/**
 * Session facts: where and with what a session ran — model, working folder,
 * host, git branch, commit and remote, the project, and the source it was
 * imported from. They live in the first log's frontmatter (`model`, `cwd`,
 * `host`, `git: {branch, commit, remote}`, `source`), and this is the one
 * place that reads them from there.
 *
 * @module
 */

/** What the filters and `stats` use; each optional (hand-written logs have none). */
export interface SessionFacts {
  model?: string;
  cwd?: string;
  host?: string;
  branch?: string;
  commit?: string;
  remote?: string;
  /** The git remote's repository name, else the working folder's name. */
  project?: string;
  source?: string;
}

/**
 * Reads the facts from a log's frontmatter keys (the `extra` of its meta).
 * A session whose frontmatter names no model takes that of its first event
 * that has one (imported sessions learn their model only from their events),
 * when `events` are given.
 *
 * @example
 * ```ts
 * import { sessionFacts } from "./session_facts.ts";
 * const facts = sessionFacts({ cwd: "/home/ana/src/shop", git: { branch: "main", remote: "git@github.com:ana/api.git" } });
 * console.assert(facts.branch === "main" && facts.project === "api");
 * ```
 */
export function sessionFacts(
  frontmatter: Record<string, unknown>,
  events: Iterable<{ model?: string }> = [],
): SessionFacts {
  const facts: SessionFacts = {};
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
  const git = typeof frontmatter.git === "object" && frontmatter.git !== null
    ? frontmatter.git as Record<string, unknown>
    : {};
  const fields: [keyof SessionFacts, unknown][] = [
    ["model", frontmatter.model],
    ["cwd", frontmatter.cwd],
    ["host", frontmatter.host],
    ["branch", git.branch],
    ["commit", git.commit],
    ["remote", git.remote],
    ["source", frontmatter.source],
  ];
  for (const [key, value] of fields) {
    const found = text(value);
    if (found !== undefined) facts[key] = found;
  }
  if (facts.model === undefined) {
    for (const event of events) {
      if (event.model !== undefined) {
        facts.model = event.model;
        break;
      }
    }
  }
  const project = projectName(facts.remote, facts.cwd);
  if (project !== undefined) facts.project = project;
  return facts;
}

/**
 * A project's name: the repository name of its git remote
 * (`git@github.com:ana/api.git` → `api`), else the last folder of `cwd`.
 *
 * @example
 * ```ts
 * import { projectName } from "./session_facts.ts";
 * console.assert(projectName("https://github.com/ana/api", "/x") === "api");
 * console.assert(projectName(undefined, "/home/ana/src/shop/") === "shop");
 * ```
 */
export function projectName(remote: string | undefined, cwd: string | undefined): string | undefined {
  const last = (path: string) => path.replace(/[\\/]+$/, "").split(/[\\/:]/).filter(Boolean).at(-1);
  const fromRemote = remote === undefined ? undefined : last(remote)?.replace(/\.git$/, "");
  if (fromRemote) return fromRemote;
  return cwd === undefined ? undefined : last(cwd);
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
 * console.assert(JSON.stringify(pickSessionFacts({ id: "x", model: "m", cwd: undefined })) === '{"model":"m"}');
 * ```
 */
export function pickSessionFacts(source: SessionFacts): SessionFacts {
  const facts: SessionFacts = {};
  for (const key of SESSION_FACT_KEYS) if (source[key] !== undefined) facts[key] = source[key];
  return facts;
}
