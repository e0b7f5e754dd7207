/**
 * Error classes of cru. Each condition has its own class and a stable `code`
 * that scripts and the CLI rely on; messages quote the offending value and say
 * what was expected.
 *
 * @module
 */

/** Base class of every error cru throws on purpose. */
export class CruError extends Error {
  /** A stable, machine-readable name for the condition. */
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The caller passed a value that can never work: an unknown role or type, bad
 * JSON, an id that looks like a path. The CLI maps it to exit code 2.
 *
 * @example
 * ```ts
 * import { InvalidInputError } from "./errors.ts";
 * const error = new InvalidInputError("role", "bogus", "one of user, assistant");
 * console.assert(error.message === 'invalid role "bogus": expected one of user, assistant');
 * ```
 */
export class InvalidInputError extends CruError {
  /** Which input was wrong (`role`, `--args`, `session id` …). */
  readonly input: string;
  constructor(input: string, value: string, expected: string) {
    // A huge value (a pasted file, JSON nested 40,000 deep) is quoted by its start: the message stays one short line.
    const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    super("invalid_input", `invalid ${input} ${JSON.stringify(shown)}: expected ${expected}`);
    this.input = input;
  }

  /** The error for an input that may hold a secret (text, tool arguments): its value is not repeated. */
  static withheld(input: string, expected: string): InvalidInputError {
    const error = new InvalidInputError(input, "", expected);
    error.message = `invalid ${input} (not repeated here: it may hold a secret): expected ${expected}`;
    return error;
  }
}

/** No session with this id exists in the store. */
export class SessionNotFoundError extends CruError {
  readonly id: string;
  constructor(id: string, where: string) {
    super("session_not_found", `session ${JSON.stringify(id)} not found in ${where}`);
    this.id = id;
  }
}

/** No store at the folder a read was pointed at: reading creates nothing, so there is nothing to read. */
export class StoreNotFoundError extends CruError {
  readonly dir: string;
  constructor(dir: string) {
    super(
      "store_not_found",
      `no cru store at ${dir}: nothing to read (a store is made by the first write, e.g. cru session new)`,
    );
    this.dir = dir;
  }
}

/** Every event of a write was vetoed by a plugin: nothing was written. */
export class EventVetoedError extends CruError {
  readonly plugin: string;
  constructor(plugin: string, sessionId: string, reason?: string) {
    super(
      "event_vetoed",
      reason
        ? `not written: plugin ${plugin} must check everything written and ${reason}; ` +
          `refused for ${sessionId} rather than written unchecked`
        : `not written: plugin ${plugin} vetoed the event for ${sessionId}`,
    );
    this.plugin = plugin;
  }
}

/** A session with this id exists already (creating one with a given id). */
export class SessionExistsError extends CruError {
  readonly id: string;
  constructor(id: string, where?: string) {
    super("session_exists", `session ${JSON.stringify(id)} exists already${where === undefined ? "" : ` in ${where}`}`);
    this.id = id;
  }
}

/** A file the caller named does not exist or cannot be read. */
export class FileNotFoundError extends CruError {
  readonly path: string;
  constructor(path: string, what = "file") {
    super("file_not_found", `${what} ${JSON.stringify(path)} not found or not readable`);
    this.path = path;
  }
}

/** A bounded wait ran out; the message says what was waited for. */
export class WaitTimeoutError extends CruError {
  constructor(what: string, ms: number) {
    super("wait_timeout", `gave up after ${ms} ms waiting for ${what}`);
  }
}

/** A session is in a state that forbids the operation (e.g. appending after `end`). */
export class SessionStateError extends CruError {
  constructor(message: string) {
    super("session_state", message);
  }
}

/**
 * Another process holds the embedded index's lock (RocksDB allows one process
 * per store). The event is still recorded in the markdown; the index catches
 * up when it is free again.
 *
 * @example
 * ```ts
 * import { IndexBusyError } from "./errors.ts";
 * const error = new IndexBusyError("/home/me/.crucible/index");
 * console.assert(error.code === "index_busy");
 * ```
 */
export class IndexBusyError extends CruError {
  /** The folder of the index that is held. */
  readonly path: string;
  constructor(path: string, options?: ErrorOptions) {
    super(
      "index_busy",
      `index ${JSON.stringify(path)} is busy: another process holds its lock; try again when it is done`,
      options,
    );
    this.path = path;
  }
}

/**
 * The index cannot be opened or used: a dead server, bad credentials, a
 * corrupt store. The markdown stays the truth; the index can be rebuilt.
 */
export class IndexUnavailableError extends CruError {
  /** The index URL, without credentials. */
  readonly url: string;
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super("index_unavailable", `index ${JSON.stringify(url)} is unavailable: ${reason}`, options);
    this.url = url;
  }
}

/**
 * An id prefix matches more than one session. The CLI maps it to exit code 2
 * and names the candidates.
 *
 * @example
 * ```ts
 * import { AmbiguousSessionIdError } from "./errors.ts";
 * const error = new AmbiguousSessionIdError("chat-2024", ["chat-20240115-a", "chat-20240116-b"]);
 * console.assert(error.message.includes("chat-20240116-b"));
 * ```
 */
export class AmbiguousSessionIdError extends InvalidInputError {
  /** Every session the prefix matches, oldest first. */
  readonly candidates: string[];
  constructor(prefix: string, candidates: string[]) {
    super("session id", prefix, "a unique prefix");
    const shown = candidates.slice(0, 10).join(", ");
    const more = candidates.length > 10 ? ` and ${candidates.length - 10} more` : "";
    this.message = `session id ${JSON.stringify(prefix)} is ambiguous: it matches ${shown}${more}`;
    this.candidates = candidates;
  }
}

/**
 * A file is not in the format it was read as. The message names the file and line.
 *
 * @example
 * ```ts
 * import { SourceFormatError } from "./errors.ts";
 * const error = new SourceFormatError("a.md", 3, "not an aider chat history");
 * console.assert(error.message === "a.md:3: not an aider chat history");
 * ```
 */
export class SourceFormatError extends CruError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super("source_format", `${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}
