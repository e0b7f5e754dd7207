/** `cru session append`: one event, or a tool call and its result. */
import { type Command, Option } from "commander";
import { InvalidInputError } from "../../model/errors.ts";
import type { NewEvent } from "../../model/event.ts";
import {
  EVENT_STATUSES,
  type EventMeta,
  type EventStatus,
  pickEventMeta,
  type TokenUsage,
} from "../../model/event_meta.ts";
import { LABELLED_ROLES } from "../../model/role.ts";
import { readStdin, stdinIsTerminal } from "../../runtime/process.ts";
import { type CommonOptions, openStore, withCommonOptions } from "../common_options.ts";
import type { OutputSink } from "../output.ts";

interface AppendOptions extends CommonOptions {
  role?: string;
  tool?: string;
  args?: string;
  result?: string;
  model?: string;
  tokensIn?: string;
  tokensOut?: string;
  cacheRead?: string;
  cacheWrite?: string;
  cost?: string;
  durationMs?: string;
  toolCallId?: string;
  status?: string;
}

export function registerSessionAppend(session: Command, sink: OutputSink): void {
  withCommonOptions(
    session.command("append")
      .description("append an event (TEXT or stdin), or with --tool a tool call and its result")
      .argument("<id>", "session id, a unique prefix of one, @last or @last~N")
      .argument("[text]", "the event's text (read from stdin when left out)")
      .addOption(new Option("--role <role>", "who speaks").choices(LABELLED_ROLES))
      .option("--tool <name>", "record a tool call to NAME")
      .option("--args <json>", "the tool's arguments as a JSON object")
      .option("--result <text>", "the tool's result (read from stdin when left out)")
      .option("--model <name>", "the model that produced the event")
      .option("--tokens-in <n>", "input tokens of the model call")
      .option("--tokens-out <n>", "output tokens of the model call")
      .option("--cache-read <n>", "input tokens read from the prompt cache")
      .option("--cache-write <n>", "input tokens written to the prompt cache")
      .option("--cost <usd>", "what the call cost, in US dollars (0.0123)")
      .option("--duration-ms <n>", "how long it took, in milliseconds")
      .option("--tool-call-id <id>", "the id the model gave the tool call")
      .addOption(new Option("--status <status>", "how it ended").choices(EVENT_STATUSES)),
  ).action(async (ref: string, text: string | undefined, options: AppendOptions) => {
    const meta = metaFrom(options);
    const event = { ...await eventFrom(text, options), ...meta };
    const cru = openStore(options);
    const receipt = await cru.append(cru.resolveId(ref), event);
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

/** The event's details from their flags, each checked and named when malformed. */
function metaFrom(options: AppendOptions): EventMeta {
  const count = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidInputError(flag, value, "a whole number, 0 or more");
    }
    return Number(value);
  };
  const tokens: TokenUsage = {};
  const input = count("--tokens-in", options.tokensIn);
  const output = count("--tokens-out", options.tokensOut);
  const cacheRead = count("--cache-read", options.cacheRead);
  const cacheWrite = count("--cache-write", options.cacheWrite);
  if (input !== undefined) tokens.input = input;
  if (output !== undefined) tokens.output = output;
  if (cacheRead !== undefined) tokens.cache_read = cacheRead;
  if (cacheWrite !== undefined) tokens.cache_write = cacheWrite;
  let cost: number | undefined;
  if (options.cost !== undefined) {
    cost = Number(options.cost);
    if (!/^\d*\.?\d+(?:[eE][-+]?\d+)?$/.test(options.cost) || !Number.isFinite(cost)) {
      throw new InvalidInputError("--cost", options.cost, "a number of US dollars such as 0.0123");
    }
  }
  const meta: EventMeta = {
    model: options.model,
    tokens: Object.keys(tokens).length > 0 ? tokens : undefined,
    cost,
    duration_ms: count("--duration-ms", options.durationMs),
    tool_call_id: options.toolCallId,
    status: options.status as EventStatus | undefined,
  };
  try {
    return pickEventMeta(meta);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      const flag = `--${error.input.replace(/_/g, "-")}`;
      throw new InvalidInputError(flag, String(meta[error.input as keyof EventMeta] ?? ""), "one line of text");
    }
    throw error;
  }
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
