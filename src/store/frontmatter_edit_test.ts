import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionStore } from "./session_store.ts";
import { SessionStateError } from "../model/errors.ts";

test("editFrontmatter() rewrites only the keys it is given, keeps the rest and the events byte for byte", async () => {
  const root = mkdtempSync(join(tmpdir(), "cru-fm-"));
  try {
    const store = new SessionStore({ root });
    const { id, file } = store.create({ type: "chat", title: "Old", tags: ["a"], extra: { reviewer: "Ana" } });
    await store.append(id, [{ role: "user", content: "hi\n---\ntitle: not frontmatter" }]);
    writeFileSync(file, readFileSync(file, "utf8").replace("reviewer: Ana\n", "reviewer: Ana # kept\n"));
    const before = readFileSync(file, "utf8");
    const result = await store.editFrontmatter(id, "first", (meta) => ({
      set: { title: "New: a title", tags: [...meta.tags!, "b"] },
      heading: "New: a title",
    }));
    assert.deepEqual(result, { id, file, changed: true });
    const after = readFileSync(file, "utf8");
    assert.equal(
      after,
      before.replace("title: Old\n", 'title: "New: a title"\n').replace("  - a\n", "  - a\n  - b\n").replace(
        "# Old\n",
        "# New: a title\n",
      ),
    );
    assert.equal((await store.read(id)).events[0].content, "hi\n---\ntitle: not frontmatter");
    assert.deepEqual(await store.editFrontmatter(id, "first", () => undefined), { id, file, changed: false });
    await store.editFrontmatter(id, "first", () => ({ set: { tags: undefined } }));
    assert.ok(!readFileSync(file, "utf8").includes("tags:"));

    writeFileSync(file, readFileSync(file, "utf8").replace("reviewer: Ana # kept\n", "reviewer: [unclosed\n"));
    await assert.rejects(store.editFrontmatter(id, "first", () => ({ set: { title: "x" } })), SessionStateError);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
