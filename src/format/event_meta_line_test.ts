import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseEventMetaLine, renderEventMetaLine } from "./event_meta_line.ts";
import { parseLog } from "./parse_log.ts";
import { renderLog } from "./render_log.ts";
import type { SessionEvent } from "../model/event.ts";
import type { EventMeta } from "../model/event_meta.ts";
import { ROLES } from "../model/role.ts";
import { SEED_LOG } from "./_fixtures_test_data.ts";

const META = {
  session_id: "agent-x1",
  type: "agent",
  started: "2024-01-15T10:30:00Z",
  continued_from: null,
  extra: {},
};

function roundTrip(events: SessionEvent[]): { events: SessionEvent[]; text: string } {
  const text = renderLog({ meta: META, heading: "Agent Session", events });
  const parsed = parseLog(text, { file: "x.md" });
  assert.deepEqual(parsed.warnings, [], `cru's own output must parse without warnings:\n${text}`);
  return { events: parsed.log.events, text };
}

test("renderEventMetaLine() writes one skimmable HTML comment with the fields in a fixed order", () => {
  const line = renderEventMetaLine({
    status: "ok",
    tool_call_id: "toolu_01ABC",
    duration_ms: 2300,
    cost: 0.0123,
    tokens: { cache_write: 5, cache_read: 800, output: 300, input: 1200 },
    model: "claude-sonnet-4-5",
  });
  assert.equal(
    line,
    "<!-- cru: model=claude-sonnet-4-5 tokens_in=1200 tokens_out=300 cache_read=800 cache_write=5 cost=0.0123 " +
      "duration_ms=2300 tool_call_id=toolu_01ABC status=ok -->",
  );
  assert.equal(renderEventMetaLine({}), undefined);
});

test("renderEventMetaLine() quotes names that would read back as something else, and never closes the comment early", () => {
  const meta: EventMeta = { model: "my model --> v2 <b>", tool_call_id: "123" };
  const line = renderEventMetaLine(meta)!;
  assert.equal(line.indexOf("-->"), line.length - 3);
  assert.ok(line.includes('tool_call_id="123"'));
  assert.deepEqual(parseEventMetaLine(line), { meta });
});

test("parseEventMetaLine() reports unknown keys and wrong types instead of guessing", () => {
  assert.equal(parseEventMetaLine("<!-- a comment -->"), undefined);
  assert.match(parseEventMetaLine("<!-- cru: colour=red -->")!.problem!, /unknown event detail "colour"/);
  assert.match(parseEventMetaLine("<!-- cru: tokens_in=-3 -->")!.problem!, /tokens\.input/);
  assert.match(parseEventMetaLine("<!-- cru: status=maybe -->")!.problem!, /status/);
});

test("a details line under an event gives it its metadata; the conversation around it reads as before", () => {
  const text = SEED_LOG.replace(
    "**Assistant:** I'll search for notes with the project tag.\n",
    "**Assistant:** I'll search for notes with the project tag.\n<!-- cru: model=claude-sonnet-4-5 tokens_in=10 -->\n",
  );
  const plain = parseLog(SEED_LOG).log.events;
  const { log, warnings } = parseLog(text);
  assert.deepEqual(warnings, []);
  assert.equal(log.events.length, plain.length);
  assert.deepEqual(log.events[1], { ...plain[1], model: "claude-sonnet-4-5", tokens: { input: 10 } });
  assert.deepEqual(log.events.filter((_, i) => i !== 1), plain.filter((_, i) => i !== 1));
});

test("a details line that cannot be read, or has no event above it, is kept as a note with a warning", () => {
  const text = SEED_LOG +
    "\n## 2024-01-15T10:40:00Z\n\n<!-- cru: model=x -->\n\n**User:** hi\n<!-- cru: colour=red -->\n";
  const { log, warnings } = parseLog(text, { file: "a.md" });
  const notes = log.events.filter((e) => e.role === "note").map((e) => e.content);
  assert.deepEqual(notes, ["<!-- cru: model=x -->", "<!-- cru: colour=red -->"]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0].message, /no event right above/);
  assert.match(warnings[1].message, /unknown event detail/);
});

test("content that looks like a details line is escaped and comes back as content", () => {
  const events: SessionEvent[] = [
    { role: "assistant", content: "see\n<!-- cru: model=x -->", at: "2024-01-15T10:30:00Z" },
    { role: "tool", tool: "cat", args: {}, content: "<!-- cru: model=x -->", at: "2024-01-15T10:30:00Z" },
    { role: "user", content: "<!-- cru: status=ok -->", at: "2024-01-15T10:30:00Z", status: "ok" },
  ];
  assert.deepEqual(roundTrip(events).events, events);
});

const FRAGMENTS = ["<!-- cru: model=x -->", "<!-- cru:", "-->", "\n", "**User:** a", "```", "text", "\\", "[Tool: t]"];
const contentArbitrary = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join("")),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);
const nameArbitrary = fc.oneof(
  fc.constantFrom("claude-sonnet-4-5", "gpt-5-codex", "o3", "123", "true", "a b", "x-->y", "<!--", "\u00e9t\u00e9"),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[^\s\p{Cc}][^\p{Cc}]*$/u.test(s)),
);
const count = fc.nat({ max: 10_000_000 });
const metaArbitrary: fc.Arbitrary<EventMeta> = fc.record({
  model: nameArbitrary,
  tokens: fc.record({ input: count, output: count, cache_read: count, cache_write: count }, { requiredKeys: [] })
    .filter((t) => Object.keys(t).length > 0),
  cost: fc.oneof(fc.double({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true }), fc.constant(0.0123)),
  duration_ms: count,
  tool_call_id: nameArbitrary,
  status: fc.constantFrom("ok" as const, "error" as const),
}, { requiredKeys: [] });
const eventArbitrary: fc.Arbitrary<SessionEvent> = fc.tuple(
  fc.oneof(
    fc.record({ role: fc.constantFrom(...ROLES.filter((r) => r !== "tool")), content: contentArbitrary }),
    fc.record({
      role: fc.constant("tool" as const),
      tool: fc.constantFrom("grep", "shell"),
      args: fc.constant({}),
      content: contentArbitrary,
    }),
  ),
  metaArbitrary,
  fc.constantFrom("2024-01-15T10:30:00Z", "2024-01-15T10:31:00Z"),
).map(([event, meta, at]) => {
  const tokens = meta.tokens === undefined ? {} : { tokens: { ...meta.tokens } };
  // -0 is written as 0: JSON has no negative zero
  const cost = meta.cost === undefined ? {} : { cost: Object.is(meta.cost, -0) ? 0 : meta.cost };
  return { ...event, ...meta, ...tokens, ...cost, at } as SessionEvent;
});

test("render then parse gives back any events with any metadata exactly (property)", () => {
  fc.assert(
    fc.property(fc.array(eventArbitrary, { maxLength: 6 }), (generated) => {
      const events = generated.map((event) => ({ ...event }));
      assert.deepEqual(roundTrip(events).events, events);
    }),
    { numRuns: 400 },
  );
});
