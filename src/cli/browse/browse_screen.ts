/**
 * One frame of the browser: the query line, the result list, the preview of
 * the selected result scrolled to its event, and a status line — drawn whole,
 * for any size down to 80×24 and below.
 *
 * @module
 */
import { fit, truncate, visibleWidth, wrap } from "../render/ansi_text.ts";
import type { Palette } from "../render/paint.ts";
import type { BrowseState } from "./browse_state.ts";

/** The preview of the selected row: its lines (not yet wrapped) and the line its event starts on. */
export interface Preview {
  title: string;
  lines: string[];
  /** Index into `lines` of the hit's event (0 for a session or title row). */
  focus: number;
}

/** Rows given to the list and the preview in a window of `rows` lines. */
export function layout(rows: number): { listHeight: number; previewHeight: number } {
  const body = Math.max(2, rows - 3); // query line, separator, status line
  const listHeight = Math.max(1, Math.min(Math.floor(body * 0.4), body - 1));
  return { listHeight, previewHeight: Math.max(1, body - listHeight) };
}

const HELP = [
  "cru browse — find a session by looking",
  "",
  "Type to search (all words must match). Filters go in the query line:",
  "  type:agent   since:7d   until:2024-06-01   role:user   tool:shell",
  "An empty query lists the sessions with the newest activity.",
  "",
  "  ↓ tab          to the results           ↑ on the first result: back to typing",
  "  ↑ ↓ ctrl-p ctrl-n j k   move            pgup pgdn home end   move further",
  "  enter          open the session in the pager ($PAGER, less -R), at the hit",
  "  e              open the log in $EDITOR at the hit's line",
  "  y              copy the session id (terminal clipboard, OSC 52)",
  "  ctrl-d ctrl-u  scroll the preview      / or any letter   back to typing",
  "  ? F1           this help               q esc ctrl-c      leave",
  "",
  "Press any key to close this help.",
];

/**
 * Draws a frame: one string that moves the cursor home and paints every line.
 *
 * @example
 * ```ts ignore
 * screen.write(drawScreen(state, preview, { columns: 80, rows: 24 }, palette({ colour: true })));
 * ```
 */
export function drawScreen(
  state: BrowseState,
  preview: Preview | undefined,
  size: { columns: number; rows: number },
  paint: Palette,
): string {
  const width = Math.max(20, size.columns);
  const { listHeight, previewHeight } = layout(size.rows);
  const lines: string[] = [queryLine(state, width, paint)];
  if (state.help) {
    const body = HELP.map((line) => paint.bold(line.startsWith("  ") ? line : paint.cyan(line)));
    for (let i = 0; i < listHeight + previewHeight + 1; i++) lines.push(body[i] ?? "");
  } else {
    for (let i = 0; i < listHeight; i++) lines.push(resultLine(state, state.listTop + i, width, paint));
    lines.push(separator(preview, width, paint));
    lines.push(...previewLines(state, preview, width, previewHeight, paint));
  }
  lines.push(statusLine(state, width, paint));
  // Every line is padded to the full width: no erase-to-end, which would also erase the last column.
  return `\x1b[H${lines.slice(0, size.rows).map((line) => `${fit(line, width)}\x1b[0m`).join("\r\n")}`;
}

function queryLine(state: BrowseState, width: number, paint: Palette): string {
  const count = state.searching
    ? paint.dim("searching…")
    : state.query.trim() === ""
    ? paint.dim(`${state.rows.length} recent sessions`)
    : paint.dim(`${state.total} ${state.total === 1 ? "hit" : "hits"}`);
  const prompt = state.focus === "query" ? paint.bold(paint.cyan("> ")) : paint.dim("> ");
  const caret = state.focus === "query" ? paint.inverse(" ") : "";
  const room = width - visibleWidth(count) - 4;
  const query = visibleWidth(state.query) > room ? `…${[...state.query].slice(-(room - 1)).join("")}` : state.query;
  const left = `${prompt}${query}${caret}`;
  return `${left}${" ".repeat(Math.max(1, width - visibleWidth(left) - visibleWidth(count)))}${count}`;
}

/** `2024-01-15T10:30:00Z` → `01-15 10:30` (year shown when it is not this one). */
function shortTime(at: string): string {
  const match = /^(\d{4})-(\d\d-\d\d)T(\d\d:\d\d)/.exec(at);
  if (!match) return at.slice(0, 11);
  return match[1] === String(new Date().getUTCFullYear()) ? `${match[2]} ${match[3]}` : `${match[1]}-${match[2]}`;
}

function resultLine(state: BrowseState, i: number, width: number, paint: Palette): string {
  const row = state.rows[i];
  if (row === undefined) {
    if (i === 0 && !state.searching && state.rows.length === 0) {
      return paint.dim(state.query.trim() === "" ? "  no sessions yet" : "  no matches");
    }
    return "";
  }
  const selected = i === state.selected;
  const marker = selected ? paint.bold(paint.yellow("▌")) : " ";
  const role = row.role === "tool" && row.tool ? `⚙ ${row.tool}` : row.role;
  const idWidth = width >= 120 ? 30 : width >= 90 ? 22 : 16;
  const snippet = row.snippet.replace(/«([^»]*)»/g, (_, word: string) => paint.bold(paint.yellow(word)));
  const text = `${shortTime(row.at).padEnd(11)} ${fit(role, 9)} ${paint.cyan(fit(row.sessionId, idWidth))} ${snippet}`;
  const line = `${marker}${truncate(text, width - 1)}`;
  return selected && state.focus === "list" ? paint.inverse(fit(line, width)) : selected ? paint.bold(line) : line;
}

function separator(preview: Preview | undefined, width: number, paint: Palette): string {
  const title = preview ? ` ${preview.title} ` : "";
  return paint.dim(`──${truncate(title, width - 4)}${"─".repeat(Math.max(0, width - 2 - visibleWidth(title)))}`);
}

function previewLines(
  state: BrowseState,
  preview: Preview | undefined,
  width: number,
  height: number,
  paint: Palette,
): string[] {
  if (!preview) {
    const empty = state.rows.length === 0 ? "" : paint.dim("  loading…");
    return [empty, ...Array(height - 1).fill("")];
  }
  // Wrap up to the hit first, so the hit's position in wrapped lines is known.
  const before = preview.lines.slice(0, preview.focus).flatMap((line) => wrap(line, width - 1));
  const after = preview.lines.slice(preview.focus).flatMap((line) => wrap(line, width - 1));
  const all = [...before, ...after];
  const context = preview.focus === 0 ? 0 : Math.min(2, Math.floor(height / 4));
  const start = Math.max(0, Math.min(before.length - context + state.previewScroll, all.length - height));
  const shown = all.slice(Math.max(0, start), Math.max(0, start) + height).map((line) => ` ${line}`);
  while (shown.length < height) shown.push("");
  return shown;
}

function statusLine(state: BrowseState, width: number, paint: Palette): string {
  if (state.message) return paint.green(truncate(state.message, width));
  if (state.problem) return paint.red(truncate(state.problem, width));
  const keys = state.help
    ? "any key: close help"
    : state.focus === "query"
    ? "↓ results · enter open · type:/since:/role:/tool: filters · F1 help · esc quit"
    : "enter open · e edit · y copy id · / search · ? help · q quit";
  return paint.dim(truncate(keys, width));
}
