/**
 * Runs hooks: each handler bounded by a timeout, every failure reported with
 * the plugin's and the hook's name and never passed on to the core. Handlers
 * of a plugin whose own write caused the hook are skipped, so a plugin that
 * writes from inside a hook never triggers itself (nor a ping-pong between two).
 *
 * A plugin whose handler times out once (or blocks the process with synchronous
 * work longer than the timeout) is skipped for the rest of the process, with
 * one warning: a hung hook must not make every later append wait the full bound.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { HOOK_KINDS, type HookKind, type HookMap, type HookName, type HookOfKind } from "./hook_map.ts";
import type { StallGuard } from "../runtime/stall_guard.ts";

/** A hook handler's failure: who, where, what. */
export interface HookFailure {
  plugin: string;
  hook: HookName;
  /** `error` for a throw, `timeout` for a handler that did not finish in time. */
  kind: "error" | "timeout";
  message: string;
}

/** A veto: which plugin said no, on which hook. */
export interface HookVeto {
  plugin: string;
  hook: HookName;
  /** Set when the veto is a fail-closed plugin's failure, not its answer. */
  reason?: string;
}

/** Options of {@linkcode HookRunner}. */
export interface HookRunnerOptions {
  /** Bound on each handler, ms (default 5 000). */
  timeoutMs?: number;
  /** Told about each failure (the CLI prints them on stderr). */
  onFailure?: (failure: HookFailure) => void;
  /**
   * A watchdog that ends the process when plugin code blocks it (a synchronous
   * loop) for twice the bound plus a second: the CLI's answer to what a
   * timeout cannot stop. Programs using the library leave it out.
   */
  stallGuard?: () => StallGuard | undefined;
}

interface Registration {
  plugin: string;
  handler: (...args: never[]) => unknown;
  /** A failure of this handler in a waterfall vetoes instead of being skipped. */
  failClosed: boolean;
}

/** Options of {@linkcode HookRunner.register}. */
export interface RegisterOptions {
  /** When the handler fails or times out in a waterfall, veto (default: skip it and go on). */
  failClosed?: boolean;
}

/** The plugins whose writes led to the code running now (innermost last). */
const causes = new AsyncLocalStorage<readonly string[]>();

/** The plugins whose code led to what runs now (empty outside plugin code). */
export function causingPlugins(): readonly string[] {
  return causes.getStore() ?? [];
}

/** Runs `work` as caused by `plugin` (its own writes must not re-trigger it). */
export function asPlugin<T>(plugin: string, work: () => T): T {
  return causes.run([...(causes.getStore() ?? []), plugin], work);
}

/** The outcome of a waterfall: the final value, or the veto that stopped it. */
export type WaterfallResult<T> = { value: T; veto?: undefined } | { value: null; veto: HookVeto };

/**
 * Holds the registered handlers and runs them.
 *
 * @example
 * ```ts
 * import { HookRunner } from "./hook_runner.ts";
 * const hooks = new HookRunner();
 * hooks.register("shout", "event:before-append", (event) => ({ ...event, content: event.content.toUpperCase() }));
 * const session = { id: "chat-a", type: "chat", title: null, dir: "/tmp" };
 * const { value } = await hooks.waterfall("event:before-append", { role: "user", content: "hi" }, session);
 * console.assert(value?.content === "HI");
 * ```
 */
export class HookRunner {
  readonly #handlers = new Map<HookName, Registration[]>();
  readonly #timeoutMs: number;
  readonly #onFailure: (failure: HookFailure) => void;
  /** Plugins that timed out once: their handlers no longer run in this process. */
  readonly #stalled = new Set<string>();
  readonly #stallGuard: (() => StallGuard | undefined) | undefined;

  constructor(options: HookRunnerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#onFailure = options.onFailure ?? (() => {});
    this.#stallGuard = options.stallGuard;
  }

  /**
   * Runs plugin code (`what` names it) under the stall watchdog, when there is
   * one: if it blocks the process past twice the bound plus a second, the
   * process is ended with a line saying who blocked it.
   */
  async guarded<T>(what: string, work: () => Promise<T>, boundMs = this.#timeoutMs * 2 + 1_000): Promise<T> {
    const guard = this.#stallGuard?.();
    guard?.arm(boundMs, what);
    try {
      return await work();
    } finally {
      guard?.disarm();
    }
  }

  /** Registers `handler` for `hook` on behalf of `plugin`; returns a function that unregisters it. */
  register<K extends HookName>(
    plugin: string,
    hook: K,
    handler: HookMap[K],
    options: RegisterOptions = {},
  ): () => void {
    if (!(hook in HOOK_KINDS)) {
      throw new TypeError(
        `unknown hook ${JSON.stringify(hook)}: expected one of ${Object.keys(HOOK_KINDS).join(", ")}`,
      );
    }
    if (typeof handler !== "function") throw new TypeError(`the handler for ${hook} must be a function`);
    const registration: Registration = {
      plugin,
      handler: handler as Registration["handler"],
      failClosed: options.failClosed === true,
    };
    const list = this.#handlers.get(hook) ?? [];
    list.push(registration);
    this.#handlers.set(hook, list);
    return () => {
      const current = this.#handlers.get(hook) ?? [];
      this.#handlers.set(hook, current.filter((r) => r !== registration));
    };
  }

  /** Names of the hooks `plugin` registered. */
  hooksOf(plugin: string): HookName[] {
    return [...this.#handlers].filter(([, list]) => list.some((r) => r.plugin === plugin)).map(([hook]) => hook);
  }

  /** True when anything is registered for `hook`. */
  has(hook: HookName): boolean {
    return (this.#handlers.get(hook)?.length ?? 0) > 0;
  }

  /** Runs a parallel hook's handlers at once and waits for all (each bounded). */
  async parallel<K extends HookOfKind<"parallel">>(hook: K, ...args: Parameters<HookMap[K]>): Promise<void> {
    expectKind(hook, "parallel");
    await Promise.all(
      this.#active(hook).filter((r) => !this.#stalled.has(r.plugin)).map((r) => this.#call(r, hook, args)),
    );
  }

  /** Runs a waterfall hook: each handler gets the previous one's value; `null` vetoes. */
  async waterfall<K extends HookOfKind<"waterfall">>(
    hook: K,
    value: Parameters<HookMap[K]>[0],
    ...rest: Parameters<HookMap[K]> extends [unknown, ...infer R] ? R : never
  ): Promise<WaterfallResult<Parameters<HookMap[K]>[0]>> {
    expectKind(hook, "waterfall");
    let current = value;
    for (const registration of this.#active(hook)) {
      const { plugin, failClosed } = registration;
      if (this.#stalled.has(plugin)) {
        if (failClosed) return { value: null, veto: { plugin, hook, reason: "it timed out earlier in this command" } };
        continue;
      }
      const outcome = await this.#call(registration, hook, [current, ...rest] as unknown as Parameters<HookMap[K]>);
      if (!outcome.ok && failClosed) return { value: null, veto: { plugin, hook, reason: "it failed" } };
      if (!outcome.ok || outcome.value === undefined) continue;
      if (outcome.value === null) return { value: null, veto: { plugin: registration.plugin, hook } };
      current = outcome.value as typeof current;
    }
    return { value: current };
  }

  /** Runs a bail hook: the first handler returning `false` vetoes. */
  async bail<K extends HookOfKind<"bail">>(hook: K, ...args: Parameters<HookMap[K]>): Promise<HookVeto | undefined> {
    expectKind(hook, "bail");
    for (const registration of this.#active(hook)) {
      if (this.#stalled.has(registration.plugin)) continue;
      const outcome = await this.#call(registration, hook, args);
      if (outcome.ok && outcome.value === false) return { plugin: registration.plugin, hook };
    }
    return undefined;
  }

  /** Handlers to run now: all but those of plugins whose writes caused this. */
  #active(hook: HookName): Registration[] {
    const excluded = causes.getStore() ?? [];
    return (this.#handlers.get(hook) ?? []).filter((r) => !excluded.includes(r.plugin));
  }

  /** Calls one handler, bounded; a failure is reported and comes back as `ok: false`. */
  async #call(
    registration: Registration,
    hook: HookName,
    args: unknown[],
  ): Promise<{ ok: true; value: unknown } | { ok: false }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#timeoutMs);
    });
    const skipped = "; its hooks are skipped for the rest of this command";
    const started = Date.now();
    try {
      const call = asPlugin(
        registration.plugin,
        () => Promise.resolve().then(() => registration.handler(...(args as never[]))),
      );
      const result = await this.guarded(
        `plugin ${registration.plugin} in ${hook}`,
        () => Promise.race([call.then((value) => ({ value })), timeout]),
      );
      if (result === "timeout") {
        call.catch(() => {}); // it may still fail later; nobody is listening any more
        this.#stalled.add(registration.plugin);
        this.#onFailure({
          plugin: registration.plugin,
          hook,
          kind: "timeout",
          message: `did not finish within ${this.#timeoutMs} ms${skipped}`,
        });
        return { ok: false };
      }
      const took = Date.now() - started;
      if (took > this.#timeoutMs) {
        // Synchronous work cannot be interrupted: the timer only fires once it yields. Say so, and stop calling it.
        this.#stalled.add(registration.plugin);
        this.#onFailure({
          plugin: registration.plugin,
          hook,
          kind: "timeout",
          message: `blocked the process for ${took} ms (bound ${this.#timeoutMs} ms)${skipped}`,
        });
      }
      return { ok: true, value: result.value };
    } catch (error) {
      this.#onFailure({
        plugin: registration.plugin,
        hook,
        kind: "error",
        message: (error as Error)?.message ?? String(error),
      });
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The compiler already keeps typed callers to their hook's kind; this keeps untyped (JavaScript) callers to it too. */
function expectKind(hook: HookName, kind: HookKind): void {
  if (HOOK_KINDS[hook] !== kind) {
    throw new TypeError(`${hook} is a ${HOOK_KINDS[hook] ?? "unknown"} hook: it cannot be run as a ${kind} hook`);
  }
}
