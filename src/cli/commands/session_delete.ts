/** `cru session delete`: removes sessions from disk and index, after asking. */
import type { Command } from "commander";
import { CruError, InvalidInputError } from "../../model/errors.ts";
import { askOnTerminal } from "../../runtime/process.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { yellow } from "../style.ts";

/** No `--yes`, and no terminal to ask on: nothing is deleted (exit 2). */
class ConfirmationNeededError extends InvalidInputError {
  constructor(ids: string[]) {
    super("confirmation", ids.join(" "), "--yes");
    this.message = `not deleting ${ids.join(", ")} without --yes: there is no terminal to ask on`;
  }
}

/** A plugin kept some sessions (exit 1; the report is still printed). */
class DeleteIncompleteError extends CruError {
  constructor(kept: { id: string; plugin: string }[]) {
    super(
      "delete_vetoed",
      `kept ${kept.map((k) => `${k.id} (plugin ${k.plugin})`).join(", ")}: session:before-cleanup vetoed the delete`,
    );
  }
}

export function registerSessionDelete(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("delete")
      .description(
        "delete sessions from disk and index; asks on a terminal, needs --yes elsewhere; " +
          "plugins may keep one (session:before-cleanup)",
      )
      .argument("<ids...>", "session ids, unique prefixes, @last or @last~N")
      .option("-y, --yes", "delete without asking"),
  ).action(async (refs: string[], options: CommonOptions & { yes?: boolean }) => {
    const cru = openStore(options);
    const ids = [...new Set(refs.map((ref) => cru.resolveId(ref)))];
    if (!options.yes) {
      const answer = await askOnTerminal(`delete ${ids.join(", ")}? This cannot be undone. [y/N] `);
      if (answer === undefined) throw new ConfirmationNeededError(ids);
      if (!/^y(es)?$/i.test(answer.trim())) {
        sink.set({ json: options.json, data: { deleted: [], kept: [], cancelled: true }, text: "nothing deleted" });
        return;
      }
    }
    const report = await cru.delete(ids);
    const lines = report.deleted.map((id) => `deleted ${id}`);
    for (const kept of report.kept) lines.push(yellow(`kept ${kept.id}: plugin ${kept.plugin} vetoed it`));
    sink.set({ json: options.json, data: { deleted: report.deleted, kept: report.kept }, text: lines.join("\n") });
    if (report.kept.length > 0) throw new DeleteIncompleteError(report.kept);
  });
}
