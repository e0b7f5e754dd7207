// The twin of wrong_hook_kind.ts, each hook run the way its kind says: it must pass `deno check`.
import { HookRunner } from "../../src/hooks/hook_runner.ts";

const hooks = new HookRunner();
const session = { id: "chat-a", type: "chat", title: null, dir: "/tmp" };
const event = { role: "user" as const, content: "hi" };
const subject = {
  id: "chat-a",
  dir: "/tmp",
  lastActivity: "2024-01-01T00:00:00Z",
  bytes: 1,
  action: "remove" as const,
};

await hooks.waterfall("event:before-append", event, session);
await hooks.bail("session:before-cleanup", subject);
await hooks.parallel("session:start", session);
await hooks.parallel("event:after-append", { ...event, at: "2024-01-01T00:00:00Z", file: "/tmp/a.md" }, session);
