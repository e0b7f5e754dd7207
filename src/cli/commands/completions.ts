/** `cru completions bash|zsh|fish`: shell completion scripts made from the command tree. */
import { Argument, type Command, type Option } from "commander";
import { type CommonOptions, openStore } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

/** The hidden command completion scripts call for session ids (reads the sessions folder, never the index). */
export const SESSION_IDS_COMMAND = "__session-ids";

export function registerCompletions(program: Command, sink: OutputSink): void {
  program.command(SESSION_IDS_COMMAND, { hidden: true })
    .description("print the store's session ids, one a line (for completion scripts)")
    .option("--dir <path>", "the .crucible folder")
    .option("--json", "print one JSON document on stdout")
    .action((options: CommonOptions) => {
      const ids = openStore(options).sessionIds();
      sink.set({ json: options.json, data: { ids }, text: ids.join("\n") });
    });
  program.command("completions")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .option("--json", "print one JSON document on stdout")
    .action((shell: "bash" | "zsh" | "fish", options: { json?: boolean }) => {
      const tree = describe(program);
      const script = shell === "bash" ? bashScript(tree) : shell === "zsh" ? zshScript(tree) : fishScript(tree);
      sink.set({ json: options.json, data: { shell, script }, text: script.replace(/\n$/, "") });
    });
}

/** A command path (e.g. `session append`) with its subcommands, options and what its first argument takes. */
interface CommandNode {
  path: string[];
  description: string;
  subcommands: string[];
  /** Values the first argument takes (`completions <shell>`), if it has a fixed set. */
  argChoices: string[];
  /** True when the first argument is a session id. */
  takesId: boolean;
  options: { flags: string[]; choices?: string[]; takesValue: boolean; description: string }[];
}

function describe(root: Command): CommandNode[] {
  const nodes: CommandNode[] = [];
  const visible = (command: Command) => command.commands.filter((c) => !c.name().startsWith("__"));
  const walk = (command: Command, path: string[]) => {
    const first = command.registeredArguments[0];
    nodes.push({
      path,
      description: command.description(),
      subcommands: visible(command).map((c) => c.name()),
      argChoices: first?.argChoices ? [...first.argChoices] : [],
      takesId: ["id", "ids"].includes(first?.name() ?? ""),
      options: (command.options as Option[]).map((o) => ({
        flags: [o.short, o.long].filter((f): f is string => !!f),
        choices: o.argChoices,
        takesValue: o.required || o.optional,
        description: o.description,
      })).concat([{ flags: ["--help"], choices: undefined, takesValue: false, description: "show help" }]),
    });
    for (const sub of visible(command)) walk(sub, [...path, sub.name()]);
  };
  walk(root, []);
  return nodes;
}

function bashScript(nodes: CommandNode[]): string {
  const cases = nodes.map((node) => {
    const words = [...node.subcommands, ...node.argChoices, ...node.options.flatMap((o) => o.flags)].join(" ");
    const ids = node.takesId ? " $(_cru_ids)" : "";
    const choiceCases = node.options.filter((o) => o.choices).map((o) =>
      `        ${o.flags.join("|")}) COMPREPLY=($(compgen -W "${o.choices!.join(" ")}" -- "$cur")); return;;`
    ).join("\n");
    return `    "${
      node.path.join(" ")
    }")\n      case "$prev" in\n${choiceCases}\n      esac\n      COMPREPLY=($(compgen -W "${words}${ids}" -- "$cur"));;`;
  }).join("\n");
  return `# bash completion for cru: eval "$(cru completions bash)"
_cru() {
  local cur prev path="" word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) ;; *) case " $(_cru_subcommands "$path") " in *" $word "*) path="\${path:+$path }$word";; esac;; esac
  done
  case "$path" in
${cases}
  esac
}
_cru_ids() {
  local dir="" i
  for ((i = 1; i < COMP_CWORD; i++)); do [[ "\${COMP_WORDS[i]}" == --dir ]] && dir="\${COMP_WORDS[i+1]}"; done
  "\${COMP_WORDS[0]}" ${SESSION_IDS_COMMAND} \${dir:+--dir "$dir"} 2>/dev/null
}
_cru_subcommands() {
  case "$1" in
${nodes.map((n) => `    "${n.path.join(" ")}") echo "${n.subcommands.join(" ")}";;`).join("\n")}
  esac
}
complete -o default -F _cru cru
`;
}

function zshScript(nodes: CommandNode[]): string {
  const cases = nodes.map((node) => {
    const items = [
      ...node.subcommands.map((s) =>
        `'${s}:${escapeZsh(nodes.find((n) => n.path.join(" ") === [...node.path, s].join(" "))?.description ?? "")}'`
      ),
      ...node.argChoices.map((c) => `'${c}'`),
      ...node.options.flatMap((o) => o.flags.map((f) => `'${f.replace(/:/g, "\\:")}:${escapeZsh(o.description)}'`)),
    ].join(" ");
    const ids = node.takesId ? `; compadd -- \${(f)"$(_cru_ids)"}` : "";
    return `    "${node.path.join(" ")}") _describe 'cru' "(${items.replace(/"/g, '\\"')})"${ids};;`;
  }).join("\n");
  return `#compdef cru
# zsh completion for cru: cru completions zsh > "\${fpath[1]}/_cru"
_cru() {
  local path="" word i
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] || path="\${path:+$path }$word"
  done
  local -a items
  case "$path" in
${cases}
  esac
}
_cru_ids() {
  local dir="" i
  for ((i = 2; i < CURRENT; i++)); do [[ "\${words[i]}" == --dir ]] && dir="\${words[i+1]}"; done
  \${words[1]} ${SESSION_IDS_COMMAND} \${dir:+--dir "$dir"} 2>/dev/null
}
compdef _cru cru
`;
}

function escapeZsh(text: string): string {
  return text.replace(/'/g, "'\\''").replace(/:/g, "\\:");
}

function fishScript(nodes: CommandNode[]): string {
  const lines = [
    "# fish completion for cru: cru completions fish | source",
    "complete -c cru -f",
    "function __cru_ids",
    "  set -l tokens (commandline -opc)",
    "  set -l dir",
    "  set -l at (contains -i -- --dir $tokens); and set dir --dir $tokens[(math $at + 1)]",
    `  $tokens[1] ${SESSION_IDS_COMMAND} $dir 2>/dev/null`,
    "end",
  ];
  for (const node of nodes) {
    const condition = node.path.length === 0
      ? "__fish_use_subcommand"
      : `__fish_seen_subcommand_from ${node.path.at(-1)}`;
    for (const sub of node.subcommands) {
      const description = nodes.find((n) => n.path.join(" ") === [...node.path, sub].join(" "))?.description ?? "";
      lines.push(`complete -c cru -n '${condition}' -a ${sub} -d '${description.replace(/'/g, "\\'")}'`);
    }
    if (node.path.length === 0) continue;
    if (node.argChoices.length > 0) lines.push(`complete -c cru -n '${condition}' -a '${node.argChoices.join(" ")}'`);
    if (node.takesId) lines.push(`complete -c cru -n '${condition}' -a '(__cru_ids)' -d 'session'`);
    for (const option of node.options) {
      const long = option.flags.find((f) => f.startsWith("--"))?.slice(2);
      if (!long) continue;
      const values = option.choices ? ` -r -a '${option.choices.join(" ")}'` : option.takesValue ? " -r" : "";
      lines.push(
        `complete -c cru -n '${condition}' -l ${long}${values} -d '${option.description.replace(/'/g, "\\'")}'`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
