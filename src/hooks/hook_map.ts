/**
 * The hooks plugins can register: one typed map from hook name to handler
 * signature, and each hook's kind in one table the compiler checks for
 * completeness.
 *
 * @module
 */
import type { NewEvent, StoredEvent } from "../model/event.ts";

/** A session as hooks see it. */
export interface HookSession {
  id: string;
  type: string;
  title: string | null;
  /** The session's folder. */
  dir: string;
}

/** What `session:before-start` may change before the first log is written. */
export interface SessionDraft {
  type: string;
  title?: string;
  tags?: string[];
  /** Extra frontmatter keys to record (e.g. git branch, working directory). */
  extra: Record<string, unknown>;
}

/** An event that was written, with where and when (the store's {@linkcode StoredEvent}). */
export type WrittenEvent = StoredEvent;

/** A session cleanup is about to remove or archive, or just did. */
export interface CleanupSubject {
  id: string;
  dir: string;
  lastActivity: string;
  bytes: number;
  action: "remove" | "archive";
  /** Where it was archived to (after an archive). */
  archivedTo?: string;
}

/** What a reindex did. */
export interface ReindexSummary {
  sessions: number;
  events: number;
  files: number;
  seconds: number;
}

/** What a handler may return: a value or a promise of it. */
type Maybe<T> = T | Promise<T>;

/** Every hook: its name and the signature of its handlers. */
export interface HookMap {
  /** Before a session's first log is written: may change its title, tags and extra frontmatter. */
  "session:before-start": (draft: SessionDraft) => Maybe<SessionDraft | undefined>;
  /** A session was created. */
  "session:start": (session: HookSession) => Maybe<void>;
  /** Before an event is written: return a changed event, `undefined` to leave it, or `null` to veto it. */
  "event:before-append": (event: NewEvent, session: HookSession) => Maybe<NewEvent | null | undefined>;
  /** An event was written (it is durable). */
  "event:after-append": (event: WrittenEvent, session: HookSession) => Maybe<void>;
  /** A continuation log was started after compaction. */
  "session:compact": (session: HookSession, info: { file: string; summary: string }) => Maybe<void>;
  /** A session was marked ended. */
  "session:end": (session: HookSession) => Maybe<void>;
  /** Before cleanup removes or archives a session: return `false` to keep it. */
  "session:before-cleanup": (subject: CleanupSubject) => Maybe<boolean | undefined>;
  /** Cleanup removed or archived a session. */
  "session:after-cleanup": (subject: CleanupSubject) => Maybe<void>;
  /** The index was rebuilt from the markdown. */
  "index:after-reindex": (summary: ReindexSummary) => Maybe<void>;
}

/** A hook's name. */
export type HookName = keyof HookMap;

/**
 * How a hook's handlers run:
 * - `parallel`: all at once, results ignored;
 * - `waterfall`: one after another, each may replace the value (or veto it with `null`);
 * - `bail`: one after another, the first `false` vetoes and stops.
 */
export type HookKind = "parallel" | "waterfall" | "bail";

/**
 * Each hook's kind. A hook missing here, or one that is not in the map, fails to
 * compile; the runner's `parallel`, `waterfall` and `bail` accept only hooks of
 * their kind ({@linkcode HookOfKind}), so a veto cannot be dropped by running a
 * waterfall or bail hook in parallel.
 */
export const HOOK_KINDS = {
  "session:before-start": "waterfall",
  "session:start": "parallel",
  "event:before-append": "waterfall",
  "event:after-append": "parallel",
  "session:compact": "parallel",
  "session:end": "parallel",
  "session:before-cleanup": "bail",
  "session:after-cleanup": "parallel",
  "index:after-reindex": "parallel",
} as const satisfies { readonly [K in HookName]: HookKind };

/**
 * The hooks of one kind, read from {@linkcode HOOK_KINDS}.
 *
 * @example
 * ```ts
 * import type { HookOfKind } from "./hook_map.ts";
 * const hook: HookOfKind<"bail"> = "session:before-cleanup";
 * console.assert(hook === "session:before-cleanup");
 * ```
 */
export type HookOfKind<Kind extends HookKind> = {
  [K in HookName]: (typeof HOOK_KINDS)[K] extends Kind ? K : never;
}[HookName];

/** Every hook name, in the order of the table. */
export const HOOK_NAMES = Object.keys(HOOK_KINDS) as HookName[];
