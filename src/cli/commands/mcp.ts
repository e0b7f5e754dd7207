/** `cru mcp`: a Model Context Protocol server on stdio for agents (Claude Code, Codex, Cursor …). */
import type { Command } from "commander";
import { serveMcp } from "../../mcp/mcp_server.ts";
import { nextStopSignal, stdioStreams } from "../../runtime/process.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import { VERSION } from "../version.ts";

export function registerMcp(program: Command, _sink: OutputSink): void {
  withCommonOptions(
    program.command("mcp")
      .description(
        "serve the store to agents over the Model Context Protocol on stdio: search_sessions, list_sessions, " +
          "read_session, start_session, append_event, end_session, and cru://session/<id> resources; " +
          "runs until the client closes stdin or on SIGINT/SIGTERM",
      )
      .addHelpText(
        "after",
        "\nAdd it to an agent, e.g. Claude Code:  claude mcp add cru -- cru mcp\n" +
          "(stdout carries the protocol, so --json changes nothing; warnings go to stderr)",
      ),
  ).action(async (options: CommonOptions) => {
    const cru = openStore(options);
    await serveMcp(cru, { name: "cru", version: VERSION }, { ...stdioStreams(), stop: nextStopSignal() });
    // Nothing more on stdout: it carried the protocol.
  });
}
