/** `cru session show`: a whole session, as a conversation, JSON or raw markdown. */
import type { Command } from "commander";
import type { SessionView } from "../../core/crucible.ts";
import { pickEventMeta } from "../../model/event_meta.ts";
import type { SessionFacts } from "../../model/session_facts.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, cyan, dim, green, magenta, red, yellow } from "../style.ts";

export function registerSessionShow(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("show")
      .description("show a session: all its logs as one conversation")
      .argument("<id>", "session id, a unique prefix of one, @last or @last~N")
      .option("--markdown", "print the logs' markdown as it is on disk"),
  ).action(async (ref: string, options: CommonOptions & { markdown?: boolean }) => {
    const cru = openStore(options);
    const id = cru.resolveId(ref);
    const view = await cru.show(id);
    const warnings = view.warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`);
    const data = {
      id: view.id,
      type: view.type,
      title: view.title,
      tags: view.tags,
      ...sessionFactsOf(view),
      started: view.started,
      ended: view.ended,
      last_activity: view.last_activity,
      files: view.files,
      events: view.events.map((e) => ({
        role: e.role,
        content: e.content,
        at: e.at,
        file: e.file,
        ...(e.role === "tool" ? { tool: e.tool, args: e.args } : {}),
        ...pickEventMeta(e),
      })),
    };
    sink.set({
      json: options.json,
      data,
      text: options.markdown ? cru.markdown(id).replace(/\n$/, "") : renderSession(view),
      warnings,
    });
  });
}

/** The facts a view carries, without its other fields. */
function sessionFactsOf(view: SessionView): SessionFacts {
  const keys = ["model", "cwd", "host", "branch", "commit", "remote", "project", "source"] as const;
  return Object.fromEntries(keys.filter((key) => view[key] !== undefined).map((key) => [key, view[key]]));
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

function renderSession(view: SessionView): string {
  const lines = [
    bold(view.title ?? view.id),
    dim(
      `${view.id} · ${view.type} · started ${view.started}${
        view.ended ? ` · ended ${view.ended}` : ""
      } · ${view.events.length} events${view.tags.length > 0 ? ` · #${view.tags.join(" #")}` : ""}`,
    ),
  ];
  let at: string | undefined;
  for (const event of view.events) {
    if (event.at !== at) {
      lines.push("", dim(`── ${event.at}`));
      at = event.at;
    }
    const paint = ROLE_COLOUR[event.role] ?? ((text: string) => text);
    const label = event.role === "tool" ? `tool ${event.tool} ${JSON.stringify(event.args ?? {})}` : event.role;
    const details = eventDetails(event);
    lines.push("", paint(bold(`${label}:`)) + (details === "" ? "" : ` ${dim(details)}`), event.content);
  }
  return lines.join("\n");
}
