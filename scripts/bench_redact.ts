/**
 * Benchmark: redact-secrets on 10 MB inputs — ordinary prose with secrets
 * sprinkled in, and inputs built to make backtracking regexes go quadratic
 * (repeated BEGIN lines without END, one endless word, repeated keywords).
 * Each line shows MB/s beside a plain `String.prototype.indexOf` scan of the
 * same input (the floor); linear rules stay within a small factor of it.
 *
 *   bun scripts/bench_redact.ts [--mb 10]
 */
import { redactText } from "../plugins/redact_secrets.ts";
import { SECRET_SAMPLES } from "../tests/_helpers/secret_samples.ts";

const args = process.argv.slice(2);
const MB = Number(args[args.indexOf("--mb") + 1] || 10);
const SIZE = MB * 1024 * 1024;

function fill(unit: string): string {
  return unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
}

const prose = "The deploy failed because the runner cache key was stale; we bumped it and re-ran the job. ";
const inputs: [string, string][] = [
  ["prose, no secrets", fill(prose)],
  ["prose + every secret kind", fill(prose.repeat(20) + SECRET_SAMPLES.map((s) => s.text).join("\n") + "\n")],
  ["BEGIN ... PRIVATE KEY, no END", fill("-----BEGIN RSA PRIVATE KEY-----\n")],
  ["one endless word", fill("a")],
  ["keyword storm (password)", fill("password")],
  ["keyword storm (DB_PASSWORD=)", fill("DB_PASSWORD=")],
  ["Bearer storm", fill("Bearer ")],
  ["URL userinfo storm", fill("x://a:")],
  ["base64 soup", fill("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=")],
];

function time(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

console.log(`redact-secrets on ${MB} MB inputs (${"Bun" in globalThis ? "bun" : "deno"})`);
console.log(`${"input".padEnd(32)} ${"redact ms".padStart(10)} ${"MB/s".padStart(8)} ${"indexOf ms".padStart(11)}`);
let worst = 0;
for (const [name, input] of inputs) {
  const floor = time(() => void input.indexOf("\u0000never"));
  const ms = time(() => void redactText(input));
  worst = Math.max(worst, ms);
  console.log(
    `${name.padEnd(32)} ${ms.toFixed(0).padStart(10)} ${(MB / (ms / 1000)).toFixed(1).padStart(8)} ${
      floor.toFixed(1).padStart(11)
    }`,
  );
}
console.log(`worst case: ${(worst / 1000).toFixed(2)} s for ${MB} MB (the hook timeout is 5 s by default)`);
