import { test } from "node:test";
import assert from "node:assert/strict";
import { findSecrets, redactDraft, redactEvent, redactText } from "./redact_secrets.ts";
import { NEAR_MISSES as MORE_NEAR_MISSES, SECRET_SAMPLES } from "../tests/_helpers/secret_samples.ts";

// Real-looking samples (not real credentials): each must lose its secret and say what kind it was.
const SECRETS: [string, string, string][] = [
  ["aws-access-key", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"],
  [
    "aws-secret-key",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  ],
  ["github-token", "token: ghp_1234567890abcdefghijABCDEFGHIJ123456", "ghp_1234567890abcdefghijABCDEFGHIJ123456"],
  [
    "github-token",
    "use github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP please",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
  ],
  ["openai-key", "OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"],
  [
    "openai-key",
    "key sk-1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R9s0T1u2V3w4X",
    "sk-1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R9s0T1u2V3w4X",
  ],
  [
    "anthropic-key",
    "ANTHROPIC_API_KEY=sk-ant-api03-AbCdEf0123456789_GhIjKl-mnOpQr",
    "sk-ant-api03-AbCdEf0123456789_GhIjKl-mnOpQr",
  ],
  ["stripe-key", "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
  ["slack-token", "SLACK_TOKEN=xoxb-2048-4096-abcdefGHIJKL1234", "xoxb-2048-4096-abcdefGHIJKL1234"],
  [
    "google-api-key",
    "maps key AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v here",
    "AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v",
  ],
  [
    "jwt",
    "cookie=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U;",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  ],
  [
    "bearer-token",
    "curl -H 'Authorization: Bearer 7f3a9c2e1b8d4f6a0c5e9b2d7f1a3c8e'",
    "7f3a9c2e1b8d4f6a0c5e9b2d7f1a3c8e",
  ],
  ["url-password", "DATABASE_URL=postgres://admin:s3cr3t-P4ss@db.internal:5432/app", "s3cr3t-P4ss"],
  ["url-password", "git clone https://deploy:hunter2xyz@git.example.com/repo.git", "hunter2xyz"],
  ["password", 'config: {"password": "Tr0ub4dor&3x"}', "Tr0ub4dor&3x"],
  ["password", "mysql -u root --password=Sup3rS3cret!", "Sup3rS3cret!"],
  ["password", "API_KEY=a8f5f167f44f4964e6c998dee827110c", "a8f5f167f44f4964e6c998dee827110c"],
  [
    "private-key",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nq3Kc9Xz==\n-----END RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEA7bq",
  ],
  [
    "private-key",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    "b3BlbnNzaC1rZXktdjEAAAAA",
  ],
];

// Near-misses: they look like secrets to a careless pattern, and must stay exactly as they are.
const NEAR_MISSES = [
  "we use sk-learn-and-other-python-libraries for models",
  "the task-list-for-tomorrow-is-long-but-fine",
  "AKIA is a prefix of AWS access keys",
  "AKIAshort",
  "ghp_tooshort",
  "password reset link sent to the user",
  "password: process.env.DB_PASSWORD",
  "api_key = ${API_KEY}",
  "secret: <your-secret-here>",
  "password: ********",
  "https://example.com:8080/path?q=1",
  "ssh://git@github.com/org/repo.git",
  "http://user@host/path",
  "eyJhbGciOiJIUzI1NiJ9 alone is just a header",
  "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----",
  "Bearer tokens are described in RFC 6750",
  "the commit 3f2a9c1e7b4d8f6a0c5e9b2d7f1a3c8e4b6d9f0a fixed it",
  "xoxb- is the Slack bot token prefix",
  "pk_test_TYooMQauvdEDq54NiTphI7jx",
];

test("redactText() replaces every real-looking secret with [redacted:<kind>]", () => {
  for (const [kind, text, secret] of SECRETS) {
    const redacted = redactText(text);
    assert.ok(!redacted.includes(secret), `${kind} left in: ${redacted}`);
    assert.ok(redacted.includes(`[redacted:${kind}]`), `${kind} not named in: ${redacted}`);
  }
});

test("redactText() keeps the words around a secret", () => {
  assert.equal(
    redactText("DATABASE_URL=postgres://admin:s3cr3t-P4ss@db:5432/app"),
    "DATABASE_URL=postgres://admin:[redacted:url-password]@db:5432/app",
  );
  assert.equal(redactText("mysql --password=Sup3rS3cret! -h db"), "mysql --password=[redacted:password] -h db");
  assert.equal(
    redactText("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nnext"),
    "export AWS_ACCESS_KEY_ID=[redacted:aws-access-key]\nnext",
  );
});

test("redactText() leaves near-misses exactly as they are", () => {
  for (const text of NEAR_MISSES) assert.equal(redactText(text), text);
});

test("redactEvent() redacts tool arguments too, and returns undefined when there was nothing to redact", () => {
  const event = redactEvent({
    role: "tool",
    tool: "http",
    args: { headers: { Authorization: "Bearer 7f3a9c2e1b8d4f6a0c5e9b2d7f1a3c8e" }, url: "https://x.dev" },
    content: "200 OK",
  });
  assert.deepEqual(event?.args, { headers: { Authorization: "Bearer [redacted:bearer-token]" }, url: "https://x.dev" });
  assert.equal(redactEvent({ role: "user", content: "nothing secret here" }), undefined);
});

test("every kind in the shared table is redacted, and no near-miss of it is touched", () => {
  for (const { kind, text, secret } of SECRET_SAMPLES) {
    const redacted = redactText(text);
    assert.ok(!redacted.includes(secret), `${kind} left in: ${redacted}`);
    assert.ok(redacted.includes(`[redacted:${kind}]`), `${kind} not named in: ${redacted}`);
  }
  for (const text of MORE_NEAR_MISSES) assert.equal(redactText(text), text);
});

test("a tool argument under a secret-named key is redacted whole, whatever it looks like", () => {
  const event = redactEvent({
    role: "tool",
    tool: "db",
    args: { user: "ann", password: "correct horse" },
    content: "",
  });
  assert.deepEqual(event?.args, { user: "ann", password: "[redacted:password]" });
  assert.equal(redactEvent({ role: "tool", tool: "db", args: { password_hint: "a dog" }, content: "" }), undefined);
});

test("arguments too deep to scan are redacted whole, never passed on in clear", () => {
  let args: Record<string, unknown> = { token: "ghp_in_the_deep_end" };
  for (let i = 0; i < 30_000; i++) args = { a: args };
  const event = redactEvent({ role: "tool", tool: "x", args, content: "ok" });
  assert.deepEqual(event?.args, { unscannable: "[redacted:unscannable]" });
});

test("titles, tags and frontmatter extras of a new session are redacted", () => {
  const secret = SECRET_SAMPLES[2].secret;
  const draft = redactDraft({ type: "chat", title: `deploy with ${secret}`, tags: [secret], extra: { note: secret } });
  assert.ok(!JSON.stringify(draft).includes(secret));
  assert.equal(draft?.title, "deploy with [redacted:github-token]");
  assert.equal(redactDraft({ type: "chat", title: "plain", tags: ["a"], extra: {} }), undefined);
});

test("findSecrets() counts what today's rules would redact, by kind, and ignores what is already redacted", () => {
  const found = findSecrets(`a ${SECRET_SAMPLES[2].secret} b ${SECRET_SAMPLES[3].secret} c [redacted:jwt]`);
  assert.deepEqual(Object.fromEntries(found), { "github-token": 2 });
});

test("redaction is linear: 10 MB of adversarial text is scanned in seconds, not minutes", () => {
  const inputs = [
    "-----BEGIN RSA PRIVATE KEY-----".repeat(300_000),
    "a".repeat(10_000_000),
    "password".repeat(1_000_000),
    "Bearer ".repeat(1_000_000),
    "x://a:".repeat(1_500_000),
  ];
  for (const input of inputs) {
    const started = Date.now();
    redactText(input);
    assert.ok(Date.now() - started < 20_000, `${input.slice(0, 20)}… took ${Date.now() - started} ms`);
  }
});

test("secrets inside JSON-encoded text (escaped newlines and quotes) are redacted too", () => {
  for (const separator of ["\n", "\t", " "]) {
    const encoded = JSON.stringify({ output: SECRET_SAMPLES.map((s) => s.text).join(separator) });
    const redacted = redactText(encoded);
    for (const { kind, secret } of SECRET_SAMPLES) assert.ok(!redacted.includes(secret), `${kind} left in JSON`);
  }
  for (const text of MORE_NEAR_MISSES) {
    const encoded = JSON.stringify({ t: `\n${text}` });
    assert.equal(redactText(encoded), encoded);
  }
});
