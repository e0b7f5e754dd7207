/**
 * Reads a session's logs a line at a time, as {@linkcode parseLog} would, but
 * keeping only what a re-import needs: how many events stand for source events
 * (continuations do not), the last of them with the text its continuations
 * added, and the tool events still waiting for a result. Memory stays bounded
 * by the largest event, whatever the size of the log.
 *
 * @module
 */
import type { ToolArgs } from "../model/event.ts";
import type { Role } from "../model/role.ts";
import {
  closesFence,
  type Fence,
  fenceOpening,
  isStructural,
  matchLabel,
  matchToolLine,
  turnHeadingAt,
} from "./_lines.ts";
import { parseEventMetaLine } from "./event_meta_line.ts";
import { parseLog } from "./parse_log.ts";
import { parseContextLine } from "./render_log.ts";
import { RESULT_FENCE_INFO } from "./render_event.ts";
import { parseToolArgs } from "./tool_args.ts";
import { CONTINUATION_MARK, continuedText } from "./continuation.ts";

/** How far back (in source events) a tool event may still get its late result. */
const OPEN_TOOL_WINDOW = 256;

/** An event as a re-import compares it. */
export interface ScannedEvent {
  role: Role;
  content: string;
  tool?: string;
  args?: ToolArgs;
}

/** What a session's logs say about an import into it. */
export interface SessionScan {
  /** Events that stand for a source event, in order (continuations are not counted). */
  sourceEvents: number;
  /** The last of those, its content extended by the continuations that followed it. */
  last: ScannedEvent | undefined;
  /** Source-event indexes of recent tool events written with an empty result and not continued since. */
  openTools: Map<number, string>;
}

/** A tool event's identity for matching a late result to it. */
export function toolSignature(tool: string | undefined, args: ToolArgs | undefined): string {
  return `${tool ?? ""} ${JSON.stringify(args ?? {})}`;
}

type Mode = "start" | "frontmatter" | "preamble" | "body";

interface OpenEvent {
  role: Role;
  kind: "labelled" | "unlabelled" | "tool";
  lines: string[];
  /** For a tool event: the line after the tool line is still to come, or its result is fenced verbatim. */
  toolState?: "first" | "verbatim" | "plain";
  verbatimCloser?: RegExp;
  fence?: Fence;
}

interface LastEvent {
  role: Role;
  tool?: string;
  args?: ToolArgs;
  /** The event's own lines (its content is read from them when asked), or its content. */
  lines?: string[];
  content?: string;
  added: string[];
}

/**
 * Scans the logs of one session.
 *
 * @example
 * ```ts
 * import { SessionLogScanner } from "./session_log_scanner.ts";
 * const scanner = new SessionLogScanner();
 * scanner.startFile();
 * const log = "---\nsession_id: chat-a\ntype: chat\nstarted: 2024-01-15T10:30:00Z\ncontinued_from: null\n---\n\n# Chat Session\n\n## 2024-01-15T10:30:00Z\n\n**User:** Hi\n\n**Assistant:** Hello\n\n**Assistant:** (continued) there";
 * for (const line of log.split("\n")) scanner.push(line);
 * scanner.endFile();
 * const scan = scanner.result();
 * console.assert(scan.sourceEvents === 2 && scan.last?.content === "Hellothere");
 * ```
 */
export class SessionLogScanner {
  // Per log file.
  #mode: Mode = "start";
  #crlf = false;
  #frontmatter: string[] = [];
  #heading = false;
  #context = false;
  #stray: string[] = [];
  #speaker: Role | undefined;
  #open: OpenEvent | undefined;
  /** An event just ended that a details line may still describe (as parseLog reads it). */
  #detailsFor = false;
  // Across the session's logs.
  #count = 0;
  #last: LastEvent | undefined;
  #openTools = new Map<number, string>();

  /** A new log file of the session begins. */
  startFile(): void {
    this.#mode = "start";
    this.#crlf = false;
    this.#frontmatter = [];
    this.#heading = false;
    this.#context = false;
    this.#stray = [];
    this.#speaker = undefined;
    this.#open = undefined;
    this.#detailsFor = false;
  }

  /**
   * The next line of the log, as read (a CR before its LF kept); `ended` is
   * false for a last line that has no line break.
   */
  push(raw: string, ended = true): void {
    let line = raw;
    if (this.#mode === "start") {
      // Like parseLog: a file whose first line ends in CR is read as CRLF throughout.
      this.#crlf = ended && line.endsWith("\r");
    }
    if (this.#crlf && ended && line.endsWith("\r")) line = line.slice(0, -1);
    switch (this.#mode) {
      case "start":
        if (line.trimEnd() === "---") {
          this.#mode = "frontmatter";
          this.#frontmatter = [line];
        } else {
          this.#mode = "preamble";
          this.#preamble(line);
        }
        return;
      case "frontmatter":
        this.#frontmatter.push(line);
        if (line.trimEnd() === "---" || line.trimEnd() === "...") {
          this.#frontmatter = [];
          this.#mode = "preamble";
        }
        return;
      case "preamble":
        return this.#preamble(line);
      case "body":
        return this.#body(line);
    }
  }

  /** The log file has ended. */
  endFile(): void {
    if (this.#mode === "frontmatter") {
      // Never closed: parseLog reads the whole file as text, from its first line.
      const lines = this.#frontmatter;
      this.#frontmatter = [];
      this.#mode = "preamble";
      for (const line of lines) this.push(line);
    }
    if (this.#mode === "preamble") this.#endPreamble();
    this.#closeOpen();
  }

  /** What the logs scanned so far hold. */
  result(): SessionScan {
    const last = this.#last;
    let scanned: ScannedEvent | undefined;
    if (last) {
      const own = last.content ?? exactEvent(last.lines!).content;
      scanned = { role: last.role, content: own + last.added.join("") };
      if (last.tool !== undefined) [scanned.tool, scanned.args] = [last.tool, last.args];
    }
    return { sourceEvents: this.#count, last: scanned, openTools: new Map(this.#openTools) };
  }

  #preamble(line: string): void {
    if (turnHeadingAt(line) !== undefined) {
      this.#endPreamble();
      this.#mode = "body";
      this.#body(line);
      return;
    }
    if (!this.#heading && /^# /.test(line)) this.#heading = true;
    else if (!this.#context && parseContextLine(line) !== undefined) this.#context = true;
    else if (line.trim() !== "" || this.#stray.length > 0) this.#stray.push(line);
  }

  #endPreamble(): void {
    const stray = this.#stray;
    this.#stray = [];
    while (stray.length > 0 && stray.at(-1) === "") stray.pop();
    if (stray.length > 0) this.#finish({ role: "note", content: stray.join("\n") }, undefined);
  }

  #body(line: string): void {
    const open = this.#open;
    if (open) {
      if (open.kind === "tool" && open.toolState === "first") {
        const wrapper = /^(`{3,})(\S*)[ \t]*$/.exec(line);
        if (wrapper && wrapper[2] === RESULT_FENCE_INFO) {
          open.toolState = "verbatim";
          open.verbatimCloser = new RegExp(`^\`{${wrapper[1].length},}[ \\t]*$`);
          open.lines.push(line);
          return;
        }
        open.toolState = "plain";
      }
      if (open.toolState === "verbatim") {
        open.lines.push(line);
        if (open.verbatimCloser!.test(line)) this.#closeOpen();
        return;
      }
      if (open.fence) {
        if (closesFence(open.fence, line)) open.fence = undefined;
        open.lines.push(line);
        return;
      }
      const stops = open.kind === "tool" ? line === "" || isStructural(line) : isStructural(line);
      if (!stops) {
        open.fence = fenceOpening(line);
        open.lines.push(line);
        return;
      }
      this.#closeOpen(); // and read the line that ended it afresh, below
    }
    if (turnHeadingAt(line) !== undefined) {
      this.#speaker = undefined;
      this.#detailsFor = false;
      return;
    }
    if (line === "") return;
    const details = parseEventMetaLine(line);
    if (details) {
      // The details of the event before; one that cannot be read, or has none before it, is a note of one line.
      if (!this.#detailsFor || !details.meta) this.#finish({ role: "note", content: line }, undefined);
      this.#detailsFor = false;
      return;
    }
    const label = matchLabel(line);
    if (label?.role) {
      this.#open = { role: label.role, kind: "labelled", lines: [line] };
      this.#speaker = label.role;
      return;
    }
    const toolLine = matchToolLine(line);
    if (toolLine) {
      // A result written on the tool line itself is plain text: no result fence can follow.
      const toolState = toolLine.result === undefined ? "first" : "plain";
      this.#open = { role: "tool", kind: "tool", lines: [line], toolState };
      return;
    }
    // Text after a tool result continues the speaker; right after a heading it is a note.
    const role: Role = this.#speaker === undefined ? "note" : this.#speaker === "user" ? "assistant" : this.#speaker;
    this.#open = { role, kind: "unlabelled", lines: [line], fence: fenceOpening(line) };
  }

  #closeOpen(): void {
    const open = this.#open;
    this.#open = undefined;
    if (!open) return;
    this.#finish(undefined, open);
  }

  /** An event is complete: a continuation, or the next source event. */
  #finish(known: ScannedEvent | undefined, open: OpenEvent | undefined): void {
    this.#detailsFor = true;
    let role: Role;
    let tool: string | undefined;
    let args: ToolArgs | undefined;
    if (known) {
      role = known.role;
    } else {
      role = open!.role;
      if (open!.kind === "tool") {
        const match = matchToolLine(open!.lines[0])!;
        tool = match.name;
        args = parseToolArgs(match.argsText).args;
      }
    }
    const candidate = known ? continuedText(known.content) !== undefined : mayBeContinuation(open!);
    if (candidate) {
      const content = known?.content ?? exactEvent(open!.lines).content;
      const added = continuedText(content);
      if (added !== undefined && this.#continues(role, tool, args, added)) return;
    }
    const index = this.#count++;
    this.#last = known
      ? { role, content: known.content, added: [] }
      : { role, tool, args, lines: open!.lines, added: [] };
    const resultless = open?.lines.length === 1 && matchToolLine(open.lines[0])?.result === undefined;
    if (role === "tool" && resultless) this.#openTools.set(index, toolSignature(tool, args));
    const oldest = this.#openTools.keys().next().value;
    if (oldest !== undefined && oldest < index - OPEN_TOOL_WINDOW) this.#openTools.delete(oldest);
  }

  /** Attributes a continuation to the tool event it completes, or to the last source event. */
  #continues(role: Role, tool: string | undefined, args: ToolArgs | undefined, added: string): boolean {
    const last = this.#last;
    if (role === "tool") {
      const signature = toolSignature(tool, args);
      for (const [index, open] of this.#openTools) {
        if (open !== signature) continue;
        this.#openTools.delete(index);
        if (index === this.#count - 1) last!.added.push(added);
        return true;
      }
    }
    if (!last || last.role !== role || last.tool !== tool) return false;
    if (role === "tool" && toolSignature(tool, args) !== toolSignature(last.tool, last.args)) return false;
    last.added.push(added);
    return true;
  }
}

/** True when an event's text may start with the continuation mark (then it is read exactly). */
function mayBeContinuation(open: OpenEvent): boolean {
  const lines = open.lines;
  switch (open.kind) {
    case "labelled": {
      const rest = matchLabel(lines[0])!.rest;
      return rest.startsWith(` ${CONTINUATION_MARK}`) || rest.startsWith(CONTINUATION_MARK);
    }
    case "unlabelled":
      return lines[0].replace(/^\\/, "").startsWith(CONTINUATION_MARK);
    case "tool":
      return lines.slice(1, 3).some((line) => line.replace(/^\\/, "").startsWith(CONTINUATION_MARK));
  }
}

/** Reads one event's lines exactly as parseLog does. */
function exactEvent(lines: string[]): ScannedEvent {
  const { log } = parseLog(`## 2000-01-01T00:00:00Z\n\n${lines.join("\n")}\n`);
  const event = log.events[0];
  return event ?? { role: "note", content: "" };
}
