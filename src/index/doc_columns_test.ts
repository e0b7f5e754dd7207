import { test } from "node:test";
import assert from "node:assert/strict";
import { ColumnsWriter, packColumns, rowOf, unpackColumns } from "./doc_columns.ts";

test("packColumns() and unpackColumns() round-trip every column and table", () => {
  const writer = new ColumnsWriter();
  const rows = [
    { length: 3, time: 1.7e12, role: "user", sessionType: "chat", tool: "", seq: 0, line: 8, hash: 0xffffffff },
    { length: 0, time: NaN, role: "title", sessionType: "agent", tool: "grep", seq: -1, line: 1, hash: 7 },
    { length: 70000, time: -5, role: "user", sessionType: "chat", tool: "grep", seq: 2 ** 30, line: 9e8, hash: 0 },
  ];
  rows.forEach((row, i) => writer.add({ ...row, file: i, session: 2 - i }));
  const columns = unpackColumns(packColumns(writer));
  assert.equal(columns.count, 3);
  rows.forEach((row, i) => {
    assert.deepEqual(rowOf(columns, i), row);
    assert.equal(columns.file[i], i);
    assert.equal(columns.session[i], 2 - i);
  });
  assert.deepEqual(columns.tools, ["", "grep"]);
});

test("unpackColumns() of an empty segment gives no documents", () => {
  assert.equal(unpackColumns(packColumns(new ColumnsWriter())).count, 0);
});
