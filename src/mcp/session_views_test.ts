import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Crucible, SessionView } from "../core/crucible.ts";
import { SessionViews } from "./session_views.ts";

/** A session folder with one log, and a stand-in for the facade that counts reads. */
function setUp(dir: string, age: number) {
  const folder = join(dir, "agent-a");
  mkdirSync(folder);
  const log = join(folder, "2024-01-15-1030.md");
  writeFileSync(log, "a log\n");
  const past = new Date(Date.now() - age);
  utimesSync(log, past, past);
  utimesSync(folder, past, past);
  let reads = 0;
  const view: SessionView = {
    id: "agent-a",
    type: "agent",
    title: null,
    tags: [],
    started: "2024-01-15T10:30:00Z",
    ended: null,
    last_activity: "2024-01-15T10:30:00Z",
    files: [log],
    logs: [{ file: log, started: "2024-01-15T10:30:00Z", context: null }],
    events: [],
    warnings: [],
  };
  const cru = { show: (_id: string) => (reads++, Promise.resolve(view)) } as unknown as Crucible;
  return { log, cru, reads: () => reads };
}

test("SessionViews reads a settled session once for many pages, and again once its log changes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cru-views-"));
  try {
    const { log, cru, reads } = setUp(dir, 60_000);
    const views = new SessionViews(cru);
    await views.read("agent-a");
    await views.read("agent-a");
    assert.equal(reads(), 1);
    appendFileSync(log, "more\n");
    await views.read("agent-a");
    assert.equal(reads(), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("SessionViews does not keep a session written a moment ago (it may have changed while read)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cru-views-"));
  try {
    const { cru, reads } = setUp(dir, 0);
    const views = new SessionViews(cru);
    await views.read("agent-a");
    await views.read("agent-a");
    assert.equal(reads(), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
