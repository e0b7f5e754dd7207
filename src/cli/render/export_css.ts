/**
 * The stylesheet inlined into every exported page: light and dark by the
 * reader's preference, one readable column that fits a phone.
 *
 * @module
 */

/** CSS for exported sessions and their index page. */
export const EXPORT_CSS = `
:root { color-scheme: light dark; --bg: #fbfbfa; --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --card: #ffffff;
  --user: #0969da; --assistant: #1a7f37; --tool: #8250df; --error: #cf222e; --note: #9a6700; --code: #f3f4f6;
  --mark: #fff8c5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --card: #161b22; --user: #58a6ff;
    --assistant: #3fb950; --tool: #bc8cff; --error: #f85149; --note: #d29922; --code: #1f242c; --mark: #3b2e00; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.55;
  font: 16px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main, header, footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; padding-bottom: .5rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
.meta, time, .muted { color: var(--muted); font-size: .875rem; }
.meta { margin: 0; overflow-wrap: anywhere; }
.tags span { display: inline-block; border: 1px solid var(--line); border-radius: 1em; padding: 0 .5em; margin-right: .25em; }
.turn { margin: 1.5rem 0 .5rem; font-size: .8rem; color: var(--muted); display: flex; align-items: center; gap: .5rem; }
.turn::after { content: ""; flex: 1; border-top: 1px solid var(--line); }
.event { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--muted);
  border-radius: 6px; padding: .5rem .9rem; margin: .6rem 0; overflow-wrap: anywhere; }
.event > .role { font-weight: 600; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.role-user { border-left-color: var(--user); } .role-user > .role { color: var(--user); }
.role-assistant { border-left-color: var(--assistant); } .role-assistant > .role { color: var(--assistant); }
.role-tool { border-left-color: var(--tool); } .role-tool summary { color: var(--tool); }
.role-error { border-left-color: var(--error); } .role-error > .role { color: var(--error); }
.role-thought { opacity: .85; font-style: italic; }
.role-note, .role-system { border-left-color: var(--note); }
.body h1, .body h2, .body h3, .body h4, .body h5, .body h6 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.body h1, .body h2 { font-size: 1.15rem; }
.raw { white-space: pre-wrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .8rem;
  color: var(--muted); margin: .5rem 0; }
.body > :first-child { margin-top: .25rem; } .body > :last-child { margin-bottom: .25rem; }
details > summary { cursor: pointer; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .875rem; overflow-wrap: anywhere; }
details > summary .args { color: var(--muted); font-weight: normal; }
details > summary .count { color: var(--muted); font-size: .75rem; white-space: nowrap; }
details[open] > summary { margin-bottom: .25rem; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .85rem; }
pre { background: var(--code); padding: .6rem .75rem; border-radius: 6px; overflow-x: auto; white-space: pre; }
pre.result { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 40rem; overflow-y: auto; }
:not(pre) > code { background: var(--code); padding: .1em .3em; border-radius: 4px; overflow-wrap: anywhere; }
pre.code { position: relative; }
pre.code .lang { position: absolute; top: .2rem; right: .5rem; font-size: .7rem; color: var(--muted); }
.label { font-size: .75rem; color: var(--muted); margin: .5rem 0 .2rem; }
.compaction { border: 1px dashed var(--note); border-radius: 6px; padding: .6rem .9rem; margin: 1.5rem 0;
  background: color-mix(in srgb, var(--note) 8%, transparent); }
.compaction strong { color: var(--note); }
.artifacts ul { padding-left: 1.2rem; } .artifacts img { max-width: 100%; height: auto; display: block; margin: .4rem 0; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; }
blockquote { margin: .5rem 0; padding-left: .75rem; border-left: 3px solid var(--line); color: var(--muted); }
a { color: var(--user); }
footer { padding-top: 1rem; padding-bottom: 2rem; }
.index li { margin: .4rem 0; }
`;
