import { test } from "node:test";
import assert from "node:assert/strict";
import { displayUrl, embeddedIndexUrl, embeddedPath } from "./connect.ts";

test("embeddedIndexUrl() makes a RocksDB URL without fsync per commit", () => {
  assert.equal(embeddedIndexUrl("/a/b/index"), "rocksdb:///a/b/index?sync=never");
});

test("embeddedPath() finds the folder of embedded URLs only", () => {
  assert.equal(embeddedPath("rocksdb:///a/b?sync=never"), "/a/b");
  assert.equal(embeddedPath("surrealkv:///a/b"), "/a/b");
  assert.equal(embeddedPath("mem://"), undefined);
  assert.equal(embeddedPath("ws://host:8000"), undefined);
});

test("displayUrl() hides credentials", () => {
  assert.equal(displayUrl("wss://root:secret@db.example.com/rpc"), "wss://db.example.com/rpc");
  assert.equal(displayUrl("rocksdb:///a/b"), "rocksdb:///a/b");
});
