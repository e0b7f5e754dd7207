/** `cru session search`: ranked full-text hits with snippets. */
import type { Command } from "commander";
import type { SearchHit } from "../../model/search_result.ts";
import {
  type CommonOptions,
  type FilterOptions,
  openStore,
  readFilters,
  withCommonOptions,
  withFilterOptions,
} from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { progressBar } from "../progress.ts";
import { bold, cyan, dim, yellow } from "../style.ts";

export function registerSessionSearch(session: Command, sink: OutputSink): void {
  withCommonOptions(withFilterOptions(
    session.command("search")
      .description("full-text search over events, tool names and titles, best matches first")
      .argument("<query>", "words to find (all must match; stemmed, so 'running' finds 'runs')")
      .option("--session <id>", "only in this session (an id, a unique prefix, @last or @last~N)"),
    { events: true },
  )).action(async (query: string, options: CommonOptions & FilterOptions & { session?: string }) => {
    const filters = readFilters(options);
    const cru = openStore(options);
    if (options.session !== undefined) filters.session = cru.resolveId(options.session);
    const bar = progressBar();
    const { hits, warnings } = await cru.search(query, filters, bar.update);
    await bar.clear();
    const data = {
      hits: hits.map((h) => ({
        session_id: h.session_id,
        type: h.type,
        file: h.file,
        at: h.at,
        role: h.role,
        snippet: h.snippet,
        score: h.score,
        ...(h.tool === undefined ? {} : { tool: h.tool }),
        ...(h.model === undefined ? {} : { model: h.model }),
      })),
    };
    sink.set({
      json: options.json,
      data,
      text: hits.length === 0 ? dim(`no matches for ${JSON.stringify(query)}`) : hits.map(renderHit).join("\n\n"),
      warnings: warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`),
    });
  });
}

function renderHit(hit: SearchHit): string {
  const label = hit.role === "tool" && hit.tool ? `tool ${hit.tool}` : hit.role;
  const head = `${bold(hit.session_id)} ${dim(`${hit.type} · ${hit.at} · ${label} · score ${hit.score.toFixed(2)}`)}`;
  const snippet = hit.snippet.replace(/«([^»]*)»/g, (_, word: string) => yellow(bold(word)));
  return `${head}\n  ${snippet}\n  ${cyan(dim(hit.file))}`;
}
