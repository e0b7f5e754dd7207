// Expected to FAIL `deno check` (tests/hook_types_test.ts asserts it does, once on each line marked
// `wrong kind`): each way of running hooks accepts only hooks of its kind, as HOOK_KINDS says.
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

await hooks.parallel("event:before-append", event, session); // wrong kind: a veto would be dropped
await hooks.parallel("session:before-cleanup", subject); // wrong kind: a bail hook's "keep it" would be dropped
await hooks.bail("event:before-append", event, session); // wrong kind: a changed event would be dropped
await hooks.waterfall("session:start", session); // wrong kind: a parallel hook has nothing to pass on
