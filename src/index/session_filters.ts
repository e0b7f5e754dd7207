/**
 * The session-level filters (tag, folder, project, branch, host, model,
 * source), judged on a log's file record: one home for what they mean, shared
 * by search and listing.
 *
 * @module
 */
import type { FileRecord } from "./index_storage.ts";
import type { IndexFilters } from "./search_index_api.ts";

/**
 * True when the log passes every session-level filter set in `filters`.
 * `cwd` matches the folder itself and everything below it.
 *
 * @example
 * ```ts
 * import { fileMatches } from "./session_filters.ts";
 * const record = { tags: ["bug"], facts: { cwd: "/src/cru/app" } };
 * console.assert(fileMatches(record, { cwd: "/src/cru", tag: "bug" }));
 * console.assert(!fileMatches(record, { cwd: "/src/cr" }));
 * ```
 */
export function fileMatches(record: Pick<FileRecord, "tags" | "facts">, filters: IndexFilters): boolean {
  const facts = record.facts ?? {};
  if (filters.tag !== undefined && !record.tags.includes(filters.tag)) return false;
  if (filters.cwd !== undefined && !within(facts.cwd, filters.cwd)) return false;
  if (filters.project !== undefined && facts.project !== filters.project) return false;
  if (filters.branch !== undefined && facts.branch !== filters.branch) return false;
  if (filters.host !== undefined && facts.host !== filters.host) return false;
  if (filters.model !== undefined && facts.model !== filters.model) return false;
  if (filters.source !== undefined && facts.source !== filters.source) return false;
  return true;
}

function within(folder: string | undefined, root: string): boolean {
  if (folder === undefined) return false;
  const trimmed = root.length > 1 ? root.replace(/[\\/]+$/, "") : root;
  if (folder === trimmed || trimmed === "/") return folder === trimmed || folder.startsWith("/");
  return folder.startsWith(trimmed + "/") || folder.startsWith(trimmed + "\\");
}
