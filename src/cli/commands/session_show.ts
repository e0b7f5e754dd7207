/** `cru session show`: a whole session, as a conversation, JSON or raw markdown; paged on a terminal. */
import type { Command } from "commander";
import type { SessionView } from "../../core/crucible.ts";
import { page } from "../../runtime/pager.ts";
import { env, stdinIsTerminal, stdoutIsTerminal } from "../../runtime/process.ts";
import { type CommonOptions, openStore, withCommonOptions, withTimeOption } from "../common_options.ts";
import { displayTime } from "../display_time.ts";
import type { OutputSink } from "../output.ts";
import { palette } from "../render/paint.ts";
import { sessionData } from "../render/session_data.ts";
import { renderSessionForTerminal } from "../render/session_terminal.ts";
import { bold, cyan, dim, green, magenta, red, yellow } from "../style.ts";

export function registerSessionShow(session: Command, sink: OutputSink): void {
  withCommonOptions(withTimeOption(
    session.command("show")
      .description("show a session: all its logs as one conversation (through $PAGER on a terminal)")
      .argument("<id>", "session id, a unique prefix of one, @last or @last~N")
      .option("--markdown", "print the logs' markdown as it is on disk")
      .option("--no-pager", "print instead of paging, also on a terminal"),
  )).action(async (ref: string, options: CommonOptions & { markdown?: boolean; pager: boolean; utc?: boolean }) => {
    const cru = openStore(options);
    const id = cru.resolveId(ref);
    const view = await cru.show(id);
    const warnings = view.warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`);
    const paged = !options.json && !options.markdown && options.pager && stdoutIsTerminal() && stdinIsTerminal() &&
      env("TERM") !== "dumb";
    if (paged) {
      const paint = palette({ colour: env("NO_COLOR") === undefined, emphasis: true });
      const time = (at: string) => displayTime(at, { utc: options.utc === true });
      const text = renderSessionForTerminal(view, paint, { time }).lines.join("\n");
      if (await page(text)) {
        sink.set({ data: sessionData(view), text: "", warnings });
        return;
      }
    }
    sink.set({
      json: options.json,
      data: sessionData(view),
      text: options.markdown ? cru.markdown(id).replace(/\n$/, "") : renderSession(view, options.utc === true),
      warnings,
    });
  });
}

const ROLE_COLOUR: Record<string, (text: string) => string> = {
  user: cyan,
  assistant: green,
  tool: magenta,
  error: red,
  thought: dim,
  note: yellow,
};

/** `claude-sonnet-4-5 · 1200→300 tokens · $0.0123 · 2.3 s · error`, or "". */
function eventDetails(event: SessionView["events"][number]): string {
  const parts: string[] = [];
  if (event.model) parts.push(event.model);
  if (event.tokens) {
    const { input = 0, output = 0, cache_read = 0 } = event.tokens;
    parts.push(`${input}→${output} tokens${cache_read > 0 ? ` (+${cache_read} cached)` : ""}`);
  }
  if (event.cost !== undefined) parts.push(`$${event.cost.toFixed(4)}`);
  if (event.duration_ms !== undefined) parts.push(`${(event.duration_ms / 1000).toFixed(1)} s`);
  if (event.status === "error") parts.push("error");
  return parts.join(" · ");
}

/** The plain text `show` prints when piped (and with `--no-pager`); compaction summaries where they were given. */
function renderSession(view: SessionView, utc: boolean): string {
  const time = (at: string) => displayTime(at, { utc });
  const lines = [
    bold(view.title ?? view.id),
    dim(
      `${view.id} · ${view.type} · started ${time(view.started)}${
        view.ended ? ` · ended ${time(view.ended)}` : ""
      } · ${view.events.length} events${view.tags.length > 0 ? ` · #${view.tags.join(" #")}` : ""}`,
    ),
  ];
  const compacted = (context: string) =>
    lines.push("", dim("── compacted"), "", `${yellow(bold("summary:"))}\n${context}`);
  /** The summaries of the logs after `file` up to and including `upTo` (all the rest when undefined). */
  const summariesBetween = (file: string | undefined, upTo: string | undefined) => {
    const from = view.logs.findIndex((log) => log.file === file) + 1;
    const to = upTo === undefined ? view.logs.length : view.logs.findIndex((log) => log.file === upTo) + 1;
    for (const log of view.logs.slice(from, to)) if (log.context !== null) compacted(log.context);
  };
  let at: string | undefined;
  let file: string | undefined;
  for (const event of view.events) {
    if (event.file !== file) {
      summariesBetween(file, event.file);
      file = event.file;
      at = undefined;
    }
    if (event.at !== at) {
      lines.push("", dim(`── ${time(event.at)}`));
      at = event.at;
    }
    const paint = ROLE_COLOUR[event.role] ?? ((text: string) => text);
    const label = event.role === "tool" ? `tool ${event.tool} ${JSON.stringify(event.args ?? {})}` : event.role;
    const details = eventDetails(event);
    lines.push("", paint(bold(`${label}:`)) + (details === "" ? "" : ` ${dim(details)}`), event.content);
  }
  summariesBetween(file, undefined);
  return lines.join("\n");
}
