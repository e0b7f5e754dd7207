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
export function parseFrontmatter(yamlText: string, fallback: Pick<LogMeta, "session_id" | "type" | "started">): ParsedFrontmatter {
  const document = parseDocument(yamlText);
  const base: LogMeta = { ...fallback, continued_from: null, extra: {} };
  if (document.errors.length > 0) {
    return { meta: base, problem: `frontmatter is not valid YAML: ${document.errors[0].message.split("\n")[0]}` };
  }
  const data = document.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    return { meta: base, problem: "frontmatter is not a YAML mapping" };
  }
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
 * Sets one key of a frontmatter block in place, keeping the user's comments and
 * layout. Returns the new YAML text.
 */
export function setFrontmatterKey(yamlText: string, key: string, value: unknown): string {
  const document = parseDocument(yamlText);
  document.set(key, value);
  return document.toString({ lineWidth: 0 });
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
