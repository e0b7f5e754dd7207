/** `cru session attach`: copies a file into artifacts/ and links it. */
import type { Command } from "commander";
import { resolve } from "node:path";
import { cwd } from "../../runtime/process.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

export function registerSessionAttach(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("attach")
      .description("copy a file into the session's artifacts/ and link it from the log")
      .argument("<id>", "session id, a unique prefix of one, @last or @last~N")
      .argument("<file>", "the file to attach")
      .option("--name <name>", "the artifact's file name (default: the file's own)"),
  ).action(async (ref: string, file: string, options: CommonOptions & { name?: string }) => {
    const cru = openStore(options);
    const id = cru.resolveId(ref);
    const receipt = await cru.attach(id, resolve(cwd(), file), { name: options.name });
    sink.set({ json: options.json, data: receipt, text: receipt.artifact });
  });
}
