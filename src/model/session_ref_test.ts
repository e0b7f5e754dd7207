import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveSessionRef } from "./session_ref.ts";
import { AmbiguousSessionIdError, InvalidInputError, SessionNotFoundError } from "./errors.ts";

const scope = {
  ids: ["agent-20240116-b2", "chat-20240115-a1", "chat-20240115-a2", "chat-20240120-c3"],
  recent: () => ["chat-20240115-a1", "chat-20240120-c3", "agent-20240116-b2", "chat-20240115-a2"],
  where: "/tmp/s",
};

test("resolveSessionRef() takes a full id, a unique prefix, and refuses an ambiguous one naming the candidates", () => {
  assert.equal(resolveSessionRef("chat-20240115-a2", scope), "chat-20240115-a2");
  assert.equal(resolveSessionRef("agent", scope), "agent-20240116-b2");
  assert.equal(resolveSessionRef("chat-202401", { ...scope, ids: ["chat-20240115-a1"] }), "chat-20240115-a1");
  assert.throws(() => resolveSessionRef("chat-20240115", scope), (error: unknown) => {
    assert.ok(error instanceof AmbiguousSessionIdError && error instanceof InvalidInputError);
    assert.deepEqual(error.candidates, ["chat-20240115-a1", "chat-20240115-a2"]);
    assert.match(error.message, /ambiguous: it matches chat-20240115-a1, chat-20240115-a2$/);
    return true;
  });
  assert.throws(() => resolveSessionRef("workflow", scope), SessionNotFoundError);
  assert.throws(() => resolveSessionRef("", scope), SessionNotFoundError);
});

test("resolveSessionRef() reads @last and @last~N by recent activity, and says how far back it can go", () => {
  assert.equal(resolveSessionRef("@last", scope), "chat-20240115-a1");
  assert.equal(resolveSessionRef("@last~0", scope), "chat-20240115-a1");
  assert.equal(resolveSessionRef("@last~2", scope), "agent-20240116-b2");
  assert.throws(() => resolveSessionRef("@last~4", scope), /at most @last~3 \(the store holds 4 sessions\)/);
  assert.throws(() => resolveSessionRef("@last", { ...scope, ids: [], recent: () => [] }), /it has none/);
  assert.throws(() => resolveSessionRef("@first", scope), InvalidInputError);
});

test("resolveSessionRef() refuses what could never be an id (a path) as bad input, not as a missing session", () => {
  assert.throws(() => resolveSessionRef("../../etc", scope), InvalidInputError);
  assert.throws(() => resolveSessionRef("chat/x", scope), InvalidInputError);
});
