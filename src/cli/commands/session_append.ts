/** `cru session append`: one event, or a tool call and its result. */
import { type Command, Option } from "commander";
import { InvalidInputError } from "../../model/errors.ts";
import type { NewEvent } from "../../model/event.ts";
import { LABELLED_ROLES } from "../../model/role.ts";
import { readStdin, stdinIsTerminal } from "../../runtime/process.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

interface AppendOptions extends CommonOptions {
  role?: string;
  tool?: string;
  args?: string;
  result?: string;
}

export function registerSessionAppend(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("append")
      .description("append an event (TEXT or stdin), or with --tool a tool call and its result")
      .argument("<id>", "session id")
      .argument("[text]", "the event's text (read from stdin when left out)")
      .addOption(new Option("--role <role>", "who speaks").choices(LABELLED_ROLES))
      .option("--tool <name>", "record a tool call to NAME")
      .option("--args <json>", "the tool's arguments as a JSON object")
      .option("--result <text>", "the tool's result (read from stdin when left out)"),
  ).action(async (id: string, text: string | undefined, options: AppendOptions) => {
    const event = await eventFrom(text, options);
    const cru = openStore(options);
    const receipt = await cru.append(id, event);
    sink.set({
      json: options.json,
      data: { id: receipt.id, file: receipt.file, at: receipt.at },
      text: `appended to ${receipt.id} at ${receipt.at}`,
    });
  });
}

async function eventFrom(text: string | undefined, options: AppendOptions): Promise<NewEvent> {
  if (options.tool !== undefined) {
    if (options.role !== undefined) {
      throw new InvalidInputError("--role", options.role, "no --role together with --tool");
    }
    if (text !== undefined) {
      throw InvalidInputError.withheld("argument", "the tool's result in --result or stdin, not as TEXT");
    }
    const args = parseArgs(options.args);
    const result = options.result ?? await stdinText("--result");
    return { role: "tool", tool: options.tool, args, content: result };
  }
  if (options.args !== undefined || options.result !== undefined) {
    throw InvalidInputError.withheld(options.args !== undefined ? "--args" : "--result", "--tool NAME with it");
  }
  if (options.role === undefined) throw new InvalidInputError("append", "", "--role ROLE or --tool NAME");
  return { role: options.role as NewEvent["role"], content: text ?? await stdinText("TEXT") };
}

/** Deeper `--args` than this is refused (before parsing, which would overflow the stack on 30 000 levels). */
const MAX_ARGS_DEPTH = 64;

function parseArgs(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  const expected = 'a JSON object such as \'{"path":"a.md"}\'';
  if (jsonDepth(json) > MAX_ARGS_DEPTH) {
    throw InvalidInputError.withheld("--args", `${expected}, nested at most ${MAX_ARGS_DEPTH} deep`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw InvalidInputError.withheld("--args", expected);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw InvalidInputError.withheld("--args", expected);
  }
  return value as Record<string, unknown>;
}

async function stdinText(what: string): Promise<string> {
  if (stdinIsTerminal()) throw new InvalidInputError(what, "", `${what} or text piped on stdin`);
  const text = await readStdin();
  if (text === "") throw new InvalidInputError(what, "", `${what}, or text piped on stdin (stdin was empty)`);
  // Like `git commit -F -`: the newline that ends piped text is not part of it.
  return text.replace(/\r?\n$/, "");
}

/** How deeply `json` nests brackets (outside strings), without parsing it. */
function jsonDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") deepest = Math.max(deepest, ++depth);
    else if (c === "}" || c === "]") depth--;
  }
  return deepest;
}
