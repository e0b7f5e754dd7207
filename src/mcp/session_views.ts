/**
 * The last session read, kept while its logs are unchanged, so reading a long
 * session page after page parses it once, not once per page.
 *
 * @module
 */
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { Crucible, SessionView } from "../core/crucible.ts";

/**
 * What a session's logs look like on disk: each log's size and time, and its
 * folder's time (a new log changes it); undefined when something is missing or
 * was written since `since` (it may have changed while it was read).
 */
function fingerprint(view: SessionView, since = Infinity): string | undefined {
  try {
    const times = [view.files.length > 0 ? statSync(dirname(view.files[0])).mtimeMs : 0];
    const sizes = view.files.map((file) => {
      const stat = statSync(file);
      times.push(stat.mtimeMs);
      return stat.size;
    });
    if (times.some((time) => time >= since)) return undefined;
    return JSON.stringify([times, sizes]);
  } catch {
    return undefined; // a log went away: read again
  }
}

/** Logs written this recently are not kept: a write may have been under way while they were read. */
const SETTLED_MS = 2_000;

/**
 * Reads sessions through `cru.show()`, keeping the last one.
 *
 * @example
 * ```ts ignore
 * const views = new SessionViews(cru);
 * const view = await views.read("agent-20240115-103000-ab12");
 * ```
 */
export class SessionViews {
  readonly #cru: Crucible;
  #last: { view: SessionView; key: string } | undefined;

  constructor(cru: Crucible) {
    this.#cru = cru;
  }

  async read(id: string): Promise<SessionView> {
    const last = this.#last;
    if (last && last.view.id === id && fingerprint(last.view) === last.key) return last.view;
    this.#last = undefined;
    const started = Date.now();
    const view = await this.#cru.show(id);
    const key = fingerprint(view, started - SETTLED_MS);
    if (key !== undefined) this.#last = { view, key };
    return view;
  }
}
