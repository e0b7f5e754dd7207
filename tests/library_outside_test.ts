/**
 * The library used from a project outside the repo, as a Deno or Bun user
 * would: a script in a temporary folder imports cru's mod.ts by path.
 */
import { test } from "./_helpers/test.ts";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "./_helpers/temp_dir.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(REPO, "node_modules", ".bin");

/** Runs a command in `cwd`, bounded, and gives its output. */
function run(command: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command[0],
      command.slice(1),
      { cwd, timeout: 180_000, env: { ...process.env, NO_COLOR: "1", CRU_INDEX_IDLE_MS: "3000" } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A user's script: records a session through mod.ts, then finds it by search. */
function writeApp(folder: string): string {
  const app = join(folder, "app.ts");
  writeFileSync(
    app,
    `import { open } from ${JSON.stringify(join(REPO, "mod.ts"))};
const cru = open({ dir: ${JSON.stringify(join(folder, ".crucible"))} });
const session = await cru.openSession({ type: "agent", title: "Nightly triage" });
await session.say("thought", "Three flaky tests, all in the parser.");
const { hits } = await cru.search("flaky parser");
console.log(JSON.stringify({ id: session.id, hits: hits.map((h) => h.session_id) }));
`,
  );
  return app;
}

const RUNS: [string, (app: string) => string[]][] = [
  // The repo's deno.json maps every bare specifier to npm: (with the package.json versions).
  [
    "Deno with cru's deno.json as import map",
    (app) => [join(BIN, "deno"), "run", "-A", "--import-map", join(REPO, "deno.json"), app],
  ],
  // Or Deno resolves them from cru's own node_modules, as Node does.
  ["Deno with --node-modules-dir=manual", (app) => [join(BIN, "deno"), "run", "-A", "--node-modules-dir=manual", app]],
  ["Bun", (app) => [join(BIN, "bun"), app]],
];

for (const [name, command] of RUNS) {
  test(`mod.ts imported from a folder outside the repo works under ${name}`, () =>
    withTempDir(async (tmp) => {
      const app = writeApp(tmp);
      const result = await run(command(app), tmp);
      assert.equal(result.code, 0, result.stderr);
      const { id, hits } = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { id: string; hits: string[] };
      assert.deepEqual(hits, [id]);
      assert.ok(existsSync(join(tmp, ".crucible", "sessions", id)));
    }));
}

test("deno.json maps each dependency to npm: at the exact version package.json installs", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  const deno = JSON.parse(readFileSync(join(REPO, "deno.json"), "utf8"));
  const wanted = Object.fromEntries(
    Object.entries({ ...pkg.dependencies } as Record<string, string>).map(([n, v]) => [n, `npm:${n}@${v}`]),
  );
  const mapped = Object.fromEntries(
    Object.entries(deno.imports as Record<string, string>).filter(([n]) => n in wanted),
  );
  assert.deepEqual(mapped, wanted);
});
