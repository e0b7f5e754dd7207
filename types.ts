/**
 * cru's public types, in one place: what the library returns and takes, what a
 * plugin sees, the hooks. `mod.ts` re-exports all of them; first-party plugins
 * import their types from here, so nothing under `plugins/` imports `mod.ts`
 * (which loads them) and there is no circle between the two.
 *
 * This module holds types only: it is erased at run time.
 *
 * @module
 */
export type {
  EventMeta,
  EventStatus,
  NewEvent,
  SessionEvent,
  StoredEvent,
  TokenUsage,
  ToolArgs,
} from "./src/model/event.ts";
export type { SessionFacts } from "./src/model/session_facts.ts";
export type { WriteReceipt } from "./src/model/write_receipt.ts";
export type { LabelledRole, Role } from "./src/model/role.ts";
export type { SessionType } from "./src/model/session_type.ts";
export type { Log, LogMeta, ParseWarning } from "./src/model/log.ts";
export type { SearchHit, SessionSummary } from "./src/model/search_result.ts";
export type {
  CleanupSubject,
  HookKind,
  HookMap,
  HookName,
  HookOfKind,
  HookSession,
  ReindexSummary,
  SessionDraft,
  WrittenEvent,
} from "./src/hooks/hook_map.ts";
export type { HookVeto } from "./src/hooks/hook_runner.ts";
export type {
  PluginContext,
  PluginDefinition,
  PluginSearchHit,
  PluginSession,
} from "./src/plugin/plugin_definition.ts";
export type { PluginInfo } from "./src/plugin/plugin_host.ts";
export type { ParsedLog, ParseLogOptions } from "./src/format/parse_log.ts";
export type {
  AppendReceipt,
  Crucible,
  DeleteReport,
  NewSessionOptions,
  ReindexReport,
  SessionFilters,
  SessionListing,
  SessionView,
} from "./src/core/crucible.ts";
export type { OpenOptions } from "./src/core/open_crucible.ts";
export type { SessionHandle } from "./src/core/session_handle.ts";
export type { CleanupCandidate, CleanupOptions, CleanupReport } from "./src/core/cleanup.ts";
export type { ImportOptions, ImportReport } from "./src/import/import_service.ts";
export type { StatsOptions, StatsReport, StatsRow, StatsTotals, TokenTotals } from "./src/core/session_stats.ts";
