/**
 * The built-in redact-secrets plugin's rules, for text that does not pass
 * through the hooks: `cru session audit` re-scans stored sessions with them,
 * and the CLI scrubs its own error lines with them (an error may quote an input).
 *
 * @module
 */
import { SECRET_RULES as RULES } from "../../plugins/builtin.ts";
import type { SecretRules } from "./audit_sessions.ts";

/** Finds (kind → count) and redacts secrets with today's rules. */
export const SECRET_RULES: SecretRules = RULES;
