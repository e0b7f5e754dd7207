/**
 * Test helper: `test` from node:test, with a timeout fit for tests that spawn
 * cru or an index owner. Bun's default per-test timeout is 5 s, which a loaded
 * 2-core machine exceeds; a test may still pass its own `timeout`.
 */
import { test as nodeTest, type TestContext, type TestOptions } from "node:test";

/** The default timeout of the tests in tests/: generous, still bounded. */
export const SPAWN_TIMEOUT_MS = 240_000;

/** A test's body. */
export type TestFn = (t: TestContext) => void | Promise<void>;

/** As node:test's `test`, with {@linkcode SPAWN_TIMEOUT_MS} unless the options say otherwise. */
export function test(name: string, fn: TestFn): void;
export function test(name: string, options: TestOptions, fn: TestFn): void;
export function test(name: string, options: TestOptions | TestFn, fn?: TestFn): void {
  const [given, body] = typeof options === "function" ? [{}, options] : [options, fn!];
  void nodeTest(name, { timeout: SPAWN_TIMEOUT_MS, ...given }, body);
}
