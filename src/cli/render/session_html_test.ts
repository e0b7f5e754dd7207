import { test } from "node:test";
import assert from "node:assert/strict";
import { EXPORT_CSP, renderIndexHtml, renderSessionHtml } from "./session_html.ts";
import { testView } from "./_test_view.ts";

test("renderSessionHtml() makes one self-contained page: styles inline, a policy that loads nothing", () => {
  const html = renderSessionHtml(testView());
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes(`content="${EXPORT_CSP}"`));
  assert.match(html, /<style>[^<]*prefers-color-scheme: dark/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.doesNotMatch(html, /<link |<script|src="http|@import|url\(/);
});

test("renderSessionHtml() shows hostile content as text: no element comes from a message", () => {
  const html = renderSessionHtml(testView());
  assert.doesNotMatch(html, /<script|<img|<b>|javascript:|onerror=alert[^&]*>/);
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(html.includes("&lt;/details&gt;&lt;script&gt;bad()&lt;/script&gt;"));
  assert.ok(html.includes("<title>Deploy &lt;b&gt;fix&lt;/b&gt;</title>"));
  assert.ok(html.includes('<a href="https://example.com" rel="noopener noreferrer">docs</a>'));
  assert.ok(html.includes("click"), "the unsafe link keeps its text");
});

test("renderSessionHtml() has every event once, in order, with its role", () => {
  const view = testView();
  const html = renderSessionHtml(view);
  const roles = [...html.matchAll(/<section class="event role-(\w+)" id="e(\d+)"/g)];
  assert.deepEqual(roles.map((m) => m[1]), view.events.map((e) => e.role));
  assert.deepEqual(roles.map((m) => Number(m[2])), [1, 2, 3, 4, 5]);
  assert.ok(
    html.indexOf("Why does") < html.indexOf("make clean") && html.indexOf("make clean") < html.indexOf("stale."),
  );
});

test("renderSessionHtml() folds a tool call into <details> with its arguments and result", () => {
  const html = renderSessionHtml(testView());
  const tool = html.slice(html.indexOf('role-tool"'), html.indexOf("</section>", html.indexOf('role-tool"')));
  assert.match(tool, /<details>\n<summary><strong>shell<\/strong>/);
  assert.match(tool, /<pre class="args">\{\n {2}&quot;cmd&quot;: &quot;make deploy &lt;\/pre&gt;/);
  assert.match(tool, /<pre class="result">error: cache key\n/);
});

test("renderSessionHtml() puts the compaction summary between the logs, where the second begins", () => {
  const html = renderSessionHtml(testView());
  const aside = html.indexOf('<aside class="compaction"');
  assert.ok(aside > html.indexOf('id="e3"') && aside < html.indexOf('id="e4"'));
  assert.ok(html.includes("We found the &lt;script&gt;stale&lt;/script&gt; cache key."));
  assert.equal(html.match(/<aside class="compaction"/g)?.length, 1);
});

test("renderSessionHtml() renders markdown with marked: code blocks monospaced with their language", () => {
  const html = renderSessionHtml(testView());
  assert.ok(
    html.includes('<pre class="code"><span class="lang">sh</span><code>make clean &amp;&amp; make deploy</code></pre>'),
  );
  assert.ok(html.includes("<strong>42 s</strong>"));
});

test("renderSessionHtml() lists artifacts: linked, or shown inline when embedded as an image", () => {
  const html = renderSessionHtml(testView(), {
    artifacts: [
      { name: "log.txt", bytes: 2048, href: "artifacts/log.txt", embedded: false },
      { name: "shot.png", bytes: 10, href: "data:image/png;base64,AAAA", embedded: true },
    ],
  });
  assert.ok(
    html.includes('<a href="artifacts/log.txt" download="log.txt">log.txt</a> <span class="muted">2.0 KiB</span>'),
  );
  assert.ok(html.includes('<img src="data:image/png;base64,AAAA" alt="shot.png">'));
});

test("renderIndexHtml() links every session and escapes titles", () => {
  const html = renderIndexHtml([
    { id: "chat-a", title: "<i>A</i>", type: "chat", started: "2024-01-15T10:30:00Z", events: 3, href: "chat-a.html" },
    { id: "agent-b", title: null, type: "agent", started: "2024-01-16T10:30:00Z", events: 1, href: "agent-b.html" },
  ], "2 sessions");
  assert.ok(html.includes('<a href="chat-a.html">&lt;i&gt;A&lt;/i&gt;</a>'));
  assert.ok(html.includes('<a href="agent-b.html">agent-b</a>'));
});
