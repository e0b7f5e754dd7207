/**
 * Runs hooks: each handler bounded by a timeout, every failure reported with
 * the plugin's and the hook's name and never passed on to the core. Handlers
 * of a plugin whose own write caused the hook are skipped, so a plugin that
 * writes from inside a hook never triggers itself (nor a ping-pong between two).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { HOOK_KINDS, type HookKind, type HookMap, type HookName, type HookOfKind } from "./hook_map.ts";

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
}

/** Options of {@linkcode HookRunner}. */
export interface HookRunnerOptions {
  /** Bound on each handler, ms (default 5 000). */
  timeoutMs?: number;
  /** Told about each failure (the CLI prints them on stderr). */
  onFailure?: (failure: HookFailure) => void;
}

interface Registration {
  plugin: string;
  handler: (...args: never[]) => unknown;
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

  constructor(options: HookRunnerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#onFailure = options.onFailure ?? (() => {});
  }

  /** Registers `handler` for `hook` on behalf of `plugin`; returns a function that unregisters it. */
  register<K extends HookName>(plugin: string, hook: K, handler: HookMap[K]): () => void {
    if (!(hook in HOOK_KINDS)) {
      throw new TypeError(
        `unknown hook ${JSON.stringify(hook)}: expected one of ${Object.keys(HOOK_KINDS).join(", ")}`,
      );
    }
    if (typeof handler !== "function") throw new TypeError(`the handler for ${hook} must be a function`);
    const registration: Registration = { plugin, handler: handler as Registration["handler"] };
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
    await Promise.all(this.#active(hook).map((r) => this.#call(r, hook, args)));
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
      const outcome = await this.#call(registration, hook, [current, ...rest] as unknown as Parameters<HookMap[K]>);
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
    try {
      const call = asPlugin(
        registration.plugin,
        () => Promise.resolve().then(() => registration.handler(...(args as never[]))),
      );
      const result = await Promise.race([call.then((value) => ({ value })), timeout]);
      if (result === "timeout") {
        call.catch(() => {}); // it may still fail later; nobody is listening any more
        this.#onFailure({
          plugin: registration.plugin,
          hook,
          kind: "timeout",
          message: `did not finish within ${this.#timeoutMs} ms`,
        });
        return { ok: false };
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
