/**
 * Real-looking secrets (fake: made up here, valid for nothing) of every kind
 * redact-secrets covers, each with the exact secret that must not survive, and
 * near-misses that must stay exactly as they are. Shared by the plugin's unit
 * test and the compiled-binary test that tries every way in.
 */

/** `n` characters from `alphabet`, deterministic (a fixed LCG), so samples look random but never change. */
function chars(n: number, alphabet: string, seed: number): string {
  let x = seed;
  let out = "";
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[(x >>> 16) % alphabet.length];
  }
  return out;
}
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const HEX = "0123456789abcdef";
const B64 = ALNUM + "+/";
const URLSAFE = ALNUM + "-_";

/** One sample: the kind it must be redacted as, the text it sits in, and the secret itself. */
export interface SecretSample {
  kind: string;
  text: string;
  secret: string;
}

const sample = (kind: string, secret: string, around: (s: string) => string): SecretSample => ({
  kind,
  secret,
  text: around(secret),
});

const ghp = `ghp_${chars(36, ALNUM, 1)}`;
const pemBody = (seed: number) => chars(64, B64, seed);

/** Every kind of secret the plugin covers. */
export const SECRET_SAMPLES: SecretSample[] = [
  sample("aws-access-key", `AKIA${chars(16, UPPER, 2)}`, (s) => `export AWS_ACCESS_KEY_ID=${s}`),
  sample("aws-secret-key", chars(40, B64, 3), (s) => `AWS_SECRET_ACCESS_KEY=${s}`),
  sample("github-token", ghp, (s) => `token: ${s}`),
  sample("github-token", `gho_${chars(36, ALNUM, 4)}`, (s) => `oauth ${s} granted`),
  sample("github-token", `github_pat_11${chars(20, UPPER, 5)}_${chars(59, ALNUM, 6)}`, (s) => `use ${s} please`),
  sample("gitlab-token", `glpat-${chars(20, URLSAFE, 7)}x1`, (s) => `GITLAB_PAT ${s}`),
  sample("openai-key", `sk-${chars(48, ALNUM, 8)}`, (s) => `key ${s}`),
  sample("openai-key", `sk-proj-${chars(120, URLSAFE, 9)}Ab1`, (s) => `OPENAI_API_KEY="${s}"`),
  sample("anthropic-key", `sk-ant-api03-${chars(93, URLSAFE, 10)}A1`, (s) => `ANTHROPIC_API_KEY=${s}`),
  sample("google-api-key", `AIza${chars(35, URLSAFE, 11)}`, (s) => `maps key ${s} here`),
  sample(
    "gcp-service-account",
    chars(40, HEX, 12),
    (s) =>
      `{"type": "service_account", "project_id": "demo-1", "private_key_id": "${s}", "client_email": "a@demo-1.iam.gserviceaccount.com"}`,
  ),
  sample(
    "private-key",
    pemBody(41),
    (s) =>
      `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${s}\\n-----END PRIVATE KEY-----\\n"}`,
  ),
  sample("slack-token", `xoxb-${chars(11, "0123456789", 13)}-${chars(13, "0123456789", 14)}-${chars(24, ALNUM, 15)}`, (
    s,
  ) => `SLACK_BOT=${s}`),
  sample("slack-token", `xoxp-${chars(11, "0123456789", 16)}-${chars(32, ALNUM, 17)}`, (s) => `user token ${s}`),
  sample(
    "slack-webhook",
    `https://hooks.slack.com/services/T${chars(8, UPPER, 18)}/B${chars(8, UPPER, 19)}/${chars(24, ALNUM, 20)}`,
    (s) => `curl -X POST ${s} -d @msg.json`,
  ),
  sample("stripe-key", `sk_live_${chars(24, ALNUM, 21)}`, (s) => `stripe ${s}`),
  sample("stripe-key", `rk_live_${chars(24, ALNUM, 22)}`, (s) => `restricted: ${s}`),
  sample("twilio-key", `SK${chars(32, HEX, 23)}`, (s) => `twilio api key ${s}`),
  sample("twilio-key", chars(32, HEX, 24), (s) => `TWILIO_AUTH_TOKEN=${s}`),
  sample("sendgrid-key", `SG.${chars(22, URLSAFE, 25)}.${chars(43, URLSAFE, 26)}`, (s) => `SENDGRID_API_KEY=${s}`),
  sample("npm-token", `npm_${chars(36, ALNUM, 27)}`, (s) => `//registry.npmjs.org/:_authToken=${s}`),
  sample("pypi-token", `pypi-AgEIcHlwaS5vcmc${chars(60, URLSAFE, 28)}`, (s) => `password = ${s}`),
  sample(
    "jwt",
    `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${chars(43, URLSAFE, 29)}`,
    (s) => `cookie=${s};`,
  ),
  sample("private-key", pemBody(44), (s) => `-----BEGIN RSA PRIVATE KEY-----\n${s}\n-----END RSA PRIVATE KEY-----`),
  sample(
    "private-key",
    pemBody(42),
    (s) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${s}\n${s.slice(0, 20)}==\n-----END OPENSSH PRIVATE KEY-----`,
  ),
  sample(
    "private-key",
    pemBody(43),
    (s) => `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGF${s}\n=ab12\n-----END PGP PRIVATE KEY BLOCK-----`,
  ),
  sample(
    "private-key",
    pemBody(45),
    (s) => `here is the key:\n-----BEGIN EC PRIVATE KEY-----\n${s}\n${s.slice(5, 40)}\n`,
  ),
  sample("url-password", `p${chars(12, ALNUM, 31)}`, (s) => `DATABASE_URL=postgres://admin:${s}@db.internal:5432/app`),
  sample("url-password", `x${chars(10, ALNUM, 32)}`, (s) => `git clone https://deploy:${s}@git.example.com/repo.git`),
  sample("password", `Tr0ub4dor&3x${chars(4, ALNUM, 33)}`, (s) => `DB_PASSWORD=${s}`),
  sample("password", chars(32, HEX, 34), (s) => `SECRET=${s}`),
  sample("password", `t${chars(30, ALNUM, 35)}9`, (s) => `TOKEN=${s}`),
  sample("password", `Sup3r${chars(8, ALNUM, 36)}!`, (s) => `mysql -u root --password=${s}`),
  sample("password", `hunter2-${chars(6, ALNUM, 37)}`, (s) => `config: {"password": "${s}"}`),
  sample("bearer-token", chars(40, URLSAFE, 38) + "9a", (s) => `curl -H 'Authorization: Bearer ${s}'`),
  sample("authorization", chars(28, B64, 39) + "==", (s) => `Authorization: Basic ${s}`),
];

/** Text that looks like a secret to a careless pattern, and must stay exactly as it is. */
export const NEAR_MISSES: string[] = [
  "use ``password=`-style assignments`` in the docs",
  "the `password=` flag takes a file, not a value",
  "set `token=` to nothing to turn it off",
  "password_hint: the name of our first dog",
  "token count: 1523 in, 402 out",
  "max_tokens=4096",
  "tokens: 1500",
  "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "the commit 3f2a9c1e7b4d8f6a0c5e9b2d7f1a3c8e4b6d9f0a fixed it",
  "md5 d41d8cd98f00b204e9800998ecf8427e matches",
  "request 123e4567-e89b-12d3-a456-426614174000 failed",
  "session_id: 6f1c2b9e-3d4a-4c8b-9e2f-1a7b3c5d9e0f",
  "PWD=/home/alice/project",
  "we use sk-learn-and-other-python-libraries for models",
  "the task-list-for-tomorrow-is-long-but-fine",
  "AKIA is a prefix of AWS access keys",
  "ghp_tooshort",
  "glpat- is the prefix of GitLab personal tokens",
  "SG. is how SendGrid keys start",
  "npm_config_cache=/tmp/npm-cache",
  "the secret: keep the tests small",
  "password reset link sent to the user",
  "password: process.env.DB_PASSWORD",
  "api_key = ${API_KEY}",
  "secret: <your-secret-here>",
  "password: ********",
  "Authorization: Bearer <token>",
  "https://example.com:8080/path?q=1",
  "ssh://git@github.com/org/repo.git",
  "https://hooks.slack.com/services/ is where webhooks live",
  "eyJhbGciOiJIUzI1NiJ9 alone is just a header",
  "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----",
  "Bearer tokens are described in RFC 6750",
  "xoxb- is the Slack bot token prefix",
  "pk_test_TYooMQauvdEDq54NiTphI7jx",
];
