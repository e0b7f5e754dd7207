/**
 * What `cru session export` writes for one session, and the index page of a
 * multi-session export, in each format.
 *
 * @module
 */
import type { SessionView } from "../../core/crucible.ts";
import { sessionData } from "./session_data.ts";
import { type ArtifactLink, type IndexEntry, renderIndexHtml, renderSessionHtml } from "./session_html.ts";
import { renderSessionMarkdown } from "./session_markdown.ts";

/** The export formats. */
export const EXPORT_FORMATS = ["html", "md", "json", "jsonl"] as const;
/** One export format. */
export type ExportFormat = typeof EXPORT_FORMATS[number];

/** The file name extension of each format. */
export const EXPORT_EXTENSION: Record<ExportFormat, string> = { html: "html", md: "md", json: "json", jsonl: "jsonl" };

/** Options of {@linkcode exportDocument}. */
export interface ExportDocumentOptions {
  artifacts: ArtifactLink[];
  /** Set in a multi-session export: the index page's file name. */
  indexHref?: string;
}

/**
 * One session as a document of `format`.
 *
 * @example
 * ```ts ignore
 * const text = exportDocument(await cru.show(id), "html", { artifacts: [] });
 * ```
 */
export function exportDocument(view: SessionView, format: ExportFormat, options: ExportDocumentOptions): string {
  switch (format) {
    case "html":
      return renderSessionHtml(view, { artifacts: options.artifacts, indexHref: options.indexHref });
    case "md":
      return renderSessionMarkdown(view);
    case "json":
      return `${JSON.stringify({ ...sessionData(view), artifacts: artifactData(options.artifacts) }, null, 2)}\n`;
    case "jsonl":
      return sessionData(view).events.map((event) => `${JSON.stringify({ session_id: view.id, ...event })}\n`).join("");
  }
}

function artifactData(artifacts: ArtifactLink[]) {
  return artifacts.map((a) => ({ name: a.name, bytes: a.bytes, ...(a.embedded ? {} : { href: a.href }) }));
}

/** The index page of a multi-session export: its file name and text. */
export function exportIndex(
  entries: IndexEntry[],
  format: ExportFormat,
  heading: string,
): { name: string; text: string } {
  if (format === "html") return { name: "index.html", text: renderIndexHtml(entries, heading) };
  if (format === "md") {
    const items = entries.map((e) =>
      `- [${
        (e.title ?? e.id).replace(/[[\]]/g, "\\$&")
      }](${e.href}) — \`${e.id}\` · ${e.type} · ${e.started} · ${e.events} events`
    );
    return { name: "index.md", text: `# ${heading}\n\n${items.join("\n")}\n` };
  }
  return { name: "index.json", text: `${JSON.stringify({ title: heading, sessions: entries }, null, 2)}\n` };
}
