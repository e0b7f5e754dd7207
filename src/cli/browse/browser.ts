/**
 * The browser's controller: keys in, frames out. Queries go to the index
 * through the facade while typing goes on (one in flight, the newest query
 * next); previews and the pager read the session from the store.
 *
 * @module
 */
import type { Crucible, SessionView } from "../../core/crucible.ts";
import { editFile, page } from "../../runtime/pager.ts";
import { type FullScreen, openFullScreen } from "../../runtime/terminal.ts";
import type { Palette } from "../render/paint.ts";
import { renderSessionForTerminal } from "../render/session_terminal.ts";
import { readBrowseQuery } from "./browse_query.ts";
import { type BrowseRow, eventIndexOf, runBrowseQuery } from "./browse_rows.ts";
import { drawScreen, layout, type Preview } from "./browse_screen.ts";
import { type BrowseEffect, type BrowseState, handleKey, initialState, withResults } from "./browse_state.ts";
import { readKeys } from "./read_keys.ts";

/** Options of {@linkcode runBrowser}. */
export interface BrowserOptions {
  /** The query to start with. */
  query?: string;
  paint: Palette;
}

/** What the user had selected when leaving. */
export interface BrowserOutcome {
  query: string;
  selected: BrowseRow | null;
}

const CACHED_SESSIONS = 16;

/** Runs the browser on the terminal until the user leaves; the terminal is given back whatever happens. */
export async function runBrowser(cru: Crucible, options: BrowserOptions): Promise<BrowserOutcome> {
  const screen = openFullScreen();
  try {
    return await new Browser(cru, screen, options).run();
  } finally {
    screen.close();
  }
}

class Browser {
  readonly #cru: Crucible;
  readonly #screen: FullScreen;
  readonly #paint: Palette;
  #state: BrowseState;
  #preview: { key: string; preview: Preview } | undefined;
  readonly #sessions = new Map<string, SessionView>();
  #searching = false;
  #searchAgain = false;
  #busy = false; // a pager or an editor has the terminal
  #drawPending = false;
  #done: (() => void) | undefined;

  constructor(cru: Crucible, screen: FullScreen, options: BrowserOptions) {
    this.#cru = cru;
    this.#screen = screen;
    this.#paint = options.paint;
    this.#state = initialState(options.query ?? "");
  }

  async run(): Promise<BrowserOutcome> {
    const finished = new Promise<void>((resolve) => (this.#done = resolve));
    this.#screen.onInput((data) => this.#input(data));
    this.#screen.onResize(() => this.#draw());
    this.#screen.write("\x1b[2J");
    this.#state = { ...this.#state, searching: true };
    this.#search();
    this.#draw();
    await finished;
    return { query: this.#state.query, selected: this.#state.rows[this.#state.selected] ?? null };
  }

  #input(data: string): void {
    if (this.#busy) return;
    const size = layout(this.#screen.size().rows);
    for (const key of readKeys(data)) {
      const { state, effects } = handleKey(this.#state, key, size);
      this.#state = state;
      for (const effect of effects) this.#effect(effect);
    }
    this.#draw();
  }

  #effect(effect: BrowseEffect): void {
    switch (effect) {
      case "search":
        return this.#search();
      case "preview":
        return this.#loadPreview();
      case "quit":
        return this.#done?.();
      case "copy":
        return this.#copy();
      case "open":
      case "edit":
        void this.#handOver(effect);
    }
  }

  /** Asks the index for the current query; while one is in flight, only the newest waits. */
  #search(): void {
    if (this.#searching) {
      this.#searchAgain = true;
      return;
    }
    this.#searching = true;
    const line = this.#state.query;
    const query = readBrowseQuery(line);
    runBrowseQuery(this.#cru, query).then(
      (results) => {
        this.#state = withResults(this.#state, results.rows, results.total, query.problem);
      },
      (error) => {
        this.#state = withResults(this.#state, [], 0, `search failed: ${(error as Error).message}`);
      },
    ).finally(() => {
      this.#searching = false;
      if (this.#searchAgain || this.#state.query !== line) {
        this.#searchAgain = false;
        this.#state = { ...this.#state, searching: true };
        this.#search();
      }
      this.#loadPreview();
      this.#draw();
    });
  }

  #rowKey(row: BrowseRow): string {
    return `${row.sessionId}\n${row.file ?? ""}\n${row.line ?? ""}\n${row.seq ?? ""}`;
  }

  /** Shows the selected row's session around its event (read once, then cached). */
  #loadPreview(): void {
    const row = this.#state.rows[this.#state.selected];
    if (!row) {
      this.#preview = undefined;
      return;
    }
    const key = this.#rowKey(row);
    if (this.#preview?.key === key) return;
    const view = this.#sessions.get(row.sessionId);
    if (view) {
      this.#preview = { key, preview: this.#makePreview(view, row) };
      return;
    }
    this.#preview = undefined;
    this.#session(row.sessionId).then(() => {
      const current = this.#state.rows[this.#state.selected];
      if (current && this.#rowKey(current) === key) {
        this.#loadPreview();
        this.#draw();
      }
    }, (error) => {
      this.#state = { ...this.#state, problem: `cannot read ${row.sessionId}: ${(error as Error).message}` };
      this.#draw();
    });
  }

  async #session(id: string): Promise<SessionView> {
    const cached = this.#sessions.get(id);
    if (cached) return cached;
    const view = await this.#cru.show(id);
    this.#sessions.set(id, view);
    if (this.#sessions.size > CACHED_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    return view;
  }

  #makePreview(view: SessionView, row: BrowseRow): Preview {
    const mark = eventIndexOf(view, row);
    const rendered = renderSessionForTerminal(view, this.#paint, { mark });
    return {
      title: `${view.title ?? view.id} · ${view.id}`,
      lines: rendered.lines,
      focus: mark >= 0 ? rendered.eventStarts[mark] : 0,
    };
  }

  #copy(): void {
    const row = this.#state.rows[this.#state.selected];
    if (!row) return;
    // OSC 52 sets the clipboard of the terminal the user sits at, also over ssh and in tmux.
    this.#screen.write(`\x1b]52;c;${btoa(row.sessionId)}\x07`);
    this.#state = { ...this.#state, message: `copied ${row.sessionId}` };
  }

  /** Opens the selected session in the pager, or its log in the editor, at the hit. */
  async #handOver(effect: "open" | "edit"): Promise<void> {
    const row = this.#state.rows[this.#state.selected];
    if (!row) return;
    this.#busy = true;
    try {
      const view = await this.#session(row.sessionId);
      const mark = eventIndexOf(view, row);
      if (effect === "open") {
        const rendered = renderSessionForTerminal(view, this.#paint, { mark, unfoldTools: true });
        const line = mark >= 0 ? Math.max(1, rendered.eventStarts[mark] - 1) : 1; // with the turn above it
        await this.#screen.suspend(() => page(rendered.lines.join("\n"), { line, stay: true }));
      } else {
        const event = view.events[mark];
        const file = event?.file ?? view.files.at(-1)!;
        const code = await this.#screen.suspend(() => editFile(file, event?.line ?? 1));
        if (code === null || code === 127) this.#state = { ...this.#state, problem: "could not start $EDITOR" };
        // The log may have changed: read it again, and ask the index again.
        this.#sessions.delete(row.sessionId);
        this.#preview = undefined;
        this.#search();
      }
    } catch (error) {
      this.#state = { ...this.#state, problem: (error as Error).message };
    } finally {
      this.#busy = false;
      this.#screen.write("\x1b[2J");
      this.#loadPreview();
      this.#draw();
    }
  }

  /** Draws once per turn of the event loop, however many changes came in. */
  #draw(): void {
    if (this.#drawPending) return;
    this.#drawPending = true;
    queueMicrotask(() => {
      this.#drawPending = false;
      if (this.#busy) return;
      const preview = this.#preview?.preview;
      this.#screen.write(drawScreen(this.#state, preview, this.#screen.size(), this.#paint));
    });
  }
}
