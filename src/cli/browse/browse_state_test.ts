import { test } from "node:test";
import assert from "node:assert/strict";
import type { BrowseRow } from "./browse_rows.ts";
import { type BrowseState, handleKey, initialState, withResults } from "./browse_state.ts";

const size = { listHeight: 3, previewHeight: 10 };
const rows: BrowseRow[] = Array.from({ length: 6 }, (_, i) => ({
  sessionId: `chat-${i}`,
  type: "chat",
  at: "2024-01-15T10:30:00Z",
  role: "user",
  snippet: `hit ${i}`,
}));

function press(state: BrowseState, ...keys: string[]) {
  const effects: string[] = [];
  for (const key of keys) {
    const result = handleKey(state, key, size);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

test("typing edits the query and asks for a search on each change", () => {
  const { state, effects } = press(initialState(), "d", "e", "p", "backspace");
  assert.equal(state.query, "de");
  assert.deepEqual(effects, ["search", "search", "search", "search"]);
  assert.equal(state.searching, true);
});

test("down goes to the results; moving keeps the selection in view and asks for its preview", () => {
  const start = withResults(initialState("x"), rows, 6);
  const { state, effects } = press(start, "down", "down", "ctrl-n", "j", "j");
  assert.equal(state.focus, "list");
  assert.equal(state.selected, 4);
  assert.equal(state.listTop, 2);
  assert.deepEqual(effects, ["preview", "preview", "preview", "preview"]);
  assert.equal(press(state, "G").state.selected, 5);
  assert.equal(press(state, "g").state.listTop, 0);
});

test("in the results: enter opens, e edits, y copies, ? helps, q leaves; other letters go back to typing", () => {
  const list = press(withResults(initialState("x"), rows, 6), "down").state;
  assert.deepEqual(press(list, "enter").effects, ["open"]);
  assert.deepEqual(press(list, "e").effects, ["edit"]);
  assert.deepEqual(press(list, "y").effects, ["copy"]);
  assert.equal(press(list, "?").state.help, true);
  assert.deepEqual(press(list, "q").effects, ["quit"]);
  assert.deepEqual(press(list, "esc").effects, ["quit"]);
  const typed = press(list, "z");
  assert.equal(typed.state.focus, "query");
  assert.equal(typed.state.query, "xz");
});

test("in the query: q is typed, esc and ctrl-c leave, enter opens the selected result", () => {
  const query = withResults(initialState(""), rows, 6);
  assert.equal(press(query, "q").state.query, "q");
  assert.deepEqual(press(query, "esc").effects, ["quit"]);
  assert.deepEqual(press(query, "ctrl-c").effects, ["quit"]);
  assert.deepEqual(press(query, "enter").effects, ["open"]);
  assert.deepEqual(press(initialState("x"), "enter").effects, [], "nothing to open");
});

test("up on the first result goes back to the query; help closes on any key but ctrl-c", () => {
  const list = press(withResults(initialState("x"), rows, 6), "down").state;
  assert.equal(press(list, "up").state.focus, "query");
  const help = press(list, "?").state;
  assert.deepEqual(press(help, "x"), { state: { ...help, help: false, message: undefined }, effects: [] });
  assert.deepEqual(press(help, "ctrl-c").effects, ["quit"]);
});

test("new results put the selection back on the first row", () => {
  const moved = press(withResults(initialState("x"), rows, 6), "down", "down", "down").state;
  const fresh = withResults(moved, rows.slice(0, 2), 2);
  assert.equal(fresh.selected, 0);
  assert.equal(fresh.listTop, 0);
  assert.equal(fresh.searching, false);
});
