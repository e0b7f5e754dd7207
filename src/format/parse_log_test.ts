import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseLog } from "./parse_log.ts";
import { renderLog } from "./render_log.ts";
import type { Log } from "../model/log.ts";
import type { SessionEvent } from "../model/event.ts";
import { ROLES } from "../model/role.ts";
import { SEED_CONTINUATION, SEED_LOG } from "./_fixtures_test_data.ts";

const META = {
  session_id: "chat-abc123",
  type: "chat",
  started: "2024-01-15T10:30:00Z",
  continued_from: null,
  extra: {},
};

function roundTrip(events: SessionEvent[]): SessionEvent[] {
  const text = renderLog({ meta: META, heading: "Chat Session", events });
  const parsed = parseLog(text, { file: "x.md" });
  assert.deepEqual(parsed.warnings, [], `cru's own output must parse without warnings:\n${text}`);
  return parsed.log.events;
}

test("parseLog() reads the seed example as user, assistant, tool call and assistant at the heading time", () => {
  const { log, warnings } = parseLog(SEED_LOG);
  assert.deepEqual(warnings, []);
  const at = "2024-01-15T10:30:00Z";
  assert.deepEqual(log.events, [
    { role: "user", content: "Find all notes tagged #project and summarize them", at },
    { role: "assistant", content: "I'll search for notes with the project tag.", at },
    {
      role: "tool",
      tool: "search_by_tags",
      args: { tags: ["project"] },
      content: "Found 12 notes matching #project.",
      at,
    },
    { role: "assistant", content: "Let me read through these and create a summary...", at },
  ]);
  assert.equal(log.meta.session_id, "chat-abc123");
  assert.equal(log.meta.continued_from, null);
  assert.equal(log.heading, "Chat Session");
});

test("parseLog() reads the seed continuation's link back, its context line and its own session id", () => {
  const { log, warnings } = parseLog(SEED_CONTINUATION);
  assert.deepEqual(warnings, []);
  assert.equal(log.meta.continued_from, "2024-01-15-1030.md");
  assert.equal(log.meta.session_id, "chat-abc123-2");
  assert.equal(log.context, "User asked for a summary of #project notes; 12 found.");
  assert.deepEqual(log.events, [{ role: "user", content: "Now group them by status.", at: "2024-01-15T10:45:00Z" }]);
});

test("parseLog() reads a quoted wikilink in continued_from as the file name", () => {
  const text = SEED_CONTINUATION.replace("[[2024-01-15-1030.md]]", '"[[2024-01-15-1030.md]]"');
  assert.equal(parseLog(text).log.meta.continued_from, "2024-01-15-1030.md");
});

const NASTY = [
  "",
  " ",
  "\n",
  "\n\n",
  "line\n",
  "\nleading newline",
  "**User:** pretend turn",
  "a\n**User:** pretend turn",
  "a\n**assistant:** lower case label",
  "a\n**Observation:** unknown label",
  "a\n## 2024-01-15T10:30:00Z\nfake heading",
  "a\n[Tool: rm -rf]\nfake tool",
  "```\nunclosed fence",
  "a\n```\nunclosed fence after text",
  "a\n```js\nconst x = 1;\n\n## 2024-01-15T10:30:00Z\n```\nbalanced fence",
  "a\n````\n```\n````",
  "a\n~~~\n",
  "---\nyaml: like\n---",
  "a\n---\nb: c",
  "crlf\r\nline\r\n",
  "lone\rcarriage",
  "a\n\\\nbackslash line",
  "a\n\\## 2024-01-15T10:30:00Z",
  "a\n\\\\**User:** two backslashes",
  "a\n\\```",
  "emoji 🎉👩‍👩‍👧 and CJK 漢字かなカナ 한국어",
  "right-to-left עברית العربية",
  "# heading one\n## heading two\n### three",
  "*Compacted from previous session. Context: fake*",
  "a\n\n\nthree blank lines\n\n\n",
  "tab\tseparated\t",
  "\u2028line separator\u2029",
  "```result\nlooks like a wrapper\n```",
];

test("render then parse gives back every role with hard content exactly", () => {
  for (const content of NASTY) {
    for (const role of ROLES) {
      const event: SessionEvent = role === "tool"
        ? { role, tool: "read_file", args: { path: "a.md" }, content, at: "2024-01-15T10:30:00Z" }
        : { role, content, at: "2024-01-15T10:30:00Z" };
      const next: SessionEvent = { role: "assistant", content: "after", at: "2024-01-15T10:30:00Z" };
      assert.deepEqual(roundTrip([event, next]), [event, next], `role ${role}, content ${JSON.stringify(content)}`);
    }
  }
});

test("render then parse keeps a 1 MB event exactly", () => {
  const line = "Lorem ipsum **bold** `code` ## not a heading 漢字 🎉\n";
  const big = line.repeat(Math.ceil(1_048_576 / line.length)).slice(0, 1_048_576);
  const events: SessionEvent[] = [
    { role: "assistant", content: big, at: "2024-01-15T10:30:00Z" },
    { role: "tool", tool: "cat", args: {}, content: big, at: "2024-01-15T10:30:01Z" },
  ];
  assert.deepEqual(roundTrip(events), events);
});

const FRAGMENTS = [
  "**User:**",
  "**Assistant:** ",
  "**tool:**",
  "## ",
  "## 2024-01-15T10:30:00Z",
  "[Tool: x a=1]",
  "[Tool:",
  "```",
  "````",
  "~~~",
  "```result",
  "---",
  "\\",
  "\\\\",
  "\n",
  "\n\n",
  "\r\n",
  "\r",
  " ",
  "\t",
  "#",
  "*",
  "`",
  "🎉",
  "漢字",
  "Привет",
  "text",
  "*Compacted from previous session. Context: x*",
  "> quote",
  "- item",
  "[[artifacts/a.png]]",
  "<!-- cru: model=x -->",
];
const contentArbitrary = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }).map((parts) => parts.join("")),
  fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: "grapheme", maxLength: 8 })), { maxLength: 10 })
    .map((parts) => parts.join("")),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);
const timestampArbitrary = fc.constantFrom("2024-01-15T10:30:00Z", "2024-01-15T10:31:00Z", "2025-06-01T00:00:00Z");
const jsonArgs = fc.dictionary(
  fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,6}$/), fc.string({ maxLength: 6 })),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
).map((args) => JSON.parse(JSON.stringify(args)));
const eventArbitrary: fc.Arbitrary<SessionEvent> = fc.oneof(
  fc.record({
    role: fc.constantFrom(...ROLES.filter((r) => r !== "tool")),
    content: contentArbitrary,
    at: timestampArbitrary,
  }),
  fc.record({
    role: fc.constant("tool" as const),
    tool: fc.stringMatching(/^[^\s[\]]{1,12}$/),
    args: jsonArgs,
    content: contentArbitrary,
    at: timestampArbitrary,
  }),
);

test("render then parse gives back any sequence of events exactly (property)", () => {
  fc.assert(
    fc.property(fc.array(eventArbitrary, { maxLength: 8 }), (generated) => {
      const events = generated.map((event) => ({ ...event })); // fc.record makes null-prototype objects
      assert.deepEqual(roundTrip(events), events);
    }),
    { numRuns: 2000 },
  );
});

test("render then parse keeps frontmatter, user keys, heading and context", () => {
  const log: Log = {
    meta: {
      session_id: "agent-x1",
      type: "agent",
      started: "2024-01-15T10:30:00Z",
      continued_from: "2024-01-15-1030.md",
      title: "Fix: the 'build' — [[again]]",
      ended: "2024-01-15T11:00:00Z",
      tags: ["ci", "urgent"],
      extra: { project: "Alpha", nested: { a: [1, 2] }, "odd key": "yes: really" },
    },
    heading: "Fix the build",
    context: "Earlier * we tried \\ many things\nover two lines",
    events: [],
  };
  const parsed = parseLog(renderLog(log)).log;
  assert.deepEqual(parsed.meta, log.meta);
  assert.equal(parsed.heading, log.heading);
  assert.equal(parsed.context, "Earlier * we tried \\ many things over two lines");
});

test("parseLog() reads a CRLF file like the same file with LF endings", () => {
  const crlf = parseLog(SEED_LOG.replace(/\n/g, "\r\n"));
  assert.deepEqual(crlf.log, parseLog(SEED_LOG).log);
});

test("parseLog() keeps an unknown label as text of the event before it and warns with the line", () => {
  const text = SEED_LOG + "\n**Assistant:** first\n**Observation:** seen\n";
  const { log, warnings } = parseLog(text, { file: "hand.md" });
  assert.equal(log.events.at(-1)?.content, "first\n**Observation:** seen");
  assert.deepEqual(warnings, [{
    file: "hand.md",
    line: 22,
    message: "unknown label **Observation:** kept as text of the event before it",
  }]);
});

test("parseLog() keeps text before the first turn as a note and warns", () => {
  const text = SEED_LOG.replace("# Chat Session\n", "# Chat Session\n\nSome notes I typed.\n");
  const { log, warnings } = parseLog(text, { file: "hand.md" });
  assert.deepEqual(log.events[0], { role: "note", content: "Some notes I typed.", at: "2024-01-15T10:30:00Z" });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /before the first/);
  assert.equal(warnings[0].line, 10);
});

test("parseLog() reads text right under a heading as a note", () => {
  const text = SEED_LOG + "\n## 2024-01-15T11:00:00Z\n\nFree text.\n";
  assert.deepEqual(parseLog(text).log.events.at(-1), {
    role: "note",
    content: "Free text.",
    at: "2024-01-15T11:00:00Z",
  });
});

test("parseLog() keeps an unclosed fence's text in its event and warns with the line", () => {
  const text = SEED_LOG + "\n**User:** look\n```\n## 2024-01-15T11:00:00Z\n**Assistant:** inside\n";
  const { log, warnings } = parseLog(text, { file: "f.md" });
  assert.equal(log.events.at(-1)?.content, "look\n```\n## 2024-01-15T11:00:00Z\n**Assistant:** inside");
  assert.deepEqual(warnings.map((w) => w.line), [22]);
});

test("parseLog() keeps unreadable tool arguments as text and warns", () => {
  const text = SEED_LOG + '\n[Tool: grep pattern="unterminated]\nno match\n';
  const { log, warnings } = parseLog(text, { file: "t.md" });
  const event = log.events.at(-1)!;
  assert.equal(event.tool, "grep");
  assert.deepEqual(event.args, { pattern: '"unterminated' });
  assert.equal(event.content, "no match");
  assert.deepEqual(warnings, []);
  const broken = parseLog(SEED_LOG + "\n[Tool: grep ???]\nx\n", { file: "t.md" });
  assert.deepEqual(broken.log.events.at(-1)?.args, { _: "???" });
  assert.equal(broken.warnings[0].line, 21);
});

test("parseLog() reads bare-word tool arguments as strings", () => {
  const { log } = parseLog(SEED_LOG + "\n[Tool: read path=notes.md limit=5]\nok\n");
  assert.deepEqual(log.events.at(-1)?.args, { path: "notes.md", limit: 5 });
});

test("parseLog() without frontmatter takes the fallback and still reads the events", () => {
  const body = SEED_LOG.slice(SEED_LOG.indexOf("# Chat"));
  const fallback = { session_id: "chat-folder", type: "chat", started: "2024-01-01T00:00:00Z" };
  const { log, warnings } = parseLog(body, { file: "n.md", fallback });
  assert.equal(log.meta.session_id, "chat-folder");
  assert.equal(log.events.length, 4);
  assert.match(warnings[0].message, /no frontmatter/);
});

test("parseLog() with broken YAML warns, marks the frontmatter broken and still reads the events", () => {
  const text = SEED_LOG.replace("type: chat", "type: [chat");
  const parsed = parseLog(text, {
    file: "y.md",
    fallback: { session_id: "chat-y", type: "chat", started: "2024-01-01T00:00:00Z" },
  });
  assert.equal(parsed.frontmatterBroken, true);
  assert.equal(parsed.log.events.length, 4);
  assert.match(parsed.warnings[0].message, /not valid YAML/);
});

const HAND_LINES = [
  "**User:** hi",
  "**Assistant:** hello",
  "plain words here",
  "",
  "## 2024-01-15T10:30:00Z",
  "```",
  "~~~~",
  "> quoted",
  "[Tool: t a=1]",
  "[Tool: t {broken]",
  "**Odd:** label",
  "# title again",
  "---",
  "- list item",
  "*italic*",
  "<!-- cru: colour=red -->",
];

test("parseLog() never drops the words of a hand-written log (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...HAND_LINES), { maxLength: 30 }), (lines) => {
      const text = SEED_LOG + lines.join("\n") + "\n";
      const { log } = parseLog(text);
      const kept = log.events.map((e) => `${e.tool ?? ""} ${JSON.stringify(e.args ?? {})} ${e.content}`).join("\n");
      for (const line of lines) {
        const words = line.replace(/^\*\*\w+:\*\*|^\[Tool: \w+|^## \S+$|^# /, "").match(/[A-Za-z]+/g) ?? [];
        for (const word of words) {
          assert.ok(kept.includes(word), `lost ${JSON.stringify(word)} of ${JSON.stringify(line)}`);
        }
      }
    }),
    { numRuns: 500 },
  );
});

test("parseLog() reports frontmatter that YAML cannot resolve (an alias without anchor) instead of throwing", () => {
  const text = "---\n**Assistant:**\n---\n\n# T\n\n## 2024-01-15T10:30:00Z\n\n**User:** still read\n";
  const fallback = { session_id: "chat-x", type: "chat", started: "2024-01-01T00:00:00Z" };
  const parsed = parseLog(text, { file: "alias.md", fallback });
  assert.equal(parsed.frontmatterBroken, true);
  assert.match(parsed.warnings[0].message, /not valid YAML/);
  assert.deepEqual(parsed.log.events.map((e) => e.content), ["still read"]);
});

test("parseLog() reads a result written on the tool line itself, as the README shows it", () => {
  const text = SEED_LOG.replace(
    '[Tool: search_by_tags tags=["project"]]\nFound',
    '[Tool: search_by_tags tags=["project"]] Found',
  );
  const { log, warnings } = parseLog(text);
  assert.deepEqual(warnings, []);
  assert.deepEqual(log.events.slice(2).map((e) => [e.role, e.tool, e.args, e.content]), [
    ["tool", "search_by_tags", { tags: ["project"] }, "Found 12 notes matching #project."],
    ["assistant", undefined, undefined, "Let me read through these and create a summary..."],
  ]);
  const nested = parseLog(SEED_LOG + '\n[Tool: q sql="SELECT [1]" opts={"a":[2]}] 3 rows\nand more\n').log.events.at(
    -1,
  );
  assert.deepEqual([nested?.args, nested?.content], [{ sql: "SELECT [1]", opts: { a: [2] } }, "3 rows\nand more"]);
});

test("parseLog() warns once about a paragraph without a label under a heading and a ## line that is no timestamp", () => {
  const text = SEED_LOG + "\n## 2024-01-15T11:00:00Z\n\nA stray paragraph.\n\n## not a timestamp\n\n**User:** next\n";
  const { log, warnings } = parseLog(text, { file: "hand.md" });
  assert.deepEqual(log.events.at(-2), {
    role: "note",
    content: "A stray paragraph.\n\n## not a timestamp",
    at: "2024-01-15T11:00:00Z",
  });
  assert.deepEqual(warnings, [
    { file: "hand.md", line: 23, message: "text without a **Role:** label under a turn heading; kept as a note" },
    {
      file: "hand.md",
      line: 25,
      message: '"## not a timestamp" is not a turn heading (## <ISO timestamp>); kept as text',
    },
  ]);
  // In an event's own text a ## line is markdown, and no warning.
  assert.deepEqual(parseLog(SEED_LOG + "\n**Assistant:** done\n\n## Summary\n\nAll good.\n").warnings, []);
});
