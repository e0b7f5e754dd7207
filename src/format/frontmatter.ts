/**
 * YAML frontmatter of a log: render and parse, keeping keys cru does not know.
 *
 * @module
 */
import { parseDocument, stringify } from "yaml";
import type { LogMeta } from "../model/log.ts";

const KNOWN_KEYS = ["session_id", "type", "started", "continued_from", "title", "ended", "tags"];

/** Renders the frontmatter block, `---` lines included, in a stable key order. */
export function renderFrontmatter(meta: LogMeta): string {
  const optional: Record<string, unknown> = {};
  if (meta.title !== undefined) optional.title = meta.title;
  if (meta.ended !== undefined) optional.ended = meta.ended;
  if (meta.tags !== undefined && meta.tags.length > 0) optional.tags = meta.tags;
  for (const [key, value] of Object.entries(meta.extra)) {
    if (!KNOWN_KEYS.includes(key)) optional[key] = value;
  }
  const rest = Object.keys(optional).length > 0 ? stringify(optional, { lineWidth: 0 }) : "";
  // The fixed keys are written by hand so the wikilink reads as the seed writes it: [[file.md]].
  return "---\n" +
    `session_id: ${meta.session_id}\n` +
    `type: ${meta.type}\n` +
    `started: ${meta.started}\n` +
    `continued_from: ${meta.continued_from === null ? "null" : `[[${meta.continued_from}]]`}\n` +
    rest +
    "---\n";
}

/** The frontmatter as read: the meta, or the problem that kept it from being read. */
export interface ParsedFrontmatter {
  meta: LogMeta;
  problem?: string;
}

/**
 * Parses frontmatter YAML (without the `---` lines). Missing keys come from
 * `fallback`; unknown keys land in `extra`.
 */
export function parseFrontmatter(
  yamlText: string,
  fallback: Pick<LogMeta, "session_id" | "type" | "started">,
): ParsedFrontmatter {
  const document = parseDocument(yamlText);
  const base: LogMeta = { ...fallback, continued_from: null, extra: {} };
  if (document.errors.length > 0) {
    return { meta: base, problem: `frontmatter is not valid YAML: ${document.errors[0].message.split("\n")[0]}` };
  }
  let parsed: unknown;
  try {
    parsed = document.toJS() ?? {};
  } catch (error) {
    // e.g. `*word` reads as an alias to an anchor that does not exist
    return { meta: base, problem: `frontmatter is not valid YAML: ${(error as Error).message.split("\n")[0]}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { meta: base, problem: "frontmatter is not a YAML mapping" };
  }
  const data = parsed as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!KNOWN_KEYS.includes(key)) extra[key] = value;
  const meta: LogMeta = {
    session_id: textOr(data.session_id, fallback.session_id),
    type: textOr(data.type, fallback.type),
    started: textOr(data.started, fallback.started),
    continued_from: wikilinkTarget(data.continued_from),
    extra,
  };
  if (data.title !== undefined && data.title !== null) meta.title = String(data.title);
  if (data.ended !== undefined && data.ended !== null) meta.ended = String(data.ended);
  if (Array.isArray(data.tags)) meta.tags = data.tags.map(String);
  else if (typeof data.tags === "string") meta.tags = data.tags.split(/[,\s]+/).filter(Boolean);
  return { meta };
}

/**
 * Sets a top-level key of frontmatter YAML to a plain scalar (a timestamp, a
 * word) by editing only that line, so the rest of what the user wrote stays
 * byte for byte. Returns the new YAML text.
 *
 * @example
 * ```ts
 * import { setFrontmatterScalar } from "./frontmatter.ts";
 * console.assert(setFrontmatterScalar("a: 1\n", "ended", "2024-01-15T10:30:00Z") === "a: 1\nended: 2024-01-15T10:30:00Z\n");
 * ```
 */
export function setFrontmatterScalar(yamlText: string, key: string, value: string): string {
  const line = `${key}: ${value}`;
  const pattern = new RegExp(`^${key}:[^\n]*$`, "m");
  if (pattern.test(yamlText)) return yamlText.replace(pattern, line);
  return `${yamlText}${yamlText === "" || yamlText.endsWith("\n") ? "" : "\n"}${line}\n`;
}

/**
 * Sets a top-level key of frontmatter YAML to any value (or removes it when
 * `value` is undefined), replacing only that key's lines: the rest of what
 * the user wrote stays byte for byte. Returns the new YAML text.
 *
 * @example
 * ```ts
 * import { setFrontmatterKey } from "./frontmatter.ts";
 * const yaml = setFrontmatterKey("title: Old\ntags:\n  - a\nx: 1\n", "tags", ["a", "b"]);
 * console.assert(yaml === "title: Old\ntags:\n  - a\n  - b\nx: 1\n");
 * console.assert(setFrontmatterKey(yaml, "tags", undefined) === "title: Old\nx: 1\n");
 * ```
 */
export function setFrontmatterKey(yamlText: string, key: string, value: unknown): string {
  const lines = yamlText === "" ? [] : yamlText.replace(/\n$/, "").split("\n");
  const start = lines.findIndex((line) => line.startsWith(`${key}:`));
  const rendered = value === undefined
    ? []
    : stringify({ [key]: value }, { lineWidth: 0, indent: 2 }).replace(/\n$/, "")
      .split("\n").map((line) => line.replace(/^- /, "  - "));
  if (start < 0) return [...lines, ...rendered].map((line) => `${line}\n`).join("");
  // The key's value runs over the lines indented under it (or a block list at column 0).
  let end = start + 1;
  while (end < lines.length && (/^[ \t]/.test(lines[end]) || lines[end].startsWith("- ") || lines[end] === "-")) end++;
  lines.splice(start, end - start, ...rendered);
  return lines.map((line) => `${line}\n`).join("");
}

function textOr(value: unknown, fallback: string): string {
  return value === undefined || value === null ? fallback : value instanceof Date ? value.toISOString() : String(value);
}

/** `[[a.md]]` written plainly is a nested YAML list; quoted it is a string. Both name `a.md`. */
function wikilinkTarget(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (Array.isArray(value)) return wikilinkTarget(value.flat(2)[0]);
  const text = String(value).trim();
  const match = /^\[\[([^\]|#]+)(?:[|#][^\]]*)?\]\]$/.exec(text);
  return match ? match[1] : text;
}
