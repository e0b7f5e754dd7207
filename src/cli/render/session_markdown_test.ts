import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLog } from "../../format/parse_log.ts";
import { renderSessionMarkdown } from "./session_markdown.ts";
import { testView } from "./_test_view.ts";

test("renderSessionMarkdown() joins the logs into one document that reads back as the same events", () => {
  const view = testView();
  const text = renderSessionMarkdown(view);
  assert.match(text, /^---\nsession_id: chat-x\n/);
  assert.equal(text.match(/^# /gm)?.length, 1);
  assert.match(
    text,
    /\n---\n\n\*Compacted from previous session\. Context: We found the <script>stale<\/script> cache key\.\*\n/,
  );
  const events = parseLog(text.replace(/\n---\n\n\*Compacted[^\n]*\n/, "\n")).log.events;
  assert.deepEqual(
    events.map((e) => [e.role, e.content, e.tool, e.args]),
    view.events.map((e) => [e.role, e.content, e.tool, e.args]),
  );
});
