/**
 * redact-secrets (on by default): before anything is written — event text,
 * tool arguments and results, titles, tags, compact summaries, attached text
 * files, imports — replaces API keys, tokens, private keys, passwords in URLs
 * and secret assignments with `[redacted:<kind>]`, so a secret reaches neither
 * the markdown nor the index.
 *
 * It fails closed: an input it cannot scan (nested too deep, a bug) is written
 * with the whole value redacted, and if the plugin itself fails or times out
 * the event is refused, never written in clear. Every pattern runs in linear
 * time (no nested quantifiers that can backtrack; private keys are found by a
 * scanner), so a 10 MB input is scanned in well under the hook timeout
 * (`scripts/bench_redact.ts`).
 *
 * @module
 */
import type { NewEvent, PluginDefinition, SessionDraft } from "../types.ts";

interface Rule {
  kind: string;
  pattern: RegExp;
  /** Which capture group is the secret (the rest of the match is kept); 0 for all of it. */
  group?: number;
  /** Extra check on the secret, to leave look-alikes alone. */
  accept?: (secret: string) => boolean;
}

const hasDigitAndLetter = (s: string) => /\d/.test(s) && /[A-Za-z]/.test(s);
/** Digits, capitals and small letters: generated keys have all three, words and slugs do not. */
const looksGenerated = (s: string) => /\d/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s);
/** Values that name a secret rather than hold one: env lookups, templates, masks, placeholders. */
const isReference = (s: string) =>
  /^(?:process\.env|os\.environ|env\.|\$|<|\{\{|%|\*+$|x{4,}$|\.{3}|null$|none$|nil$|true$|false$|undefined$|changeme$|password$|secret$|\[redacted:)/i
    .test(s);

/** Key names whose value is a secret (`DB_PASSWORD`, `GITHUB_TOKEN`, `client_secret`, `apiKey` …). */
const SECRET_KEY = "(?:password|passwd|passphrase|secret|token)(?:[_-]?key)?|api[_-]?key|access[_-]?key|" +
  "private[_-]?key|credentials?";
/** JSON keys whose whole string value is a secret, whatever it looks like. */
const SECRET_FIELD = new RegExp(`^[\\w.-]*?(?:${SECRET_KEY}|authorization|cookie)$`, "i");

/** Words that describe a password field rather than fill it (`password: required`). */
const FIELD_WORDS = /^(?:required|optional|string|text|hidden|empty|redacted|masked|unset|yes|no)$/i;

/**
 * Is this value of a secret-named key a secret (not a reference, a count, a
 * word)? Passwords may be any 6 characters or more; tokens, secrets and keys
 * are generated, so they carry a digit or are long and mixed-case.
 */
function acceptAssigned(value: string, key: string): boolean {
  if (isReference(value) || FIELD_WORDS.test(value)) return false;
  if (/pass(?:wd|word|phrase)/i.test(key)) return value.length >= 6;
  if (value.length < 8 || /^\d+$/.test(value)) return false;
  return /\d/.test(value) || (value.length >= 20 && /[A-Z]/.test(value) && /[a-z]/.test(value));
}

const RULES: Rule[] = [
  { kind: "gcp-service-account", pattern: /(\\?"private_key_id\\?"\s*:\s*\\?")([0-9a-f]{40})(\\?")/g, group: 2 },
  {
    kind: "aws-access-key",
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g,
  },
  {
    kind: "aws-secret-key",
    pattern:
      /(aws_secret_access_key|aws_secret_key|secret_access_key)(["']?\s*[=:]\s*["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 3,
  },
  { kind: "github-token", pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/g },
  { kind: "github-token", pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/g },
  { kind: "gitlab-token", pattern: /\bgl(?:pat|dt|rt|ptt|cbt|soat|ft)-[A-Za-z0-9_-]{20,}/g, accept: hasDigitAndLetter },
  { kind: "anthropic-key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, accept: hasDigitAndLetter },
  { kind: "openai-key", pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, accept: looksGenerated },
  { kind: "stripe-key", pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b/g },
  {
    kind: "slack-webhook",
    pattern: /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/g,
  },
  { kind: "slack-token", pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g, accept: hasDigitAndLetter },
  { kind: "google-api-key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: "twilio-key", pattern: /\bSK[0-9a-f]{32}\b/g },
  {
    kind: "twilio-key",
    pattern: /(twilio[_-]?(?:auth[_-]?)?token["']?\s*[=:]\s*["']?)([0-9a-f]{32})\b/gi,
    group: 2,
  },
  { kind: "sendgrid-key", pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  { kind: "npm-token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: "pypi-token", pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  {
    kind: "authorization",
    pattern: /(\bAuthorization\\?["']?\s*[:=]\s*\\?["']?(?:Basic|Token|Digest)\s+)([A-Za-z0-9._~+/=:-]{8,})/gi,
    group: 2,
  },
  { kind: "bearer-token", pattern: /(\bBearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/g, group: 2, accept: hasDigitAndLetter },
  {
    kind: "url-password",
    pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi,
    group: 2,
    accept: (s) => !isReference(s),
  },
  {
    // `.env` lines and assignments: DB_PASSWORD=…, "client_secret": "…", --password=…, token: `…`.
    // A value must start right after the quote, so ``password=`-style`` prose stays as it is.
    kind: "password",
    // Quotes may come JSON-escaped (\" inside a JSON string), so a backslash before a quote is not part of a value.
    pattern: new RegExp(
      `(\\b([\\w.-]*?(?:${SECRET_KEY}))\\\\?["']?\\s*[=:]\\s*\\\\?)(["'\`]?)((?:[^\\s"'\`,;\\\\]|\\\\(?!["']))+)\\\\?\\3`,
      "gi",
    ),
    group: 4,
  },
];

/**
 * A secret starts where a word does — or right after an escape (`\n`, `\t`,
 * `\r`) in JSON-encoded text, where `\b` sees no boundary (`\nghp_…`).
 */
const START = String.raw`(?<=^|[^A-Za-z0-9_]|\\[nrt])`;
for (const rule of RULES) {
  const source = rule.pattern.source.replace(/^(\(?)\\b/, `$1${START}`);
  if (source !== rule.pattern.source) rule.pattern = new RegExp(source, rule.pattern.flags);
}

/** Where a private key's BEGIN line is (PEM, OpenSSH, PGP), with what its END line must say. */
const KEY_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;
/**
 * Key material after a BEGIN line that has no END: header lines, then base64
 * lines — split by newlines (real or escaped) or, in text that lost its line
 * breaks (a title), by spaces. It may take a few words after the key with it:
 * too much redacted is the safe side.
 */
const KEY_BODY = /(?:(?:\r?\n|\\r\\n|\\n|[ \t]+)(?:[A-Za-z-]+: [^\r\n\\]*|[A-Za-z0-9+/=]+))+/y;

/** Replaces private keys (with or without their END line) with `[redacted:private-key]`. Linear in the text. */
function redactPrivateKeys(text: string): string {
  if (!text.includes("PRIVATE KEY")) return text;
  let out = "";
  let from = 0;
  const endFound = new Map<string, number>(); // END marker → where it was last found (-1: nowhere after)
  KEY_BEGIN.lastIndex = 0;
  for (let begin = KEY_BEGIN.exec(text); begin; begin = KEY_BEGIN.exec(text)) {
    if (begin.index < from) continue;
    const marker = `-----END ${begin[1]}PRIVATE KEY${begin[2] ?? ""}-----`;
    const after = begin.index + begin[0].length;
    let end = endFound.get(marker);
    if (end === undefined || (end !== -1 && end < after)) {
      end = text.indexOf(marker, after);
      endFound.set(marker, end);
    }
    let stop: number;
    if (end !== -1) {
      stop = end + marker.length;
    } else {
      KEY_BODY.lastIndex = after;
      stop = KEY_BODY.test(text) ? KEY_BODY.lastIndex : after;
    }
    out += `${text.slice(from, begin.index)}[redacted:private-key]`;
    from = stop;
    KEY_BEGIN.lastIndex = Math.max(stop, after);
  }
  return out + text.slice(from);
}

/**
 * Replaces every secret in `text` with `[redacted:<kind>]`.
 *
 * @example
 * ```ts
 * import { redactText } from "./redact_secrets.ts";
 * console.assert(redactText("key AKIAIOSFODNN7EXAMPLE") === "key [redacted:aws-access-key]");
 * ```
 */
export function redactText(text: string): string {
  let result = redactPrivateKeys(text);
  for (const rule of RULES) {
    result = result.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
      const group = rule.group ?? 0;
      const secret = group === 0 ? match : String(groups[group - 1]);
      if (rule.kind === "password" ? !acceptAssigned(secret, String(groups[1])) : rule.accept && !rule.accept(secret)) {
        return match;
      }
      if (group === 0) return `[redacted:${rule.kind}]`;
      // The secret is the last part of every rule's match but a closing quote or '@'.
      const start = match.lastIndexOf(secret);
      return `${match.slice(0, start)}[redacted:${rule.kind}]${match.slice(start + secret.length)}`;
    });
  }
  return result;
}

/**
 * What `text` holds that today's rules would redact: kind → count. Used by
 * `cru session audit`, which reports kinds and counts, never the secrets.
 */
export function findSecrets(text: string): Map<string, number> {
  const count = (s: string) => {
    const found = new Map<string, number>();
    for (const match of s.matchAll(/\[redacted:([a-z0-9-]+)\]/g)) found.set(match[1], (found.get(match[1]) ?? 0) + 1);
    return found;
  };
  const before = count(text);
  const after = count(redactText(text));
  const found = new Map<string, number>();
  for (const [kind, n] of after) if (n > (before.get(kind) ?? 0)) found.set(kind, n - (before.get(kind) ?? 0));
  return found;
}

/** Deeper JSON than this is not scanned: the whole value is redacted instead. */
const MAX_DEPTH = 256;

/** A value too deep (or too strange) to scan: redacted whole, never passed on in clear. */
class UnscannableError extends Error {}

/**
 * Redacts every string inside a JSON value (and every string under a
 * secret-named key, whatever it looks like). Iterative, so depth cannot
 * overflow the stack; deeper than {@linkcode MAX_DEPTH} throws.
 */
function redactValue(value: unknown, depth = 0, key = ""): unknown {
  if (depth > MAX_DEPTH) throw new UnscannableError(`nested deeper than ${MAX_DEPTH}`);
  if (typeof value === "string") {
    const redacted = redactText(value);
    if (redacted === value && key !== "" && SECRET_FIELD.test(key) && acceptAssigned(value, key)) {
      return `[redacted:password]`;
    }
    return redacted;
  }
  if (Array.isArray(value)) return value.map((inner) => redactValue(inner, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [redactText(name), redactValue(inner, depth + 1, name)]),
    );
  }
  return value;
}

/** The whole-value stand-in for what could not be scanned. */
const UNSCANNABLE = "[redacted:unscannable]";

/**
 * The event with its secrets redacted, or undefined when it had none (so it is
 * left as it is). What cannot be scanned is replaced whole.
 */
export function redactEvent(event: NewEvent): NewEvent | undefined {
  let content: string;
  try {
    content = redactText(event.content);
  } catch {
    content = UNSCANNABLE;
  }
  let args: Record<string, unknown> | undefined;
  try {
    args = event.args === undefined ? undefined : redactValue(event.args) as Record<string, unknown>;
  } catch {
    args = { unscannable: UNSCANNABLE };
  }
  let changed = content !== event.content;
  if (!changed && args !== undefined) {
    try {
      changed = JSON.stringify(args) !== JSON.stringify(event.args);
    } catch {
      [changed, args] = [true, { unscannable: UNSCANNABLE }];
    }
  }
  return changed ? { ...event, content, ...(args === undefined ? {} : { args }) } : undefined;
}

/** A new session's title, tags and extra frontmatter, redacted (undefined when nothing changed). */
export function redactDraft(draft: SessionDraft): SessionDraft | undefined {
  const title = draft.title === undefined ? undefined : redactText(draft.title);
  const tags = draft.tags?.map(redactText);
  let extra: Record<string, unknown>;
  try {
    extra = redactValue(draft.extra) as Record<string, unknown>;
  } catch {
    extra = {};
  }
  const changed = title !== draft.title || JSON.stringify(tags) !== JSON.stringify(draft.tags) ||
    JSON.stringify(extra) !== JSON.stringify(draft.extra);
  return changed ? { ...draft, title, tags, extra } : undefined;
}

const plugin: PluginDefinition = {
  name: "redact-secrets",
  version: "1.1.0",
  description: "replaces API keys, tokens, private keys and passwords with [redacted:<kind>] before they are written",
  // If it fails or times out, what it would have scanned is refused rather than written in clear.
  failClosed: true,
  setup(ctx) {
    ctx.hook("session:before-start", (draft) => redactDraft(draft));
    ctx.hook("event:before-append", (event) => redactEvent(event));
  },
};

export default plugin;
