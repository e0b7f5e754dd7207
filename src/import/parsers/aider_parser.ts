/**
 * aider's `.aider.chat.history.md`: one file, many sessions, each opened by a
 * `# aider chat started at <local time>` line. `#### ` lines are what the user
 * typed, `> ` lines are aider's own output (commands, edits, errors), and the
 * rest is the model's reply. aider ends the lines it writes for the user and
 * for its output with a two-space markdown line break, which is dropped.
 *
 * @module
 */
import type { Role } from "../../model/role.ts";
import { findSourceTime } from "./source_time.ts";
import {
  quoteLine,
  SourceFormatError,
  type SourceItem,
  type SourceParser,
  type SourceParserOptions,
} from "./source_item.ts";

const HEADER = /^# aider chat started at (.*)$/;

/** True when `line` opens an aider session. */
export function isAiderHeader(line: string): boolean {
  return HEADER.test(line);
}

type AiderRole = Extract<Role, "user" | "assistant" | "tool">;

/**
 * Reads an aider chat history.
 *
 * @example
 * ```ts
 * import { AiderParser } from "./aider_parser.ts";
 * const parser = new AiderParser({ file: "h.md", fallbackTime: "2024-01-01T00:00:00Z" });
 * const text = "# aider chat started at 2024-05-01 10:00:00\n\n#### add a test  \n\nDone.\n\n> Applied edit to a.py  \n";
 * const items = [...text.split("\n").flatMap((line) => parser.push(line)), ...parser.end()];
 * console.assert(items.map((i) => i.kind === "event" ? i.event.role : i.kind).join() === "session,user,assistant,tool");
 * ```
 */
export class AiderParser implements SourceParser {
  readonly format = "aider" as const;
  readonly #options: SourceParserOptions;
  #line = 0;
  #sessions = 0;
  #at = "";
  #role: AiderRole | undefined;
  #lines: string[] = [];
  #start = 0;

  constructor(options: SourceParserOptions) {
    this.#options = options;
  }

  push(raw: string): SourceItem[] {
    this.#line++;
    const header = HEADER.exec(raw);
    if (header) {
      const items = this.#flush();
      this.#sessions++;
      this.#at = findSourceTime(header[1]) ?? this.#options.fallbackTime;
      items.push({
        kind: "session",
        format: "aider",
        key: raw.trimEnd(),
        line: this.#line,
        started: this.#at,
        meta: { source_session: raw.slice(2).trim() },
      });
      return items;
    }
    if (this.#sessions === 0) {
      if (raw.trim() === "") return [];
      throw new SourceFormatError(
        this.#options.file,
        this.#line,
        `not an aider chat history: expected "# aider chat started at …", found ${quoteLine(raw)}`,
      );
    }
    // aider writes its own lines with a trailing two-space line break.
    const line = raw.endsWith("  ") ? raw.slice(0, -2) : raw;
    const user = /^####(?: (.*))?$/.exec(line);
    if (user) return this.#add("user", user[1] ?? "");
    const tool = /^>(?: (.*))?$/.exec(line);
    if (tool) return this.#add("tool", tool[1] ?? "");
    if (raw.trim() === "") {
      // A blank line ends what the user typed and a run of aider output; inside a reply it is text.
      if (this.#role === "assistant") this.#lines.push(raw);
      else return this.#flush();
      return [];
    }
    return this.#add("assistant", raw);
  }

  end(): SourceItem[] {
    if (this.#sessions === 0) return [{ kind: "warning", line: 1, message: "the file is empty: nothing to import" }];
    return this.#flush();
  }

  #add(role: AiderRole, text: string): SourceItem[] {
    const items = this.#role === role ? [] : this.#flush();
    if (this.#role === undefined) {
      this.#role = role;
      this.#start = this.#line;
    }
    this.#lines.push(text);
    return items;
  }

  #flush(): SourceItem[] {
    const role = this.#role;
    const lines = this.#lines;
    this.#role = undefined;
    this.#lines = [];
    if (role === undefined) return [];
    let first = 0;
    let last = lines.length;
    if (role === "assistant") {
      while (first < last && lines[first].trim() === "") first++;
      while (last > first && lines[last - 1].trim() === "") last--;
      if (first === last) return [];
    }
    const content = lines.slice(first, last).join("\n");
    const event = role === "tool"
      ? { role, tool: "aider", args: {}, content, at: this.#at }
      : { role, content, at: this.#at };
    return [{ kind: "event", event, line: this.#start + first }];
  }
}
