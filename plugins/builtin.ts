/**
 * The first-party plugins, bundled into the `cru` binary and loaded by
 * `open()` (each can be turned off in `config.yaml`).
 *
 * @module
 */
import type { PluginDefinition } from "../types.ts";
import gitContext from "./git_context.ts";
import redactSecrets, { findSecrets, redactText } from "./redact_secrets.ts";

/** Built-in plugins, in the order their hooks run. */
export const BUILTIN_PLUGINS: readonly PluginDefinition[] = [redactSecrets, gitContext];

/** Today's redaction rules, for `cru session audit`. */
export const SECRET_RULES: { find(text: string): Map<string, number>; redact(text: string): string } = {
  find: findSecrets,
  redact: redactText,
};
