/** Shared test data for the format tests: the seed's example logs from SPEC §3. */

export const SEED_LOG = `---
session_id: chat-abc123
type: chat
started: 2024-01-15T10:30:00Z
continued_from: null
---

# Chat Session

## 2024-01-15T10:30:00Z

**User:** Find all notes tagged #project and summarize them

**Assistant:** I'll search for notes with the project tag.

[Tool: search_by_tags tags=["project"]]
Found 12 notes matching #project.

Let me read through these and create a summary...
`;

export const SEED_CONTINUATION = `---
session_id: chat-abc123-2
type: chat
started: 2024-01-15T10:45:00Z
continued_from: [[2024-01-15-1030.md]]
---

# Chat Session (continued)

*Compacted from previous session. Context: User asked for a summary of #project notes; 12 found.*

## 2024-01-15T10:45:00Z

**User:** Now group them by status.
`;
