/**
 * The `cru` command tree.
 *
 * @module
 */
import { Command } from "commander";
import { registerBrowse } from "./commands/browse.ts";
import { SECRET_RULES } from "../core/secret_rules.ts";
import { registerCompletions } from "./commands/completions.ts";
import { registerMcp } from "./commands/mcp.ts";
import { registerWatch } from "./commands/watch.ts";
import { registerPluginList } from "./commands/plugin_list.ts";
import { registerPluginTrust } from "./commands/plugin_trust.ts";
import { registerSessionAppend } from "./commands/session_append.ts";
import { registerSessionAttach } from "./commands/session_attach.ts";
import { registerSessionAudit } from "./commands/session_audit.ts";
import { registerSessionCleanup } from "./commands/session_cleanup.ts";
import { registerSessionImport } from "./commands/session_import.ts";
import { registerSessionCompact } from "./commands/session_compact.ts";
import { registerSessionEnd } from "./commands/session_end.ts";
import { registerSessionExport } from "./commands/session_export.ts";
import { registerSessionList } from "./commands/session_list.ts";
import { registerSessionNew } from "./commands/session_new.ts";
import { registerSessionReindex } from "./commands/session_reindex.ts";
import { registerSessionSearch } from "./commands/session_search.ts";
import { registerSessionShow } from "./commands/session_show.ts";
import type { OutputSink } from "./output.ts";
import { VERSION } from "./version.ts";

/** Builds the command tree; commands put their output in `sink`. */
export function buildProgram(sink: OutputSink, write: { out: (s: string) => void; err: (s: string) => void }): Command {
  const program = new Command("cru")
    .description("record sessions as markdown, with a SurrealDB index beside them")
    .version(VERSION, "-V, --version", "print the version")
    .showSuggestionAfterError(true);
  const session = program.command("session").description("create, append to, read and list sessions");
  registerSessionNew(session, sink);
  registerSessionAppend(session, sink);
  registerSessionCompact(session, sink);
  registerSessionAttach(session, sink);
  registerSessionEnd(session, sink);
  registerSessionList(session, sink);
  registerSessionShow(session, sink);
  registerSessionExport(session, sink);
  registerSessionSearch(session, sink);
  registerSessionReindex(session, sink);
  registerSessionCleanup(session, sink);
  registerSessionImport(session, sink);
  registerBrowse(session, sink);
  registerSessionAudit(session, sink);
  const plugin = program.command("plugin").description(
    "plugins: built in, your own, and a store's once you trust them",
  );
  registerPluginList(plugin, sink);
  registerPluginTrust(plugin, sink);
  registerBrowse(program, sink);
  registerMcp(program, sink);
  registerWatch(program, sink);
  registerCompletions(program, sink);
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      // One shape for every error line: "cru: …".
      // Commander quotes what it did not understand, which may be a secret typed in the wrong place.
      outputError: (text, print) => print(SECRET_RULES.redact(text.replace(/^error: /, "cru: "))),
    });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
