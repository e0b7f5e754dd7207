import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage } from "../index/memory_storage.ts";
import { openSearchIndex } from "../index/search_index.ts";
import { CruError } from "../model/errors.ts";
import { SessionStore } from "../store/session_store.ts";
import { IndexClient } from "./index_client.ts";
import { serveOpenedIndex, takeHealNotice } from "./index_owner.ts";
import { databaseDir, healNoticePath, prepareIndexDir } from "./owner_paths.ts";

/** Memory storage whose reads of postings fail as a damaged database's do, once armed. */
class DamagedStorage extends MemoryStorage {
  armed = false;
  override readPostings(wanted: { segment: string; term: number }[]): Promise<Map<string, Uint8Array>> {
    if (this.armed) {
      return Promise.reject(new CruError("index_damaged", "the index is missing chunk:[s1, postings, 0]"));
    }
    return super.readPostings(wanted);
  }
}

test("an owner whose index is found damaged while serving moves it aside, hands over and leaves a notice", {
  timeout: 60_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), "cru-owner-"));
  try {
    const store = new SessionStore({ root });
    const { id } = await store.create({ type: "chat" });
    await store.append(id, [{ role: "user", content: "the quiet tapir" }, { role: "user", content: "a wombat" }]);
    prepareIndexDir(root);
    // Stands for the embedded database's folder, which healing moves aside.
    mkdirSync(databaseDir(root));
    writeFileSync(join(databaseDir(root), "000009.sst"), "garbled");
    mkdirSync(join(root, "index.broken-2020-01-01T00-00-00-000Z"));
    const storage = new DamagedStorage();
    const index = await openSearchIndex(storage);
    const served = serveOpenedIndex(root, {
      index,
      where: "memory",
      close: () => Promise.resolve(),
      compact: () => Promise.reject(new Error("a healing owner must not touch its database")),
    }, { root, connection: {}, idleMs: 30_000 });
    const client = await waitForOwner(root);
    const first = await client.request("search", { query: "tapir", filters: {} });
    assert.equal(first.result.total, 1);
    // Segments are written before the search reads postings from storage.
    await client.request("reindex", {});
    storage.armed = true;
    await assert.rejects(client.request("search", { query: "wombat", filters: {} }), { code: "owner_restarting" });
    client.close();
    assert.equal(await served, 0, "the owner stops so that a new one rebuilds the index");
    assert.equal(existsSync(databaseDir(root)), false, "the damaged database was moved away");
    const broken = readdirSync(root).filter((name) => name.startsWith("index.broken-"));
    assert.equal(broken.length, 1, `only the newest broken copy is kept: ${broken}`);
    assert.equal(readFileSync(join(root, broken[0], "000009.sst"), "utf8"), "garbled");
    const notice = takeHealNotice(root);
    assert.match(notice ?? "", /damaged \(the index is missing chunk.*moved to .*index\.broken-.*rebuilt/);
    assert.equal(existsSync(healNoticePath(root)), false, "the notice is told once");
    assert.equal(takeHealNotice(root), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

async function waitForOwner(root: string): Promise<IndexClient> {
  for (let i = 0; i < 200; i++) {
    const client = await IndexClient.connectIfRunning({ root, connection: {} });
    if (client) return client;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the owner did not listen");
}
