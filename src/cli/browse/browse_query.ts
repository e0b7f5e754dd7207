/**
 * The browser's query line: words to search for, and filters typed among them
 * as `type:agent`, `since:7d`, `until:2024-06-01`, `role:user`, `tool:shell`.
 *
 * @module
 */
import { InvalidInputError } from "../../model/errors.ts";
import { isRole, ROLES } from "../../model/role.ts";
import { isSessionType, SESSION_TYPES } from "../../model/session_type.ts";
import { parseDateFilter } from "../../model/time_filter.ts";

/** The filters the browser knows. */
export interface BrowseFilters {
  type?: string;
  since?: number;
  until?: number;
  role?: string;
  tool?: string;
}

/** A query line, read. */
export interface BrowseQuery {
  /** The words to search for, without the filters ("" lists recent sessions). */
  words: string;
  filters: BrowseFilters;
  /** What is wrong with a filter, if anything (the rest still applies). */
  problem?: string;
}

const FILTER = /^(type|since|until|role|tool):(\S*)$/;

/**
 * Reads a query line.
 *
 * @example
 * ```ts
 * import { readBrowseQuery } from "./browse_query.ts";
 * const query = readBrowseQuery("deploy type:agent role:user", () => new Date());
 * console.assert(query.words === "deploy" && query.filters.type === "agent");
 * ```
 */
export function readBrowseQuery(line: string, now: () => Date = () => new Date()): BrowseQuery {
  const words: string[] = [];
  const filters: BrowseFilters = {};
  let problem: string | undefined;
  for (const word of line.split(/\s+/).filter((w) => w !== "")) {
    const match = FILTER.exec(word);
    if (!match) {
      words.push(word);
      continue;
    }
    const [, key, value] = match;
    if (value === "") continue; // still being typed
    try {
      if (key === "type") {
        if (!isSessionType(value)) throw new InvalidInputError("type:", value, SESSION_TYPES.join(", "));
        filters.type = value;
      } else if (key === "role") {
        if (!isRole(value)) throw new InvalidInputError("role:", value, ROLES.join(", "));
        filters.role = value;
      } else if (key === "tool") filters.tool = value;
      else filters[key as "since" | "until"] = parseDateFilter(value, `${key}:`, now());
    } catch (error) {
      problem ??= (error as Error).message;
    }
  }
  return { words: words.join(" "), filters, ...(problem === undefined ? {} : { problem }) };
}
