/**
 * A session as one markdown document: its frontmatter and title once, then
 * every log's turns in order, each continuation introduced by its compaction
 * line. Events are written exactly as cru writes them in logs.
 *
 * @module
 */
import type { SessionView } from "../../core/crucible.ts";
import { defaultHeading } from "../../model/session_type.ts";
import { renderEvents, renderLogHeader } from "../../format/render_log.ts";

/**
 * Renders `view` as one markdown document.
 *
 * @example
 * ```ts ignore
 * await Deno.writeTextFile("session.md", renderSessionMarkdown(await cru.show(id)));
 * ```
 */
export function renderSessionMarkdown(view: SessionView): string {
  let text = renderLogHeader({
    meta: {
      session_id: view.id,
      type: view.type,
      started: view.started,
      continued_from: null,
      ...(view.title === null ? {} : { title: view.title }),
      ...(view.ended === null ? {} : { ended: view.ended }),
      extra: {},
    },
    heading: view.title ?? defaultHeading(view.type),
  });
  view.logs.forEach((log, i) => {
    const events = view.events.filter((event) => event.file === log.file);
    if (i > 0) {
      const context = (log.context ?? "").replace(/\s+/g, " ").trim().replace(/[\\*]/g, (c) => `\\${c}`);
      text += `\n---\n\n*Compacted from previous session. Context: ${context}*\n`;
    }
    text += renderEvents(events, null);
  });
  return text;
}
