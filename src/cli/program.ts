/**
 * The `cru` command tree. A command's module (and what it imports: the MCP
 * SDK, the terminal browser, the HTML renderer…) is loaded only when that
 * command runs, so `cru session append` pays for appending alone. Help,
 * completion and unknown commands load them all.
 *
 * @module
 */
import { Command } from "commander";
import { SECRET_RULES } from "../core/secret_rules.ts";
import type { OutputSink } from "./output.ts";
import { VERSION } from "./version.ts";

type Register = (parent: Command, sink: OutputSink) => void;

/** Every command: its group (`session`, `plugin`, or none), its name, and how to load its registration. */
const COMMANDS: readonly { group: "session" | "plugin" | null; names: string[]; load: () => Promise<Register> }[] = [
  {
    group: "session",
    names: ["new"],
    load: async () => (await import("./commands/session_new.ts")).registerSessionNew,
  },
  {
    group: "session",
    names: ["append"],
    load: async () => (await import("./commands/session_append.ts")).registerSessionAppend,
  },
  {
    group: "session",
    names: ["compact"],
    load: async () => (await import("./commands/session_compact.ts")).registerSessionCompact,
  },
  {
    group: "session",
    names: ["attach"],
    load: async () => (await import("./commands/session_attach.ts")).registerSessionAttach,
  },
  {
    group: "session",
    names: ["end"],
    load: async () => (await import("./commands/session_end.ts")).registerSessionEnd,
  },
  {
    group: "session",
    names: ["list"],
    load: async () => (await import("./commands/session_list.ts")).registerSessionList,
  },
  {
    group: "session",
    names: ["show"],
    load: async () => (await import("./commands/session_show.ts")).registerSessionShow,
  },
  {
    group: "session",
    names: ["export"],
    load: async () => (await import("./commands/session_export.ts")).registerSessionExport,
  },
  {
    group: "session",
    names: ["search"],
    load: async () => (await import("./commands/session_search.ts")).registerSessionSearch,
  },
  {
    group: "session",
    names: ["reindex"],
    load: async () => (await import("./commands/session_reindex.ts")).registerSessionReindex,
  },
  {
    group: "session",
    names: ["cleanup"],
    load: async () => (await import("./commands/session_cleanup.ts")).registerSessionCleanup,
  },
  {
    group: "session",
    names: ["import"],
    load: async () => (await import("./commands/session_import.ts")).registerSessionImport,
  },
  {
    group: "session",
    names: ["rename"],
    load: async () => (await import("./commands/session_rename.ts")).registerSessionRename,
  },
  {
    group: "session",
    names: ["tag", "untag"],
    load: async () => (await import("./commands/session_tag.ts")).registerSessionTag,
  },
  {
    group: "session",
    names: ["reopen"],
    load: async () => (await import("./commands/session_reopen.ts")).registerSessionReopen,
  },
  {
    group: "session",
    names: ["delete"],
    load: async () => (await import("./commands/session_delete.ts")).registerSessionDelete,
  },
  {
    group: "session",
    names: ["move", "copy"],
    load: async () => (await import("./commands/session_transfer.ts")).registerSessionTransfer,
  },
  {
    group: "session",
    names: ["stats"],
    load: async () => (await import("./commands/session_stats.ts")).registerSessionStats,
  },
  { group: "session", names: ["browse"], load: async () => (await import("./commands/browse.ts")).registerBrowse },
  {
    group: "session",
    names: ["audit"],
    load: async () => (await import("./commands/session_audit.ts")).registerSessionAudit,
  },
  {
    group: "plugin",
    names: ["list"],
    load: async () => (await import("./commands/plugin_list.ts")).registerPluginList,
  },
  {
    group: "plugin",
    names: ["trust", "untrust"],
    load: async () => (await import("./commands/plugin_trust.ts")).registerPluginTrust,
  },
  { group: null, names: ["browse"], load: async () => (await import("./commands/browse.ts")).registerBrowse },
  { group: null, names: ["mcp"], load: async () => (await import("./commands/mcp.ts")).registerMcp },
  { group: null, names: ["watch"], load: async () => (await import("./commands/watch.ts")).registerWatch },
  {
    group: null,
    names: ["completions"],
    load: async () => (await import("./commands/completions.ts")).registerCompletions,
  },
];

/** The commands `args` runs: the one it names, or all of them for help, completion and anything unknown. */
function commandsFor(args: readonly string[]): typeof COMMANDS {
  if (args.some((arg) => arg === "-h" || arg === "--help")) return COMMANDS;
  const [first, second] = args;
  const named = COMMANDS.filter((c) =>
    c.group === null ? c.names.includes(first) : c.group === first && c.names.includes(second)
  );
  return named.length === 1 && !named[0].names.includes("completions") ? named : COMMANDS;
}

/** Builds the command tree for `args`; commands put their output in `sink`. */
export async function buildProgram(
  sink: OutputSink,
  write: { out: (s: string) => void; err: (s: string) => void },
  args: readonly string[],
): Promise<Command> {
  const wanted = commandsFor(args);
  const registers = await Promise.all(wanted.map((command) => command.load()));
  const program = new Command("cru")
    .description("record sessions as markdown, with a SurrealDB index beside them")
    .version(VERSION, "-V, --version", "print the version")
    .showSuggestionAfterError(true);
  const session = program.command("session").description("create, append to, read and list sessions");
  const plugin = program.command("plugin").description(
    "plugins: built in, your own, and a store's once you trust them",
  );
  wanted.forEach((command, i) =>
    registers[i](command.group === "session" ? session : command.group === "plugin" ? plugin : program, sink)
  );
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
