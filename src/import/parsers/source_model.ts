/**
 * The model a Claude Code or Codex transcript talks to, read from the head of
 * the file, so an imported session can name it in its frontmatter (`model`)
 * from the start, as sessions cru records do.
 *
 * @module
 */
import type { SourceFormat } from "./source_item.ts";

/**
 * The first model the text names: an assistant message's `message.model`
 * (Claude Code) or a `turn_context`'s `payload.model` (Codex); undefined when
 * none is found or the format carries none.
 *
 * @example
 * ```ts
 * import { modelFromHead } from "./source_model.ts";
 * const line = JSON.stringify({ type: "turn_context", payload: { model: "gpt-5-codex" } });
 * console.assert(modelFromHead("codex", `${line}\n`) === "gpt-5-codex");
 * ```
 */
export function modelFromHead(format: SourceFormat, text: string): string | undefined {
  if (format !== "claude-code" && format !== "codex") return undefined;
  for (const line of text.split("\n")) {
    if (!line.includes('"model"')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // the last line of a head is usually cut
    }
    const record = value as { type?: unknown; message?: { model?: unknown }; payload?: { model?: unknown } };
    const model = format === "claude-code"
      ? record.type === "assistant" ? record.message?.model : undefined
      : record.type === "turn_context"
      ? record.payload?.model
      : undefined;
    if (typeof model === "string" && model !== "" && model !== "<synthetic>") return model;
  }
  return undefined;
}
