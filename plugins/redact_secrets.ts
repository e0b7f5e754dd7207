/**
 * redact-secrets (on by default): before an event is written, replaces API
 * keys, tokens, private keys, passwords in URLs and the like with
 * `[redacted:<kind>]`, in the text and in tool arguments, so a secret reaches
 * neither the markdown nor the index.
 *
 * @module
 */
import type { NewEvent, PluginDefinition } from "../types.ts";

interface Rule {
  kind: string;
  pattern: RegExp;
  /** Which capture group is the secret (the rest of the match is kept); 0 for all of it. */
  group?: number;
  /** Extra check on the secret, to leave look-alikes alone. */
  accept?: (secret: string) => boolean;
}

const hasDigitAndLetter = (s: string) => /\d/.test(s) && /[A-Za-z]/.test(s);
/** Values that name a secret rather than hold one: env lookups, templates, masks, placeholders. */
const isReference = (s: string) =>
  /^(?:process\.env|os\.environ|env\.|\$|<|\{\{|%|\*+$|x{4,}$|\.{3}|null$|none$|true$|false$|undefined$|changeme$|password$|secret$)/i
    .test(s);

const RULES: Rule[] = [
  { kind: "private-key", pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g },
  { kind: "aws-access-key", pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA)[0-9A-Z]{16}\b/g },
  {
    kind: "aws-secret-key",
    pattern:
      /(aws_secret_access_key|aws_secret_key|secret_access_key)(["']?\s*[=:]\s*["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 3,
  },
  { kind: "github-token", pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/g },
  { kind: "github-token", pattern: /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g },
  { kind: "anthropic-key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, accept: hasDigitAndLetter },
  { kind: "openai-key", pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, accept: hasDigitAndLetter },
  { kind: "stripe-key", pattern: /\b(?:sk|rk|pk)_live_[A-Za-z0-9]{16,}\b/g },
  { kind: "slack-token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, accept: hasDigitAndLetter },
  { kind: "google-api-key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: "bearer-token", pattern: /(\bBearer\s+)([A-Za-z0-9._~+/-]{20,}=*)/g, group: 2, accept: hasDigitAndLetter },
  {
    kind: "url-password",
    pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi,
    group: 2,
    accept: (s) => !isReference(s),
  },
  {
    kind: "password",
    pattern:
      /(\b(?:password|passwd|pwd|secret|client_secret|api[_-]?key|access[_-]?token|auth[_-]?token)["']?\s*[=:]\s*)(["']?)([^\s"',;]{6,})\2/gi,
    group: 3,
    accept: (s) => !isReference(s) && !s.startsWith("[redacted:"),
  },
];

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
  let result = text;
  for (const rule of RULES) {
    result = result.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
      const group = rule.group ?? 0;
      const secret = group === 0 ? match : String(groups[group - 1]);
      if (rule.accept && !rule.accept(secret)) return match;
      if (group === 0) return `[redacted:${rule.kind}]`;
      const before = groups.slice(0, group - 1).map(String).join("");
      return match.replace(before + secret, `${before}[redacted:${rule.kind}]`);
    });
  }
  return result;
}

/** Redacts every string inside a JSON value. */
function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactValue(inner)]));
  }
  return value;
}

/** The event with its secrets redacted, or undefined when it had none (so it is left as it is). */
export function redactEvent(event: NewEvent): NewEvent | undefined {
  const content = redactText(event.content);
  const args = event.args === undefined ? undefined : redactValue(event.args) as Record<string, unknown>;
  const changed = content !== event.content || JSON.stringify(args) !== JSON.stringify(event.args);
  return changed ? { ...event, content, ...(args === undefined ? {} : { args }) } : undefined;
}

const plugin: PluginDefinition = {
  name: "redact-secrets",
  version: "1.0.0",
  description: "replaces API keys, tokens, private keys and passwords with [redacted:<kind>] before they are written",
  setup(ctx) {
    ctx.hook("event:before-append", (event) => redactEvent(event));
  },
};

export default plugin;
