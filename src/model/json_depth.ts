/**
 * How deep a JSON value nests, measured without recursion, so that a value
 * nested 40,000 deep is refused with a clear error instead of overflowing the
 * stack of whatever walks it next (`JSON.stringify`, the renderer, plugins).
 *
 * @module
 */

/** Nesting that tool arguments may have: far beyond any real tool's, far below any stack's limit. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests deeper than `limit` objects/arrays (stops counting
 * there, so the cost is bounded by the value's size).
 *
 * @example
 * ```ts
 * import { nestsDeeperThan } from "./json_depth.ts";
 * console.assert(nestsDeeperThan({ a: { b: [1] } }, 2));
 * console.assert(!nestsDeeperThan({ a: { b: 1 } }, 2));
 * ```
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth + 1 > limit) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
