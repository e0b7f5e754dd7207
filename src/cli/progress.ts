/**
 * A progress bar on stderr, drawn only when stderr is a terminal.
 *
 * @module
 */
import { env, stderrIsTerminal, writeStderr } from "../runtime/process.ts";

/** A progress callback and a function that clears the bar. */
export function progressBar(): {
  update: (p: { done: number; total: number; what: string }) => void;
  clear: () => Promise<void>;
} {
  if (!stderrIsTerminal() || env("CI") !== undefined) return { update: () => {}, clear: () => Promise.resolve() };
  let drawn = false;
  return {
    update: ({ done, total, what }) => {
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      void writeStderr(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${what}\x1b[K`);
      drawn = true;
    },
    clear: () => (drawn ? writeStderr("\r\x1b[K") : Promise.resolve()),
  };
}
