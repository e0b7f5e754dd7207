/**
 * What a command hands back: data for `--json`, and text for people.
 *
 * @module
 */

/** The outcome of a command, printed by main.ts. */
export interface CommandOutput {
  /** The JSON document printed with `--json`. */
  data: unknown;
  /** The text printed otherwise (a trailing newline is added). */
  text: string;
  /** True when the user asked for `--json`. */
  json?: boolean;
  /** Lines for stderr (warnings), printed in both modes. */
  warnings?: string[];
}

/** Collects the one output a command run produces. */
export class OutputSink {
  output: CommandOutput | undefined;
  set(output: CommandOutput): void {
    this.output = output;
  }
}
