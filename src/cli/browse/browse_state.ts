/**
 * What the browser shows and how keys change it: a pure state machine, so every
 * key's effect is testable without a terminal. Effects (search, open, edit,
 * copy, quit) are carried out by the controller.
 *
 * @module
 */
import type { BrowseRow } from "./browse_rows.ts";
import { isPrintable } from "./read_keys.ts";

/** Where typed keys go. */
export type Focus = "query" | "list";

/** The browser's state. */
export interface BrowseState {
  query: string;
  focus: Focus;
  rows: BrowseRow[];
  total: number;
  selected: number;
  /** The first row shown. */
  listTop: number;
  /** Lines the preview is scrolled from where it starts (the hit). */
  previewScroll: number;
  /** A query is being answered. */
  searching: boolean;
  /** What is wrong with the query or the index, shown until the next answer. */
  problem?: string;
  /** A one-off message for the status line ("copied …"). */
  message?: string;
  help: boolean;
}

/** Something the controller does after a key. */
export type BrowseEffect = "search" | "preview" | "open" | "edit" | "copy" | "quit";

/** The state a browser starts in. */
export function initialState(query = ""): BrowseState {
  return {
    query,
    focus: "query",
    rows: [],
    total: 0,
    selected: 0,
    listTop: 0,
    previewScroll: 0,
    searching: false,
    help: false,
  };
}

/** The state once a query's results arrive: selection back at the top. */
export function withResults(state: BrowseState, rows: BrowseRow[], total: number, problem?: string): BrowseState {
  return {
    ...state,
    rows,
    total,
    selected: 0,
    listTop: 0,
    previewScroll: 0,
    searching: false,
    ...(problem === undefined ? { problem: undefined } : { problem }),
  };
}

/**
 * Applies one key. `listHeight` (rows the list shows) keeps the selection in
 * view; `previewHeight` sets how far a page of preview scrolls.
 *
 * @example
 * ```ts
 * import { handleKey, initialState } from "./browse_state.ts";
 * const { state, effects } = handleKey(initialState(), "d", { listHeight: 8, previewHeight: 12 });
 * console.assert(state.query === "d" && effects[0] === "search");
 * ```
 */
export function handleKey(
  state: BrowseState,
  key: string,
  size: { listHeight: number; previewHeight: number },
): { state: BrowseState; effects: BrowseEffect[] } {
  const s: BrowseState = { ...state, message: undefined };
  if (key === "ctrl-c") return { state: s, effects: ["quit"] };
  if (state.help) return { state: { ...s, help: false }, effects: [] };
  if (key === "f1") return { state: { ...s, help: true }, effects: [] };

  const move = (to: number): { state: BrowseState; effects: BrowseEffect[] } => {
    const selected = Math.max(0, Math.min(s.rows.length - 1, to));
    if (s.rows.length === 0 || selected === s.selected) return { state: s, effects: [] };
    let listTop = s.listTop;
    if (selected < listTop) listTop = selected;
    if (selected >= listTop + size.listHeight) listTop = selected - size.listHeight + 1;
    return { state: { ...s, selected, listTop, previewScroll: 0 }, effects: ["preview"] };
  };
  const edit = (query: string): { state: BrowseState; effects: BrowseEffect[] } =>
    query === s.query
      ? { state: { ...s, focus: "query" }, effects: [] }
      : { state: { ...s, query, focus: "query", searching: true }, effects: ["search"] };
  const scroll = (by: number) => ({ state: { ...s, previewScroll: s.previewScroll + by }, effects: [] });
  const half = Math.max(1, Math.floor(size.previewHeight / 2));

  if (s.focus === "query") {
    switch (key) {
      case "esc":
        return { state: s, effects: ["quit"] };
      case "enter":
        return s.rows.length === 0 ? { state: s, effects: [] } : { state: s, effects: ["open"] };
      case "down":
      case "tab":
        return s.rows.length === 0 ? { state: s, effects: [] } : { state: { ...s, focus: "list" }, effects: [] };
      case "ctrl-n":
        return move(s.selected + 1);
      case "ctrl-p":
        return move(s.selected - 1);
      case "backspace":
        return edit([...s.query].slice(0, -1).join(""));
      case "ctrl-u":
        return edit("");
      case "ctrl-w":
        return edit(s.query.replace(/\S*\s*$/, ""));
      case "pagedown":
        return scroll(half);
      case "pageup":
        return scroll(-half);
      default:
        return isPrintable(key) ? edit(s.query + key) : { state: s, effects: [] };
    }
  }
  switch (key) {
    case "q":
    case "esc":
      return { state: s, effects: ["quit"] };
    case "enter":
      return { state: s, effects: ["open"] };
    case "e":
      return { state: s, effects: ["edit"] };
    case "y":
      return { state: s, effects: ["copy"] };
    case "?":
      return { state: { ...s, help: true }, effects: [] };
    case "/":
    case "tab":
    case "shift-tab":
      return { state: { ...s, focus: "query" }, effects: [] };
    case "up":
    case "ctrl-p":
    case "k":
      return s.selected === 0 ? { state: { ...s, focus: "query" }, effects: [] } : move(s.selected - 1);
    case "down":
    case "ctrl-n":
    case "j":
      return move(s.selected + 1);
    case "pagedown":
      return move(s.selected + size.listHeight);
    case "pageup":
      return move(s.selected - size.listHeight);
    case "home":
    case "g":
      return move(0);
    case "end":
    case "G":
      return move(s.rows.length - 1);
    case "ctrl-d":
    case "right":
      return scroll(half);
    case "ctrl-u":
    case "left":
      return scroll(-half);
    case "backspace":
      return edit([...s.query].slice(0, -1).join(""));
    default:
      // Typing in the list goes back to the query: people type without pressing `/` first.
      return isPrintable(key) ? edit(s.query + key) : { state: s, effects: [] };
  }
}
