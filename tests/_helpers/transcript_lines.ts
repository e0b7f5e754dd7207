/**
 * Test helper: transcript lines shaped like the ones Claude Code and Codex
 * write (the fields they really carry; see src/import/parsers/*_parser.ts).
 */

/** Claude Code lines (`~/.claude/projects/<project>/<session>.jsonl`). */
export class ClaudeLines {
  #n = 0;
  constructor(readonly sessionId: string, readonly start = Date.parse("2025-06-01T10:00:00Z")) {}

  #base(type: string) {
    this.#n++;
    return {
      parentUuid: this.#n === 1 ? null : `uuid-${this.#n - 1}`,
      isSidechain: false,
      userType: "external",
      cwd: "/home/dev/proj",
      sessionId: this.sessionId,
      version: "1.0.98",
      gitBranch: "main",
      type,
      uuid: `uuid-${this.#n}`,
      timestamp: new Date(this.start + this.#n * 1000).toISOString(),
    };
  }
  user(text: string): string {
    return JSON.stringify({ ...this.#base("user"), message: { role: "user", content: text } });
  }
  assistant(text: string): string {
    return JSON.stringify({
      ...this.#base("assistant"),
      message: {
        id: `msg_${this.#n}`,
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-20250514",
        content: [{ type: "text", text }],
        stop_reason: null,
        usage: { input_tokens: 10, output_tokens: 20 },
      },
      requestId: `req_${this.#n}`,
    });
  }
  thinkingAndToolUse(thought: string, id: string, command: string): string {
    return JSON.stringify({
      ...this.#base("assistant"),
      message: {
        id: `msg_${this.#n}`,
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-20250514",
        content: [
          { type: "thinking", thinking: thought, signature: "sig" },
          { type: "tool_use", id, name: "Bash", input: { command, description: "run it" } },
        ],
        stop_reason: "tool_use",
      },
    });
  }
  toolResult(id: string, output: string): string {
    return JSON.stringify({
      ...this.#base("user"),
      message: { role: "user", content: [{ tool_use_id: id, type: "tool_result", content: output, is_error: false }] },
      toolUseResult: { stdout: output, stderr: "", interrupted: false },
    });
  }
  summary(text: string): string {
    return JSON.stringify({ type: "summary", summary: text, leafUuid: `uuid-${this.#n}` });
  }
  /** What Claude Code writes when it compacts: a boundary, then the summary in the user's name. */
  compaction(summary: string): string[] {
    return [
      JSON.stringify({
        ...this.#base("system"),
        subtype: "compact_boundary",
        content: "Conversation compacted",
        level: "info",
        compactMetadata: { trigger: "auto", preTokens: 155_000 },
      }),
      JSON.stringify({
        ...this.#base("user"),
        isCompactSummary: true,
        message: {
          role: "user",
          content: `This session is being continued from a previous conversation. Summary: ${summary}`,
        },
      }),
    ];
  }
}

/** Codex CLI lines (`~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl`). */
export class CodexLines {
  #n = 0;
  constructor(readonly id: string, readonly start = Date.parse("2025-06-01T11:00:00Z")) {}

  #line(type: string, payload: Record<string, unknown>): string {
    this.#n++;
    return JSON.stringify({ timestamp: new Date(this.start + this.#n * 1000).toISOString(), type, payload });
  }
  meta(): string {
    return this.#line("session_meta", {
      id: this.id,
      timestamp: new Date(this.start).toISOString(),
      cwd: "/home/dev/proj",
      originator: "codex_cli_rs",
      cli_version: "0.77.0",
      instructions: null,
    });
  }
  user(text: string): string[] {
    return [
      this.#line("response_item", { type: "message", role: "user", content: [{ type: "input_text", text }] }),
      this.#line("event_msg", { type: "user_message", message: text, images: [] }),
    ];
  }
  reasoning(text: string): string {
    return this.#line("response_item", {
      type: "reasoning",
      summary: [{ type: "summary_text", text }],
      content: null,
      encrypted_content: "gAAAA",
    });
  }
  call(id: string, command: string): string {
    return this.#line("response_item", {
      type: "function_call",
      name: "shell",
      arguments: JSON.stringify({ command: ["bash", "-lc", command], workdir: "/home/dev/proj" }),
      call_id: id,
    });
  }
  output(id: string, text: string): string {
    return this.#line("response_item", {
      type: "function_call_output",
      call_id: id,
      output: JSON.stringify({ output: text, metadata: { exit_code: 0, duration_seconds: 0.1 } }),
    });
  }
  assistant(text: string): string[] {
    return [
      this.#line("response_item", { type: "message", role: "assistant", content: [{ type: "output_text", text }] }),
      this.#line("event_msg", { type: "agent_message", message: text }),
    ];
  }
  compacted(summary: string): string {
    return this.#line("compacted", { message: summary });
  }
}
