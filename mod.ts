/**
 * cru: sessions recorded as plain markdown, with an index beside them.
 *
 * Markdown is the truth: each session is a folder of logs under
 * `.crucible/sessions/<id>/` that read like a conversation. This module is the
 * library and plugin API; the `cru` binary is built on the same calls.
 *
 * @example
 * ```ts ignore
 * import { open } from "./mod.ts";
 *
 * const cru = open({ dir: ".crucible" });
 * const session = await cru.openSession({ type: "chat", title: "Project Alpha" });
 * await session.say("user", "Find all notes tagged #project");
 * await session.tool("search_by_tags", { tags: ["project"] }, "Found 12 notes.");
 * await session.say("assistant", "Here is the summary…");
 * const { sessions } = await cru.list({ type: "chat" });
 * ```
 *
 * @module
 */
import { Crucible, type OpenOptions } from "./src/core/crucible.ts";
import { BUILTIN_PLUGINS } from "./plugins/builtin.ts";

export { Crucible } from "./src/core/crucible.ts";
export type {
  AppendReceipt,
  DeleteReport,
  NewSessionOptions,
  OpenOptions,
  ReindexReport,
  SearchHit,
  SessionFilters,
  SessionListing,
  SessionView,
} from "./src/core/crucible.ts";
export { definePlugin } from "./src/plugin/plugin_definition.ts";
export type {
  PluginContext,
  PluginDefinition,
  PluginSearchHit,
  PluginSession,
} from "./src/plugin/plugin_definition.ts";
export type { PluginInfo } from "./src/plugin/plugin_host.ts";
export type {
  CleanupSubject,
  HookKind,
  HookMap,
  HookName,
  HookSession,
  ReindexSummary,
  SessionDraft,
  WrittenEvent,
} from "./src/hooks/hook_map.ts";
export { HOOK_KINDS, HOOK_NAMES } from "./src/hooks/hook_map.ts";
export type { HookVeto } from "./src/hooks/hook_runner.ts";
export { BUILTIN_PLUGINS } from "./plugins/builtin.ts";
export { CleanupIncompleteError } from "./src/core/cleanup.ts";
export type { CleanupCandidate, CleanupOptions, CleanupReport } from "./src/core/cleanup.ts";
export type { ImportOptions, ImportReport } from "./src/core/import_sessions.ts";
export { SessionHandle } from "./src/core/session_handle.ts";
export type { StoredEvent, WriteReceipt } from "./src/store/session_store.ts";
export type { EventMeta, EventStatus, NewEvent, SessionEvent, TokenUsage, ToolArgs } from "./src/model/event.ts";
export { EVENT_STATUSES } from "./src/model/event_meta.ts";
export type { SessionFacts } from "./src/model/session_facts.ts";
export { projectName, sessionFacts } from "./src/model/session_facts.ts";
export type { StatsOptions, StatsReport, StatsRow, StatsTotals, TokenTotals } from "./src/core/session_stats.ts";
export type { LabelledRole, Role } from "./src/model/role.ts";
export { LABELLED_ROLES, ROLES } from "./src/model/role.ts";
export type { SessionType } from "./src/model/session_type.ts";
export { SESSION_TYPES } from "./src/model/session_type.ts";
export type { Log, LogMeta, ParseWarning } from "./src/model/log.ts";
export {
  AmbiguousSessionIdError,
  CruError,
  EventVetoedError,
  FileNotFoundError,
  IndexBusyError,
  IndexUnavailableError,
  InvalidInputError,
  SessionExistsError,
  SessionNotFoundError,
  SessionStateError,
  WaitTimeoutError,
} from "./src/model/errors.ts";
export { parseLog } from "./src/format/parse_log.ts";
export type { ParsedLog, ParseLogOptions } from "./src/format/parse_log.ts";
export { renderLog } from "./src/format/render_log.ts";
export { parseAge, parseDateFilter } from "./src/model/time_filter.ts";

/**
 * Opens a store: `options.dir`, else `CRU_DIR`, else the nearest `.crucible/`
 * above the current folder, else `~/.crucible` (created on first write).
 * The built-in plugins run unless `options.plugins` says otherwise; user
 * plugins from `.crucible/plugins/` load unless `options.userPlugins` is false.
 *
 * @example
 * ```ts ignore
 * import { open } from "./mod.ts";
 * const cru = open();
 * console.log(cru.root);
 * ```
 */
export function open(options: OpenOptions = {}): Crucible {
  return Crucible.open({ plugins: BUILTIN_PLUGINS, ...options });
}
