import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const read = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../${name}`, import.meta.url)), "utf8"));

/** The oldest Node the README and package.json promise. */
const OLDEST_NODE = "20.0.0";

type Version = [number, number, number];
const version = (text: string): Version => {
  const parts = text.replace(/^v/, "").split(".").map((p) => (p === "x" || p === "*" ? 0 : Number(p)));
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** True when `node` satisfies an npm `engines` range (the forms packages use: >=, >, <=, <, ^, x, ||). */
function satisfies(node: string, range: string): boolean {
  const v = version(node);
  return range.split("||").some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|\^)\s+/g, "$1").split(/\s+/).filter(Boolean);
    return comparators.every((c) => {
      const match = /^(>=|<=|>|<|\^|=)?v?(\d+(?:\.(?:\d+|x|\*)){0,2})$/.exec(c);
      if (!match) throw new Error(`cannot read the engines range ${JSON.stringify(range)}`);
      const order = compare(v, version(match[2]));
      switch (match[1]) {
        case ">=":
          return order >= 0;
        case ">":
          return order > 0;
        case "<=":
          return order <= 0;
        case "<":
          return order < 0;
        case "^":
          return order >= 0 && v[0] === version(match[2])[0];
        default:
          return v[0] === version(match[2])[0];
      }
    });
  });
}

test("package.json says which Node it needs, and the README says the same", () => {
  assert.equal(read("package.json").engines?.node, ">=20");
  assert.match(readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8"), /Node 20 or newer/);
});

test("every locked package installs on the oldest Node promised, without EBADENGINE", () => {
  const lock = read("package-lock.json") as { packages: Record<string, { engines?: { node?: string } }> };
  const refused = Object.entries(lock.packages)
    .filter(([, entry]) => entry.engines?.node !== undefined && !satisfies(OLDEST_NODE, entry.engines.node))
    .map(([path, entry]) => `${path} (${entry.engines!.node})`);
  assert.deepEqual(refused, []);
  assert.ok(satisfies("22.12.0", ">=22.12.0") && !satisfies(OLDEST_NODE, ">=22.12.0"), "the check itself works");
  assert.ok(satisfies(OLDEST_NODE, ">= 14.6") && satisfies(OLDEST_NODE, "^18 || ^20") && !satisfies("20.0.0", "<20"));
});
