/**
 * cru: sessions recorded as plain markdown, with an index beside them.
 *
 * Markdown is the truth: each session is a folder of logs under
 * `.crucible/sessions/<id>/` that read like a conversation. This module is the
 * library and plugin API; the `cru` binary is built on the same calls.
 * `open` is the one way to open a store (the CLI uses it too); its types are in
 * `types.ts`, re-exported here.
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
export type * from "./types.ts";
export { openCrucible as open } from "./src/core/open_crucible.ts";
export { definePlugin } from "./src/plugin/plugin_definition.ts";
export { HOOK_KINDS, HOOK_NAMES } from "./src/hooks/hook_map.ts";
export { BUILTIN_PLUGINS } from "./plugins/builtin.ts";
export { CleanupIncompleteError } from "./src/core/cleanup.ts";
export { LABELLED_ROLES, ROLES } from "./src/model/role.ts";
export { SESSION_TYPES } from "./src/model/session_type.ts";
export { EVENT_STATUSES } from "./src/model/event_meta.ts";
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
  StoreNotFoundError,
  WaitTimeoutError,
} from "./src/model/errors.ts";
export { parseLog } from "./src/format/parse_log.ts";
export { renderLog } from "./src/format/render_log.ts";
export { parseAge, parseDateFilter } from "./src/model/time_filter.ts";
