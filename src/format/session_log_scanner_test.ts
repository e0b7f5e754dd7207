import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseLog } from "./parse_log.ts";
import { renderEvents, renderLog } from "./render_log.ts";
import type { SessionEvent } from "../model/event.ts";
import { ROLES } from "../model/role.ts";
import { continuationContent } from "./continuation.ts";
import { LineSplitter } from "./line_splitter.ts";
import { SessionLogScanner, type SessionScan } from "./session_log_scanner.ts";

const META = { session_id: "chat-a1", type: "chat", started: "2024-01-15T10:30:00Z", continued_from: null, extra: {} };
const AT = "2024-01-15T10:30:00Z";

/** Scans log texts the way an import reads files: bytes in chunks of `chunk`. */
function scan(texts: string[], chunk = 7): SessionScan {
  const scanner = new SessionLogScanner();
  for (const text of texts) {
    scanner.startFile();
    const splitter = new LineSplitter({ keepCR: true });
    const bytes = new TextEncoder().encode(text);
    for (let at = 0; at < bytes.length; at += chunk) {
      for (const line of splitter.push(bytes.subarray(at, at + chunk))) scanner.push(line);
    }
    for (const line of splitter.end()) scanner.push(line, false);
    scanner.endFile();
  }
  return scanner.result();
}

const log = (events: SessionEvent[]) => renderLog({ meta: META, heading: "Chat Session", events });

const FRAGMENTS = [
  "## 2024-01-15T10:30:00Z",
  "**User:** hi",
  "**Assistant:**",
  "**Bogus:** x",
  '[Tool: grep q="x"]',
  "[Tool: grep {bad json]",
  "```",
  "````",
  "~~~",
  "```result",
  "---",
  "\\",
  "\n",
  "\n\n",
  "\r\n",
  "\r",
  " ",
  "# Title",
  "*Compacted from previous session. Context: x*",
  "text",
  "漢字 🎉",
  "<!-- cru: model=x -->",
];
const contentArbitrary = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 10 }).map((parts) => parts.join("")),
  fc.string({ unit: "grapheme", maxLength: 30 }),
).filter((content) => !content.startsWith("(continued)"));
const eventArbitrary: fc.Arbitrary<SessionEvent> = fc.oneof(
  fc.record({
    role: fc.constantFrom(...ROLES.filter((r) => r !== "tool")),
    content: contentArbitrary,
    at: fc.constant(AT),
  }),
  fc.record({
    role: fc.constant("tool" as const),
    tool: fc.constantFrom("grep", "read_file"),
    args: fc.constantFrom({}, { q: "x" }, { path: "a b.md" }),
    content: contentArbitrary,
    at: fc.constant(AT),
  }),
).chain((event) =>
  fc.constantFrom({}, { model: "m" }, { tokens: { input: 3 }, status: "ok" as const }).map((meta) => ({
    ...event,
    ...meta,
  }))
);

test("SessionLogScanner counts the events of any log cru wrote as parseLog does, and reads the last exactly", () => {
  fc.assert(
    fc.property(fc.array(eventArbitrary, { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), (events, chunk) => {
      const result = scan([log(events)], chunk);
      assert.equal(result.sourceEvents, events.length);
      assert.equal(result.last?.content, events.at(-1)?.content);
      assert.equal(result.last?.role, events.at(-1)?.role);
    }),
    { numRuns: 1500 },
  );
});

test("SessionLogScanner agrees with parseLog on hand-written text of any shape", () => {
  const lines = fc.array(
    fc.constantFrom(...FRAGMENTS, "", "plain words", "  ```", "**Note:** n", "(x)", "<!-- cru: colour=red -->"),
    {
      maxLength: 25,
    },
  );
  fc.assert(
    fc.property(lines, fc.boolean(), (body, frontmatter) => {
      const text = (frontmatter ? "---\nsession_id: chat-a1\n---\n" : "") + body.join("\n");
      let parsed;
      try {
        parsed = parseLog(text, { fallback: { session_id: "chat-a1", type: "chat", started: AT } }).log.events;
      } catch {
        // parseFrontmatter throws on YAML such as `**Assistant:**` (an alias to no anchor): not this scanner's case.
        fc.pre(false);
        return;
      }
      const result = scan([text]);
      assert.equal(result.sourceEvents, parsed.length, JSON.stringify(text));
      assert.equal(result.last?.content, parsed.at(-1)?.content, JSON.stringify(text));
    }),
    { numRuns: 3000 },
  );
});

test("SessionLogScanner reads a CRLF log, a log without frontmatter and one whose frontmatter never closes", () => {
  const crlf = log([{ role: "user", content: "a", at: AT }, { role: "assistant", content: "b\nc", at: AT }])
    .replace(/\n/g, "\r\n");
  assert.deepEqual(
    [scan([crlf]).sourceEvents, scan([crlf]).last?.content],
    [2, "b\nc"],
  );
  for (const text of ["**User:** hi\n\n[Tool: t]\nout\n", "---\ntype: chat\n\n**User:** hi\n"]) {
    const parsed = parseLog(text).log.events;
    assert.equal(scan([text]).sourceEvents, parsed.length, text);
    assert.equal(scan([text]).last?.content, parsed.at(-1)?.content, text);
  }
});

test("SessionLogScanner counts across a session's logs (continuation files)", () => {
  const first = log([{ role: "user", content: "one", at: AT }]);
  const second = renderLog({
    meta: { ...META, session_id: "chat-a1-2", continued_from: "x.md" },
    heading: "Chat Session (continued)",
    context: "summary",
    events: [{ role: "assistant", content: "two", at: AT }],
  });
  const result = scan([first, second]);
  assert.equal(result.sourceEvents, 2);
  assert.equal(result.last?.content, "two");
});

test("SessionLogScanner folds (continued) events into the event they extend and does not count them", () => {
  const events: SessionEvent[] = [
    { role: "user", content: "q", at: AT },
    { role: "assistant", content: "Hello", at: AT },
    { role: "assistant", content: continuationContent(" world"), at: AT },
    { role: "assistant", content: continuationContent("\nand more"), at: AT },
  ];
  const result = scan([log(events)]);
  assert.equal(result.sourceEvents, 2);
  assert.equal(result.last?.content, "Hello world\nand more");
});

test("SessionLogScanner does not take a (continued) text of another role for a continuation", () => {
  const result = scan([log([
    { role: "assistant", content: "a", at: AT },
    { role: "user", content: "(continued) my own words", at: AT },
  ])]);
  assert.equal(result.sourceEvents, 2);
  assert.equal(result.last?.content, "(continued) my own words");
});

test("SessionLogScanner tracks tool events written without a result until a continuation completes them", () => {
  const call = (tool: string, content: string) => ({ role: "tool" as const, tool, args: { q: tool }, content, at: AT });
  const before = scan([log([call("a", ""), call("b", ""), { role: "assistant", content: "waiting", at: AT }])]);
  assert.deepEqual([...before.openTools.keys()], [0, 1]);
  const after = scan([
    log([
      call("a", ""),
      call("b", ""),
      { role: "assistant", content: "waiting", at: AT },
      call("b", continuationContent("B")),
    ]),
  ]);
  assert.equal(after.sourceEvents, 3);
  assert.deepEqual([...after.openTools.keys()], [0]);
  assert.equal(after.last?.content, "waiting");
  const last = scan([log([call("a", ""), call("a", continuationContent("result"))])]);
  assert.equal(last.sourceEvents, 1);
  assert.equal(last.last?.content, "result");
  assert.deepEqual([...last.openTools.keys()], []);
});

test("SessionLogScanner reads appended batches the way appendTimed writes them", () => {
  const events: SessionEvent[] = [
    { role: "user", content: "x", at: AT },
    { role: "assistant", content: "y", at: "2024-01-15T10:31:00Z" },
  ];
  const text = log(events.slice(0, 1)) + renderEvents(events.slice(1), AT);
  assert.equal(scan([text]).sourceEvents, 2);
});

test("SessionLogScanner reads an event's details line as part of it, as parseLog does", () => {
  const log = "---\nsession_id: agent-a\ntype: agent\nstarted: 2024-01-15T10:30:00Z\ncontinued_from: null\n---\n\n" +
    '# Agent Session\n\n## 2024-01-15T10:30:00Z\n\n**User:** go\n\n[Tool: Bash command="ls"]\n' +
    "<!-- cru: tool_call_id=t1 -->\n\n**Assistant:** done\n<!-- cru: model=m tokens_in=3 -->\n";
  const scanner = new SessionLogScanner();
  scanner.startFile();
  for (const line of log.split("\n")) scanner.push(line);
  scanner.endFile();
  const scan = scanner.result();
  assert.equal(scan.sourceEvents, parseLog(log).log.events.length);
  assert.equal(scan.sourceEvents, 3);
  assert.deepEqual([...scan.openTools.keys()], [1]);
  assert.equal(scan.last?.content, "done");
});
