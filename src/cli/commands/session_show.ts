/** `cru session show`: a whole session, as a conversation, JSON or raw markdown. */
import type { Command } from "commander";
import type { SessionView } from "../../core/crucible.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { bold, cyan, dim, green, magenta, red, yellow } from "../style.ts";

export function registerSessionShow(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("show")
      .description("show a session: all its logs as one conversation")
      .argument("<id>", "session id")
      .option("--markdown", "print the logs' markdown as it is on disk"),
  ).action(async (id: string, options: CommonOptions & { markdown?: boolean }) => {
    const cru = openStore(options);
    const view = await cru.show(id);
    const warnings = view.warnings.map((w) => `warning: ${w.file}:${w.line}: ${w.message}`);
    const data = {
      id: view.id,
      type: view.type,
      title: view.title,
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

const ROLE_COLOUR: Record<string, (text: string) => string> = {
  user: cyan,
  assistant: green,
  tool: magenta,
  error: red,
  thought: dim,
  note: yellow,
};

function renderSession(view: SessionView): string {
  const lines = [
    bold(view.title ?? view.id),
    dim(
      `${view.id} · ${view.type} · started ${view.started}${
        view.ended ? ` · ended ${view.ended}` : ""
      } · ${view.events.length} events`,
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
    lines.push("", paint(bold(`${label}:`)), event.content);
  }
  return lines.join("\n");
}
