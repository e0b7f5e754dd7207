/**
 * git-context: records where a session was started — the working directory
 * and, inside a git repository, its branch, commit and whether the work tree
 * had changes — in the session's frontmatter (`cwd`, `git`). Imported sessions
 * (frontmatter `imported:`) are left as their transcript describes them.
 *
 * @module
 */
import type { PluginDefinition } from "../types.ts";

const plugin: PluginDefinition = {
  name: "git-context",
  version: "1.0.0",
  description: "records the working directory and git branch/commit in a new session's frontmatter",
  setup(ctx) {
    ctx.hook("session:before-start", async (draft) => {
      // An imported session was not started here: this folder and branch say nothing about it.
      if (draft.extra.imported !== undefined) return undefined;
      const git = (...args: string[]) => ctx.exec("git", args, { timeoutMs: 2_000 });
      const extra: Record<string, unknown> = { ...draft.extra, cwd: ctx.cwd };
      const [branch, commit, status] = await Promise.all([
        git("rev-parse", "--abbrev-ref", "HEAD"),
        git("rev-parse", "HEAD"),
        git("status", "--porcelain", "--untracked-files=no"),
      ]);
      if (commit.code === 0) {
        extra.git = {
          branch: branch.code === 0 ? branch.stdout.trim() : null,
          commit: commit.stdout.trim(),
          dirty: status.code === 0 ? status.stdout.trim() !== "" : null,
        };
      }
      return { ...draft, extra };
    });
  },
};

export default plugin;
