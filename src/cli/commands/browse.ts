/** `cru browse` (and `cru session browse`): find a session by looking, full screen. */
import type { Command } from "commander";
import { InvalidInputError } from "../../model/errors.ts";
import { env, stdinIsTerminal, stdoutIsTerminal } from "../../runtime/process.ts";
import { runBrowser } from "../browse/browser.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { palette } from "../render/paint.ts";

/** Adds `browse` to `parent` (the program, and `session` as an alias). */
export function registerBrowse(parent: Command, sink: OutputSink): void {
  withCommonOptions(
    parent.command("browse")
      .description("search as you type, preview the conversation, open it in a pager (full screen)")
      .argument("[query...]", "words to start with (filters too: type:agent since:7d role:user tool:shell)")
      .addHelpText(
        "after",
        `
Keys: type to search · ↓/tab to the results · ↑↓ ctrl-n ctrl-p move · enter open in $PAGER
      e edit the log in $EDITOR at the hit · y copy the id · ? help · q/esc/ctrl-c leave
Needs a terminal (80×24 is enough); honours NO_COLOR. With --json, prints the selected result on leaving.`,
      ),
  ).action(async (words: string[], options: CommonOptions) => {
    if (!stdoutIsTerminal() || !stdinIsTerminal()) {
      throw new InvalidInputError(
        stdoutIsTerminal() ? "stdin" : "stdout",
        "not a terminal",
        "a terminal: browse is interactive (in scripts use `cru session search`)",
      );
    }
    const colour = env("NO_COLOR") === undefined && env("TERM") !== "dumb";
    const outcome = await runBrowser(openStore(options), {
      query: words.join(" "),
      paint: palette({ colour, emphasis: env("TERM") !== "dumb" }),
    });
    const row = outcome.selected;
    sink.set({
      json: options.json,
      data: {
        query: outcome.query,
        selected: row === null ? null : {
          session_id: row.sessionId,
          role: row.role,
          at: row.at,
          ...(row.file === undefined ? {} : { file: row.file }),
          ...(row.line === undefined ? {} : { line: row.line }),
        },
      },
      text: "",
    });
  });
}
