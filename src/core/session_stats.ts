/**
 * `stats`: sessions, events, tokens and cost grouped by day, model, project
 * and tool. For now it reads the markdown through the store (every log of
 * every session); the index will answer it once it keeps the numbers.
 *
 * @module
 */
import type { SessionEvent } from "../model/event.ts";
import type { ParseWarning } from "../model/log.ts";
import { fileMatches } from "../index/session_filters.ts";
import type { IndexFilters } from "../index/search_index_api.ts";
import { sessionFacts } from "./session_facts.ts";
import { timestampMs } from "../model/timestamp.ts";
import type { SessionStore } from "../store/session_store.ts";

/**
 * Options of {@linkcode collectStats}: the session filters of `list` (type,
 * tag, cwd, project, branch, host, model, source), and event times in ms
 * since the epoch, inclusive.
 */
export interface StatsOptions
  extends Pick<IndexFilters, "type" | "tag" | "cwd" | "project" | "branch" | "host" | "model" | "source"> {
  /** Only events at or after this time. */
  since?: number;
  /** Only events at or before this time. */
  until?: number;
}

/** Token sums. */
export interface TokenTotals {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  /** input + output + cache_read + cache_write. */
  total: number;
}

/** What one group (or everything) adds up to. */
export interface StatsTotals {
  /** Sessions with at least one counted event in the group. */
  sessions: number;
  events: number;
  tokens: TokenTotals;
  /** US dollars, as recorded on the events. */
  cost: number;
}

/** One group: a day (`2025-10-02`, UTC), a model, a project or a tool. */
export interface StatsRow extends StatsTotals {
  key: string;
}

/** What {@linkcode collectStats} returns. */
export interface StatsReport {
  totals: StatsTotals;
  by_day: StatsRow[];
  by_model: StatsRow[];
  by_project: StatsRow[];
  /** Tool events only; tokens are those of the model call that made the call. */
  by_tool: StatsRow[];
  warnings: ParseWarning[];
}

/** The key of events without a model, project or the like. */
export const UNKNOWN_KEY = "(unknown)";

/**
 * Adds up every event of every session in the store that the options let through.
 *
 * @example
 * ```ts ignore
 * import { collectStats } from "./session_stats.ts";
 * const report = await collectStats(store, { since: Date.parse("2025-01-01") });
 * console.log(report.totals.tokens.total, report.by_model);
 * ```
 */
export async function collectStats(store: SessionStore, options: StatsOptions = {}): Promise<StatsReport> {
  const totals = new Group();
  const groups = { day: new Map<string, Group>(), model: new Map<string, Group>(), project: new Map<string, Group>() };
  const tools = new Map<string, Group>();
  const warnings: ParseWarning[] = [];
  for (const id of store.ids()) {
    let session;
    try {
      session = await store.read(id);
    } catch {
      continue; // removed meanwhile
    }
    const first = session.logs[0].log.meta;
    const facts = sessionFacts(first.extra);
    if (options.type !== undefined && session.type !== options.type) continue;
    if (!fileMatches({ tags: first.tags ?? [], facts }, options)) continue;
    warnings.push(...session.warnings);
    for (const event of session.events) {
      const ms = timestampMs(event.at);
      if (options.since !== undefined && !(ms >= options.since)) continue;
      if (options.until !== undefined && !(ms <= options.until)) continue;
      totals.add(id, event);
      groupOf(groups.day, event.at.slice(0, 10)).add(id, event);
      groupOf(groups.model, event.model ?? facts.model ?? UNKNOWN_KEY).add(id, event);
      groupOf(groups.project, facts.project ?? UNKNOWN_KEY).add(id, event);
      if (event.role === "tool") groupOf(tools, event.tool ?? UNKNOWN_KEY).add(id, event);
    }
  }
  const byUse = (a: StatsRow, b: StatsRow) =>
    b.tokens.total - a.tokens.total || b.events - a.events || cmp(a.key, b.key);
  return {
    totals: totals.totals(),
    by_day: rows(groups.day).sort((a, b) => cmp(a.key, b.key)),
    by_model: rows(groups.model).sort(byUse),
    by_project: rows(groups.project).sort(byUse),
    by_tool: rows(tools).sort(byUse),
    warnings,
  };
}

class Group {
  readonly #sessions = new Set<string>();
  #events = 0;
  readonly #tokens: TokenTotals = { input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 };
  #cost = 0;

  add(session: string, event: SessionEvent): void {
    this.#sessions.add(session);
    this.#events++;
    const tokens = event.tokens ?? {};
    for (const key of ["input", "output", "cache_read", "cache_write"] as const) {
      this.#tokens[key] += tokens[key] ?? 0;
      this.#tokens.total += tokens[key] ?? 0;
    }
    this.#cost += event.cost ?? 0;
  }

  totals(): StatsTotals {
    // Sums of decimal dollars drift in the last bits: 12 places is far below a cent.
    const cost = Math.round(this.#cost * 1e12) / 1e12;
    return { sessions: this.#sessions.size, events: this.#events, tokens: { ...this.#tokens }, cost };
  }
}

function groupOf(groups: Map<string, Group>, key: string): Group {
  let group = groups.get(key);
  if (!group) groups.set(key, group = new Group());
  return group;
}

function rows(groups: Map<string, Group>): StatsRow[] {
  return [...groups].map(([key, group]) => ({ key, ...group.totals() }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
