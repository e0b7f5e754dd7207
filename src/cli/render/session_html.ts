/**
 * A session as one self-contained HTML page: styles inline, nothing loaded
 * from anywhere (a Content-Security-Policy says so to the browser), every text
 * escaped or rendered through {@linkcode markdownToHtml}.
 *
 * @module
 */
import type { SessionView } from "../../core/crucible.ts";
import { type LabelledRole, roleLabel } from "../../model/role.ts";
import type { ReadEvent } from "../../model/event.ts";
import { escapeHtml } from "./escape_html.ts";
import { EXPORT_CSS } from "./export_css.ts";
import { markdownToHtml } from "./html_markdown.ts";

/** An artifact as the page shows it. */
export interface ArtifactLink {
  name: string;
  bytes: number;
  /** Where the link points (a relative path or a `file://` URL), or a `data:` URL when embedded. */
  href: string;
  /** True when `href` is a `data:` URL holding the file. */
  embedded: boolean;
}

/** Options of {@linkcode renderSessionHtml}. */
export interface SessionHtmlOptions {
  artifacts?: ArtifactLink[];
  /** A link back to the index page of a multi-session export. */
  indexHref?: string;
}

/** `2024-01-15T10:30:00Z` as people read it: `2024-01-15 10:30:00 UTC`; in a `<time>` with the exact value. */
function time(at: string): string {
  const readable = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(at) ? `${at.slice(0, 10)} ${at.slice(11, 19)} UTC` : at;
  return `<time datetime="${escapeHtml(at)}">${escapeHtml(readable)}</time>`;
}

/** The policy of every exported page: inline styles and embedded images, nothing else. */
export const EXPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:";

/** The page's head and opening body, shared with the index page. */
export function pageStart(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="cru">
<title>${escapeHtml(title)}</title>
<style>${EXPORT_CSS}</style>
</head>
<body>
`;
}

/**
 * Renders a session as an HTML page.
 *
 * @example
 * ```ts ignore
 * const html = renderSessionHtml(await cru.show(id), { artifacts: [] });
 * ```
 */
export function renderSessionHtml(view: SessionView, options: SessionHtmlOptions = {}): string {
  const out: string[] = [pageStart(view.title ?? view.id)];
  const meta = [
    ...(view.title === null ? [] : [`<code>${escapeHtml(view.id)}</code>`]),
    escapeHtml(view.type),
    `started ${time(view.started)}`,
    ...(view.ended ? [`ended ${time(view.ended)}`] : []),
    `${view.events.length} events`,
    ...(view.logs.length > 1 ? [`${view.logs.length} logs`] : []),
  ];
  out.push(
    "<header>",
    ...(options.indexHref
      ? [`<p class="muted"><a href="${escapeHtml(options.indexHref)}">← all sessions</a></p>`]
      : []),
    `<h1>${escapeHtml(view.title ?? view.id)}</h1>`,
    `<p class="meta">${meta.join(" · ")}</p>`,
    "</header>",
    "<main>",
  );
  const contexts = new Map(view.logs.map((log) => [log.file, log]));
  let file = view.logs[0]?.file;
  let at: string | undefined;
  view.events.forEach((event, i) => {
    if (event.file !== file) {
      file = event.file;
      const log = contexts.get(event.file);
      out.push(
        `<aside class="compaction" id="log-${view.logs.findIndex((l) => l.file === event.file) + 1}">`,
        `<strong>Compacted.</strong> The conversation continues in a new log${
          log ? ` (started ${time(log.started)})` : ""
        }.`,
        ...(log?.context ? [`<div class="label">Context carried over</div>`, markdownToHtml(log.context)] : []),
        "</aside>",
      );
      at = undefined;
    }
    if (event.at !== at) {
      out.push(`<div class="turn">${time(event.at)}</div>`);
      at = event.at;
    }
    out.push(renderEvent(event, i + 1));
  });
  const artifacts = options.artifacts ?? [];
  if (artifacts.length > 0) {
    out.push('<section class="artifacts" id="artifacts"><h2>Artifacts</h2><ul>');
    for (const artifact of artifacts) out.push(`<li>${renderArtifact(artifact)}</li>`);
    out.push("</ul></section>");
  }
  out.push(
    "</main>",
    `<footer class="muted">Exported by cru from ${escapeHtml(view.id)}.</footer>`,
    "</body>",
    "</html>",
  );
  return `${out.join("\n")}\n`;
}

function renderEvent(event: ReadEvent, n: number): string {
  const id = `e${n}`;
  if (event.role === "tool") {
    const args = JSON.stringify(event.args ?? {});
    const lines = event.content.split("\n");
    // Folded, a call says what it did: its arguments, or else the first line of its result.
    const hint = args !== "{}" ? args : (lines.find((line) => line.trim() !== "") ?? "").trim();
    const short = hint.length > 100 ? `${hint.slice(0, 99)}…` : hint;
    const count = lines.length > 1 ? ` <span class="count">${lines.length} lines</span>` : "";
    return [
      `<section class="event role-tool" id="${id}" data-role="tool">`,
      "<details>",
      `<summary><strong>${escapeHtml(event.tool ?? "tool")}</strong> <span class="args">${
        escapeHtml(short)
      }</span>${count}</summary>`,
      ...(args === "{}" ? [] : [
        `<div class="label">Arguments</div>`,
        `<pre class="args">${escapeHtml(JSON.stringify(event.args, null, 2))}</pre>`,
      ]),
      `<div class="label">Result</div>`,
      `<pre class="result">${escapeHtml(event.content)}</pre>`,
      "</details>",
      "</section>",
    ].join("\n");
  }
  return [
    `<section class="event role-${escapeHtml(event.role)}" id="${id}" data-role="${escapeHtml(event.role)}">`,
    `<div class="role">${escapeHtml(roleLabel(event.role as LabelledRole))}</div>`,
    `<div class="body">${markdownToHtml(event.content)}</div>`,
    "</section>",
  ].join("\n");
}

function renderArtifact(artifact: ArtifactLink): string {
  const size = artifact.bytes < 1024 ? `${artifact.bytes} B` : `${(artifact.bytes / 1024).toFixed(1)} KiB`;
  const link = `<a href="${escapeHtml(artifact.href)}" download="${escapeHtml(artifact.name)}">${
    escapeHtml(artifact.name)
  }</a> <span class="muted">${size}</span>`;
  return artifact.embedded && artifact.href.startsWith("data:image/")
    ? `${link}<img src="${escapeHtml(artifact.href)}" alt="${escapeHtml(artifact.name)}">`
    : link;
}

/** One session on the index page of a multi-session export. */
export interface IndexEntry {
  id: string;
  title: string | null;
  type: string;
  started: string;
  events: number;
  href: string;
}

/** The index page of a multi-session export. */
export function renderIndexHtml(entries: IndexEntry[], heading: string): string {
  const items = entries.map((e) => {
    const facts = [
      ...(e.title === null ? [] : [`<code>${escapeHtml(e.id)}</code>`]),
      escapeHtml(e.type),
      time(e.started),
    ];
    return `<li><a href="${escapeHtml(e.href)}">${escapeHtml(e.title ?? e.id)}</a><br><span class="muted">${
      facts.join(" · ")
    } · ${e.events} ${e.events === 1 ? "event" : "events"}</span></li>`;
  });
  return `${pageStart(heading)}<header><h1>${
    escapeHtml(heading)
  }</h1><p class="meta">${entries.length} sessions</p></header>
<main class="index"><ul>
${items.join("\n")}
</ul></main>
</body>
</html>
`;
}
