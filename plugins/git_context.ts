/**
 * git-context: records where a session was started — the working directory,
 * the host, and inside a git repository its branch, commit, remote and
 * whether the work tree had changes — in the session's frontmatter (`cwd`,
 * `host`, `git`). Values the caller gave (`cru session new --cwd … --host …`)
 * are kept; git is asked about that folder. Imported sessions (frontmatter
 * `imported:`) are left as their transcript describes them.
 *
 * @module
 */
import { hostname } from "node:os";
import type { PluginDefinition } from "../types.ts";

const plugin: PluginDefinition = {
  name: "git-context",
  version: "1.1.0",
  description: "records the working directory, host and git branch/commit/remote in a new session's frontmatter",
  setup(ctx) {
    ctx.hook("session:before-start", async (draft) => {
      // An imported session was not started here: this folder, host and branch say nothing about it.
      if (draft.extra.imported !== undefined) return undefined;
      const cwd = typeof draft.extra.cwd === "string" ? draft.extra.cwd : ctx.cwd;
      const git = (...args: string[]) => ctx.exec("git", args, { cwd, timeoutMs: 2_000 });
      const extra: Record<string, unknown> = { ...draft.extra, cwd };
      if (extra.host === undefined) extra.host = hostname();
      const [branch, commit, status, remote] = await Promise.all([
        git("rev-parse", "--abbrev-ref", "HEAD"),
        git("rev-parse", "HEAD"),
        git("status", "--porcelain", "--untracked-files=no"),
        git("remote", "get-url", "origin"),
      ]);
      if (commit.code === 0) {
        extra.git = {
          branch: branch.code === 0 ? branch.stdout.trim() : null,
          commit: commit.stdout.trim(),
          dirty: status.code === 0 ? status.stdout.trim() !== "" : null,
          ...(remote.code === 0 && remote.stdout.trim() !== ""
            ? { remote: withoutCredentials(remote.stdout.trim()) }
            : {}),
        };
      }
      return { ...draft, extra };
    });
  },
};

/** `https://user:token@host/x.git` → `https://host/x.git`: a remote URL may carry a secret. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

export default plugin;
