/** `cru session search`: ranked full-text hits with snippets and `file:line`. */
import { type Command, Option } from "commander";
import type { SessionFilters } from "../../core/crucible.ts";
import { ROLES } from "../../model/role.ts";
import type { SearchHit } from "../../model/search_result.ts";
import {
  type CommonOptions,
  type FilterOptions,
  openStore,
  readFilters,
  withCommonOptions,
  withFilterOptions,
  withTimeOption,
} from "../common_options.ts";
import { displayTime } from "../display_time.ts";
import type { OutputSink } from "../output.ts";
import { progressBar } from "../progress.ts";
import { bold, colorEnabled, cyan, dim, yellow } from "../style.ts";

export function registerSessionSearch(session: Command, sink: OutputSink): void {
  withCommonOptions(withTimeOption(withFilterOptions(
    session.command("search")
      .description("full-text search over events, tool names and arguments, titles and tags, best matches first")
      .argument(
        "<query>",
        `words to find: all must match (stemmed: 'running' finds 'runs'); "exact phrase", prefix*, -excluded, a OR b`,
      )
      .addOption(new Option("--role <role>", "only events of this role").choices([...ROLES, "summary", "title"]))
      .option("--tool <name>", "only calls of this tool")
      .option("--session <id>", "only this session (an id, a unique prefix, @last or @last~N)"),
  ))).action(async (query: string, options: CommonOptions & FilterOptions & SearchOnlyOptions & { utc?: boolean }) => {
    const filters: SessionFilters = {
      ...readFilters(options),
      ...(options.role === undefined ? {} : { role: options.role }),
      ...(options.tool === undefined ? {} : { tool: options.tool }),
    };
    const cru = openStore(options);
    if (options.session !== undefined) filters.session = cru.resolveId(options.session);
    const bar = progressBar();
    const { hits, total, warnings } = await cru.search(query, filters, bar.update);
    await bar.clear();
    const data = {
      total,
      hits: hits.map((h) => ({
        session_id: h.session_id,
        type: h.type,
        file: h.file,
        line: h.line,
        at: h.at,
        role: h.role,
        snippet: h.snippet,
        score: h.score,
        ...(h.seq === undefined ? {} : { seq: h.seq }),
        ...(h.tool === undefined ? {} : { tool: h.tool }),
      })),
    };
    const more = total > hits.length
      ? `\n\n${dim(`${hits.length} of ${total} matches shown; --limit N shows more`)}`
      : "";
    sink.set({
      json: options.json,
      data,
      text: hits.length === 0
        ? dim(`no matches for ${JSON.stringify(query)}`)
        : `${hits.map((hit) => renderHit(hit, options.utc === true)).join("\n\n")}${more}`,
      warnings: warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`),
    });
  });
}

/** Filters only search has: they are about events, not sessions. */
interface SearchOnlyOptions {
  role?: string;
  tool?: string;
  session?: string;
}

function renderHit(hit: SearchHit, utc: boolean): string {
  const label = hit.role === "tool" && hit.tool ? `tool ${hit.tool}` : hit.role;
  const head = `${bold(hit.session_id)} ${
    dim(`${hit.type} · ${displayTime(hit.at, { utc })} · ${label} · score ${scoreText(hit.score)}`)
  }`;
  // On a terminal the matched words are highlighted; in plain text their «marks» stay, so they still show.
  const snippet = colorEnabled()
    ? hit.snippet.replace(/«([^»]*)»/g, (_, word: string) => yellow(bold(word)))
    : hit.snippet;
  return `${head}\n  ${snippet}\n  ${cyan(dim(`${hit.file}:${hit.line}`))}`;
}

/** A score people can compare: two decimals, or two significant digits when it is tiny (words in most events). */
function scoreText(score: number): string {
  return score >= 0.01 || score === 0 ? score.toFixed(2) : score.toExponential(1);
}
