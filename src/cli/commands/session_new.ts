/** `cru session new`: creates a session and prints its id. */
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import { SESSION_TYPES } from "../../model/session_type.ts";
import type { OutputSink } from "../output.ts";

interface NewOptions extends CommonOptions {
  type: string;
  title?: string;
  tag: string[];
  model?: string;
  cwd?: string;
  host?: string;
  source?: string;
}

export function registerSessionNew(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("new")
      .description("start a new session and print its id")
      .addOption(
        new Option("--type <type>", "kind of session").choices(SESSION_TYPES).default("chat"),
      )
      .option("--title <text>", "a title for the session")
      .option("--tag <tag>", "a tag (repeat for more)", (value: string, all: string[]) => [...all, value], [])
      .option("--model <name>", "the model the session talks to (frontmatter `model`)")
      .option("--cwd <folder>", "the folder the session works in (default: the current one, via git-context)")
      .option("--host <name>", "the machine it runs on (default: this host's name, via git-context)")
      .option("--source <app>", "the app that produced it (frontmatter `source`)"),
  ).action(async (options: NewOptions) => {
    const created = await openStore(options).newSession({
      type: options.type,
      title: options.title,
      tags: options.tag,
      model: options.model,
      cwd: options.cwd === undefined ? undefined : resolve(options.cwd),
      host: options.host,
      source: options.source,
    });
    sink.set({ json: options.json, data: { id: created.id, dir: created.dir, file: created.file }, text: created.id });
  });
}
