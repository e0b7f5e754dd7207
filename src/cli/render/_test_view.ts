/** Test data: a session view with two logs, a tool call, hostile text and code. */
import type { SessionView } from "../../core/crucible.ts";

const FIRST = "/s/.crucible/sessions/chat-x/2024-01-15-1030.md";
const SECOND = "/s/.crucible/sessions/chat-x/2024-01-15-1045.md";

/** A view like `cru.show()` gives, for renderer tests. */
export function testView(): SessionView {
  return {
    id: "chat-x",
    type: "chat",
    title: "Deploy <b>fix</b>",
    tags: [],
    started: "2024-01-15T10:30:00Z",
    ended: null,
    last_activity: "2024-01-15T10:46:00Z",
    files: [FIRST, SECOND],
    logs: [
      { file: FIRST, started: "2024-01-15T10:30:00Z", context: null },
      { file: SECOND, started: "2024-01-15T10:45:00Z", context: "We found the <script>stale</script> cache key." },
    ],
    events: [
      {
        role: "user",
        content: "Why does <script>alert(1)</script> fail?",
        at: "2024-01-15T10:30:00Z",
        file: FIRST,
        line: 10,
      },
      {
        role: "tool",
        tool: "shell",
        args: { cmd: "make deploy </pre><img src=x onerror=alert(1)>" },
        content: "error: cache key\n</details><script>bad()</script>",
        at: "2024-01-15T10:30:00Z",
        file: FIRST,
        line: 12,
      },
      {
        role: "assistant",
        content:
          "Run this:\n\n```sh\nmake clean && make deploy\n```\n\n[click](javascript:alert(1)) and [docs](https://example.com)",
        at: "2024-01-15T10:31:00Z",
        file: FIRST,
        line: 17,
      },
      { role: "thought", content: "The key is stale.", at: "2024-01-15T10:45:00Z", file: SECOND, line: 12 },
      { role: "result", content: "Deployed in **42 s**.", at: "2024-01-15T10:46:00Z", file: SECOND, line: 16 },
    ],
    warnings: [],
  };
}
