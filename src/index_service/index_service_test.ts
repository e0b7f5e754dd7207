import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage } from "../index/memory_storage.ts";
import { openSearchIndex } from "../index/search_index.ts";
import { CruError } from "../model/errors.ts";
import { SessionStore } from "../store/session_store.ts";
import { IndexService } from "./index_service.ts";

/** Memory storage whose next read of postings fails as damaged records do (a server that lost a chunk). */
class LosesAChunk extends MemoryStorage {
  armed = false;
  override readPostings(wanted: { segment: string; term: number }[]): Promise<Map<string, Uint8Array>> {
    if (!this.armed) return super.readPostings(wanted);
    this.armed = false;
    return Promise.reject(new CruError("index_damaged", "the index is missing chunk:[s1, postings, 0]"));
  }
}

async function serviceOver(storage: MemoryStorage, root: string, rebuildOnDamage: boolean) {
  const store = new SessionStore({ root });
  const { id } = store.create({ type: "chat" });
  await store.append(id, [{ role: "user", content: "the quiet tapir" }, { role: "user", content: "a wombat" }]);
  const index = await openSearchIndex(storage);
  const jobs: (() => Promise<unknown>)[] = [];
  const service = new IndexService(store, index, { watch: false, schedule: (job) => jobs.push(job), rebuildOnDamage });
  // Written out, so that searches read postings from the storage.
  await service.handle("reindex", {});
  return service;
}

test("storage that can be cleared in place is rebuilt when a request finds it damaged, and the request answers", async () => {
  const root = mkdtempSync(join(tmpdir(), "cru-service-"));
  try {
    const storage = new LosesAChunk();
    const service = await serviceOver(storage, root, true);
    storage.armed = true;
    const { result, warnings } = await service.handle("search", { query: "wombat", filters: {} });
    assert.equal(result.total, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /damaged \(the index is missing chunk.*rebuilt from the markdown/);
    const again = await service.handle("search", { query: "tapir", filters: {} });
    assert.equal(again.result.total, 1);
    assert.deepEqual(again.warnings, [], "the notice is told once");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("without rebuildOnDamage the damage reaches the caller (the owner moves an embedded index aside)", async () => {
  const root = mkdtempSync(join(tmpdir(), "cru-service-"));
  try {
    const storage = new LosesAChunk();
    const service = await serviceOver(storage, root, false);
    storage.armed = true;
    await assert.rejects(service.handle("search", { query: "wombat", filters: {} }), { code: "index_damaged" });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
