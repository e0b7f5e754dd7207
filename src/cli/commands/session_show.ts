/** `cru session show`: a whole session, as a conversation, JSON or raw markdown. */
import type { Command } from "commander";
import type { SessionView } from "../../core/crucible.ts";
import { type CommonOptions, openStore, withCommonOptions, withTimeOption } from "../common_options.ts";
import { displayTime } from "../display_time.ts";
import type { OutputSink } from "../output.ts";
import { bold, cyan, dim, green, magenta, red, yellow } from "../style.ts";

export function registerSessionShow(session: Command, sink: OutputSink): void {
  withCommonOptions(withTimeOption(
    session.command("show")
      .description("show a session: all its logs as one conversation")
      .argument("<id>", "session id")
      .option("--markdown", "print the logs' markdown as it is on disk"),
  )).action(async (id: string, options: CommonOptions & { markdown?: boolean; utc?: boolean }) => {
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
      logs: view.logs,
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

function renderSession(view: SessionView, utc: boolean): string {
  const time = (at: string) => displayTime(at, { utc });
  const lines = [
    bold(view.title ?? view.id),
    dim(
      `${view.id} · ${view.type} · started ${time(view.started)}${
        view.ended ? ` · ended ${time(view.ended)}` : ""
      } · ${view.events.length} events`,
    ),
  ];
  let at: string | undefined;
  let file: string | undefined;
  const compacted = (summary: string) => lines.push("", dim("── compacted"), "", paintRole("summary", summary));
  for (const event of view.events) {
    if (event.file !== file) {
      // Logs before this one without events still carry their summaries.
      const from = view.logs.findIndex((log) => log.file === file) + 1;
      const to = view.logs.findIndex((log) => log.file === event.file);
      for (const log of view.logs.slice(from, to + 1)) if (log.summary !== null) compacted(log.summary);
      file = event.file;
      at = undefined;
    }
    if (event.at !== at) {
      lines.push("", dim(`── ${time(event.at)}`));
      at = event.at;
    }
    const paint = ROLE_COLOUR[event.role] ?? ((text: string) => text);
    const label = event.role === "tool" ? `tool ${event.tool} ${JSON.stringify(event.args ?? {})}` : event.role;
    lines.push("", paint(bold(`${label}:`)), event.content);
  }
  const rest = view.logs.slice(view.logs.findIndex((log) => log.file === file) + 1);
  for (const log of rest) if (log.summary !== null) compacted(log.summary);
  return lines.join("\n");
}

/** `label:` and the text, as show prints an event. */
function paintRole(label: string, text: string): string {
  return `${yellow(bold(`${label}:`))}\n${text}`;
}
