/** `cru session export`: sessions as HTML, markdown, JSON or JSON lines, to share. */
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Command, Option } from "commander";
import type { Crucible, SessionView } from "../../core/crucible.ts";
import { InvalidInputError } from "../../model/errors.ts";
import { cwd } from "../../runtime/process.ts";
import { assertEmptyFolder, writeExportFile, writeExportFolder } from "../../core/write_export.ts";
import {
  type CommonOptions,
  type FilterOptions,
  openStore,
  readFilters,
  withCommonOptions,
  withFilterOptions,
} from "../common_options.ts";
import type { OutputSink } from "../output.ts";
import {
  EXPORT_EXTENSION,
  EXPORT_FORMATS,
  exportDocument,
  type ExportFormat,
  exportIndex,
} from "../render/export_document.ts";
import type { ArtifactLink, IndexEntry } from "../render/session_html.ts";

interface ExportOptions extends CommonOptions, FilterOptions {
  format: ExportFormat;
  output?: string;
  query?: string;
  redact?: boolean;
  embedArtifacts?: boolean;
}

export function registerSessionExport(session: Command, sink: OutputSink): void {
  withCommonOptions(withFilterOptions(
    session.command("export")
      .description("export sessions to share: one self-contained HTML page, markdown, JSON or JSON lines")
      .argument("[ids...]", "session ids, unique prefixes, @last or @last~N (several: a folder with an index page)")
      .addOption(new Option("--format <format>", "what to write").choices(EXPORT_FORMATS).default("html"))
      .option("--output <path>", "the file to write (default: stdout); a folder for several sessions or --query")
      .option("--query <words>", "export the sessions a search finds (with --type, --since, --until, --limit)")
      .option("--redact", "run the redaction plugins over every event again before writing")
      .option("--embed-artifacts", "HTML: put the artifacts inside the page instead of linking to them")
      .addHelpText(
        "after",
        `
Examples:
  cru session export chat-abc123 --output chat.html        one page, styles inline, nothing loaded from the net
  cru session export chat-abc123 --format md --redact      markdown on stdout, secrets redacted again
  cru session export --query "deploy" --since 30d --output deploys/   a folder: index.html and one page each`,
      ),
  )).action(async (ids: string[], options: ExportOptions) => {
    if (ids.length === 0 && options.query === undefined) {
      throw new InvalidInputError("session ids", "", "one or more ids, or --query WORDS");
    }
    const filters = readFilters(options);
    const many = new Set(ids).size > 1 || options.query !== undefined;
    if (many && options.output === undefined) {
      throw new InvalidInputError("--output", "", "a folder to write into when exporting several sessions");
    }
    if (options.json && options.output === undefined) {
      throw new InvalidInputError("--output", "", "a file when --json prints the report on stdout");
    }
    if (options.embedArtifacts && options.format !== "html") {
      throw new InvalidInputError("--embed-artifacts", options.format, "--format html");
    }
    const output = options.output === undefined ? undefined : resolve(cwd(), options.output);
    if (many && output !== undefined) assertEmptyFolder(output, options.output!);
    const cru = openStore(options);
    const wanted = [...new Set(ids.map((ref) => cru.resolveId(ref)))];
    if (options.query !== undefined) {
      const { hits } = await cru.search(options.query, filters);
      for (const hit of hits) if (!wanted.includes(hit.session_id)) wanted.push(hit.session_id);
      if (wanted.length === 0) throw new InvalidInputError("--query", options.query, "words some session matches");
    }
    const views: SessionView[] = [];
    for (const id of wanted) views.push(await prepare(cru, id, options.redact === true));

    if (!many) {
      const view = views[0];
      const links = artifactLinks(cru, view.id, options, output === undefined ? undefined : dirname(output));
      const text = exportDocument(view, options.format, { artifacts: links });
      if (output === undefined) {
        sink.set({ data: null, text: text.replace(/\n$/, "") });
        return;
      }
      writeExportFile(output, text);
      sink.set({
        json: options.json,
        data: { format: options.format, files: [output], sessions: [view.id] },
        text: output,
      });
      return;
    }

    // Several: a folder with an index page, appearing whole or not at all.
    const target = output!;
    const extension = EXPORT_EXTENSION[options.format];
    const index = exportIndex(
      views.map((view): IndexEntry => ({
        id: view.id,
        title: view.title,
        type: view.type,
        started: view.started,
        events: view.events.length,
        href: `${view.id}.${extension}`,
      })),
      options.format,
      options.query === undefined ? `${views.length} cru sessions` : `cru sessions matching “${options.query}”`,
    );
    writeExportFolder(target, [
      ...views.map((view) => ({
        name: `${view.id}.${extension}`,
        text: exportDocument(view, options.format, {
          artifacts: artifactLinks(cru, view.id, options, target),
          indexHref: index.name,
        }),
      })),
      index,
    ]);
    const files = [...views.map((v) => join(target, `${v.id}.${EXPORT_EXTENSION[options.format]}`))];
    sink.set({
      json: options.json,
      data: { format: options.format, dir: target, files, sessions: views.map((v) => v.id) },
      text: `${views.length} sessions → ${target}`,
    });
  });
}

/** The session, with its events, title and compaction summaries redacted again when asked. */
async function prepare(cru: Crucible, id: string, redact: boolean): Promise<SessionView> {
  const view = await cru.show(id);
  if (!redact) return view;
  // Title and summaries go through the same plugins, as notes, so one set of rules covers all the text.
  const texts = [view.title, ...view.logs.map((log) => log.context)];
  const notes = texts.map((text) => ({
    role: "note" as const,
    content: text ?? "",
    at: view.started,
    file: "",
    line: 0,
  }));
  const redacted = await cru.redacted([...view.events, ...notes], id);
  const events = redacted.slice(0, view.events.length);
  const [title, ...contexts] = redacted.slice(view.events.length).map((note, i) =>
    texts[i] === null ? null : note.content
  );
  return { ...view, title, events, logs: view.logs.map((log, i) => ({ ...log, context: contexts[i] })) };
}

const MIME: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  txt: "text/plain",
  md: "text/markdown",
  json: "application/json",
  pdf: "application/pdf",
};

/** Links to the session's artifacts: relative to where the page is written, or embedded as `data:` URLs. */
function artifactLinks(
  cru: Crucible,
  id: string,
  options: ExportOptions,
  pageFolder: string | undefined,
): ArtifactLink[] {
  return cru.artifacts(id).map((artifact) => {
    if (options.embedArtifacts) {
      const extension = artifact.name.split(".").pop()?.toLowerCase() ?? "";
      // SVG can carry script: embedded as a download, never shown inline.
      const mime = extension === "svg" ? "application/octet-stream" : MIME[extension] ?? "application/octet-stream";
      const data = readFileSync(artifact.path).toString("base64");
      return { name: artifact.name, bytes: artifact.bytes, href: `data:${mime};base64,${data}`, embedded: true };
    }
    const href = pageFolder === undefined
      ? pathToFileURL(artifact.path).href
      : relative(pageFolder, artifact.path).split("/").map(encodeURIComponent).join("/");
    return { name: artifact.name, bytes: artifact.bytes, href, embedded: false };
  });
}
