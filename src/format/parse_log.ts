/**
 * Parses a log's markdown into frontmatter, heading and events. Pure: text in,
 * data and warnings out. Nothing in the text is dropped: what is not understood
 * stays as text of the surrounding event and a warning names the line.
 *
 * @module
 */
import type { SessionEvent } from "../model/event.ts";
import type { Log, LogMeta, ParseWarning } from "../model/log.ts";
import type { LabelledRole, Role } from "../model/role.ts";
import {
  closesFence,
  type Fence,
  fenceOpening,
  isStructural,
  matchLabel,
  matchToolLine,
  turnHeadingAt,
  unescapeLine,
} from "./_lines.ts";
import { parseEventMetaLine } from "./event_meta_line.ts";
import { parseFrontmatter } from "./frontmatter.ts";
import { RESULT_FENCE_INFO } from "./render_event.ts";
import { parseContextLine } from "./render_log.ts";
import { parseToolArgs } from "./tool_args.ts";

/** Options of {@linkcode parseLog}. */
export interface ParseLogOptions {
  /** The file name used in warnings. */
  file?: string;
  /** Values for frontmatter keys that are missing (e.g. from the folder name). */
  fallback?: Pick<LogMeta, "session_id" | "type" | "started">;
}

/** A parsed log with what could not be understood. */
export interface ParsedLog {
  log: Log;
  warnings: ParseWarning[];
  /** Line (1-based) where each event starts, parallel to `log.events`. */
  eventLines: number[];
  /** True when the frontmatter could not be read (rewriting it would lose the user's text). */
  frontmatterBroken: boolean;
}

/**
 * Parses a log.
 *
 * @example
 * ```ts
 * import { parseLog } from "./parse_log.ts";
 * const { log } = parseLog("---\nsession_id: chat-a\ntype: chat\nstarted: 2024-01-15T10:30:00Z\ncontinued_from: null\n---\n\n# Chat Session\n\n## 2024-01-15T10:30:00Z\n\n**User:** Hi\n");
 * console.assert(log.events[0].content === "Hi");
 * ```
 */
export function parseLog(text: string, options: ParseLogOptions = {}): ParsedLog {
  return new LogParser(text, options).parse();
}

class LogParser {
  readonly #lines: string[];
  readonly #file: string;
  readonly #fallback: Pick<LogMeta, "session_id" | "type" | "started">;
  readonly #warnings: ParseWarning[] = [];
  readonly #events: SessionEvent[] = [];
  readonly #eventLines: number[] = [];
  #i = 0;
  #at: string;
  /** The last labelled role in the current turn: text after a tool result is theirs. */
  #speaker: LabelledRole | undefined;
  /** The event a details line may still describe (the last one, until it has details or a turn starts). */
  #detailsFor: SessionEvent | undefined;

  constructor(text: string, options: ParseLogOptions) {
    // A file whose first line ends in CR was saved with CRLF endings: read it as LF.
    const firstBreak = text.indexOf("\n");
    const crlf = firstBreak > 0 && text[firstBreak - 1] === "\r";
    this.#lines = (crlf ? text.replace(/\r\n/g, "\n") : text).split("\n");
    if (this.#lines.at(-1) === "") this.#lines.pop();
    this.#file = options.file ?? "<log>";
    this.#fallback = options.fallback ?? { session_id: "", type: "", started: "" };
    this.#at = this.#fallback.started;
  }

  parse(): ParsedLog {
    const { meta, broken } = this.#frontmatter();
    this.#at = meta.started;
    const { heading, context } = this.#preamble(meta);
    while (this.#i < this.#lines.length) this.#turnContent();
    const log: Log = { meta, heading, events: this.#events };
    if (context !== undefined) log.context = context;
    return { log, warnings: this.#warnings, eventLines: this.#eventLines, frontmatterBroken: broken };
  }

  #warn(lineIndex: number, message: string): void {
    this.#warnings.push({ file: this.#file, line: lineIndex + 1, message });
  }

  #frontmatter(): { meta: LogMeta; broken: boolean } {
    const lines = this.#lines;
    if (lines[0]?.trimEnd() !== "---") {
      this.#warn(0, "no frontmatter: session details come from the folder name");
      return { meta: { ...this.#fallback, continued_from: null, extra: {} }, broken: true };
    }
    let end = 1;
    while (end < lines.length && lines[end].trimEnd() !== "---" && lines[end].trimEnd() !== "...") end++;
    if (end === lines.length) {
      this.#warn(0, "frontmatter is never closed with '---'; read as text");
      return { meta: { ...this.#fallback, continued_from: null, extra: {} }, broken: true };
    }
    this.#i = end + 1;
    const { meta, problem } = parseFrontmatter(lines.slice(1, end).join("\n"), this.#fallback);
    if (problem) this.#warn(0, problem);
    return { meta, broken: problem !== undefined };
  }

  /** Reads the title, the compaction line and any text before the first turn. */
  #preamble(meta: LogMeta): { heading: string; context?: string } {
    let heading: string | undefined;
    let context: string | undefined;
    const stray: string[] = [];
    let strayStart = -1;
    const lines = this.#lines;
    for (; this.#i < lines.length && turnHeadingAt(lines[this.#i]) === undefined; this.#i++) {
      const line = lines[this.#i];
      if (heading === undefined && /^# /.test(line)) heading = line.slice(2).trim();
      else if (context === undefined && parseContextLine(line) !== undefined) context = parseContextLine(line);
      else if (line.trim() !== "" || stray.length > 0) {
        if (stray.length === 0) strayStart = this.#i;
        stray.push(line);
      }
    }
    while (stray.length > 0 && stray.at(-1) === "") stray.pop();
    if (stray.length > 0) {
      this.#warn(strayStart, "text before the first '## <timestamp>' turn; kept as a note");
      this.#push({ role: "note", content: stray.join("\n"), at: meta.started }, strayStart);
    }
    return { heading: heading ?? meta.title ?? "", ...(context === undefined ? {} : { context }) };
  }

  #push(event: SessionEvent, lineIndex: number): void {
    this.#events.push(event);
    this.#eventLines.push(lineIndex + 1);
    this.#detailsFor = event;
  }

  /** A `<!-- cru: … -->` line: the details of the event above it; otherwise kept as a note. */
  #details(line: string): void {
    const parsed = parseEventMetaLine(line)!;
    const target = this.#detailsFor;
    if (parsed.meta && target) {
      Object.assign(target, parsed.meta);
      this.#detailsFor = undefined;
      this.#i++;
      return;
    }
    this.#warn(this.#i, `${parsed.problem ?? "event details with no event right above them"}; kept as a note`);
    this.#push({ role: "note", content: line, at: this.#at }, this.#i);
    this.#detailsFor = undefined;
    this.#i++;
  }

  /** Reads whatever starts at the current line inside a turn. */
  #turnContent(): void {
    const line = this.#lines[this.#i];
    const at = turnHeadingAt(line);
    if (at !== undefined) {
      this.#at = at;
      this.#speaker = undefined;
      this.#detailsFor = undefined;
      this.#i++;
      return;
    }
    if (line === "") {
      this.#i++;
      return;
    }
    const label = matchLabel(line);
    if (label?.role) return this.#labelled(label.role, label.rest);
    const tool = matchToolLine(line);
    if (tool) return this.#tool(tool.name, tool.argsText, tool.result);
    if (parseEventMetaLine(line)) return this.#details(line);
    // Text after a tool result continues the speaker; right after a heading it is a note.
    const role: Role = this.#speaker === undefined ? "note" : this.#speaker === "user" ? "assistant" : this.#speaker;
    // cru writes a label on every event: a paragraph without one right under a heading was written by hand.
    if (role === "note") this.#warn(this.#i, "text without a **Role:** label under a turn heading; kept as a note");
    this.#unlabelled(role);
  }

  #labelled(role: LabelledRole, rest: string): void {
    const start = this.#i;
    this.#i++;
    const first = rest.startsWith(" ") ? rest.slice(1) : rest;
    const body = this.#until((l) => isStructural(l));
    this.#speaker = role;
    this.#push(
      { role, content: [first, ...trimTrailingBlank(body).map(unescapeLine)].join("\n"), at: this.#at },
      start,
    );
  }

  #unlabelled(role: Role): void {
    const start = this.#i;
    const body = this.#until((l) => isStructural(l), true);
    this.#push({ role, content: trimTrailingBlank(body).map(unescapeLine).join("\n"), at: this.#at }, start);
  }

  #tool(name: string, argsText: string, inlineResult: string | undefined): void {
    const start = this.#i;
    this.#i++;
    const { args, problem } = parseToolArgs(argsText);
    if (problem) this.#warn(start, `${problem}; kept as text under "_"`);
    const opener = this.#lines[this.#i];
    let content: string;
    const wrapper = opener === undefined ? undefined : /^(`{3,})(\S*)[ \t]*$/.exec(opener);
    if (inlineResult !== undefined) {
      // The result written on the tool line itself, and any lines right under it.
      const rest = this.#until((l) => l === "" || isStructural(l)).map(unescapeLine);
      content = [inlineResult, ...rest].join("\n");
    } else if (wrapper && wrapper[2] === RESULT_FENCE_INFO) {
      content = this.#verbatimResult(wrapper[1].length);
    } else {
      content = this.#until((l) => l === "" || isStructural(l)).map(unescapeLine).join("\n");
    }
    this.#push({ role: "tool", tool: name, args, content, at: this.#at }, start);
  }

  /** A result wrapped in a ```` ```result ```` fence: everything up to the closing fence, as is. */
  #verbatimResult(fenceLength: number): string {
    const openedAt = this.#i;
    this.#i++;
    const inner: string[] = [];
    const closer = new RegExp(`^\`{${fenceLength},}[ \\t]*$`);
    while (this.#i < this.#lines.length && !closer.test(this.#lines[this.#i])) inner.push(this.#lines[this.#i++]);
    if (this.#i < this.#lines.length) this.#i++;
    else this.#warn(openedAt, "tool result fence is never closed; read to the end of the file");
    return inner.join("\n");
  }

  /**
   * Collects lines until `stop` says a line ends the event. Lines inside a code
   * fence never stop it, as in markdown.
   */
  #until(stop: (line: string) => boolean, handWritten = false): string[] {
    const collected: string[] = [];
    let fence: Fence | undefined;
    let fenceLine = -1;
    for (; this.#i < this.#lines.length; this.#i++) {
      const line = this.#lines[this.#i];
      if (fence) {
        if (closesFence(fence, line)) fence = undefined;
      } else if (stop(line)) {
        break;
      } else {
        this.#noteUnknownLabel(line);
        // In text cru did not write, a `## …` line was meant as a turn heading (in an event's text it is markdown).
        if (handWritten && /^##[ \t]/.test(line) && turnHeadingAt(line) === undefined) {
          this.#warn(this.#i, `"${line.trim()}" is not a turn heading (## <ISO timestamp>); kept as text`);
        }
        fence = fenceOpening(line);
        if (fence) fenceLine = this.#i;
      }
      collected.push(line);
    }
    if (fence) this.#warn(fenceLine, "code fence is never closed; the rest of the file is read as its text");
    return collected;
  }

  #noteUnknownLabel(line: string): void {
    const label = matchLabel(line);
    if (label && !label.role) {
      this.#warn(this.#i, `unknown label **${label.label}:** kept as text of the event before it`);
    }
  }
}

function trimTrailingBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === "") end--;
  return lines.slice(0, end);
}
