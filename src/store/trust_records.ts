/**
 * Trust before code: which files from a store (user plugins, and a store's
 * `config.yaml`) the user has approved, by content hash. The records live in
 * the user's own config folder (`$XDG_CONFIG_HOME/cru/trusted.json`), never in
 * a repository, so a clone cannot trust itself; a changed file is untrusted
 * again until the user looks at it, as direnv does with `.envrc`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { writeAtomically } from "./durable_file.ts";
import { dirname, join, resolve } from "node:path";
import { CruError } from "../model/errors.ts";

/** A file's trust state: trusted as it is now, never trusted, or trusted once but changed since. */
export type TrustState = "trusted" | "untrusted" | "changed";

/** The trust records file in `configDir`. */
export function trustFilePath(configDir: string): string {
  return join(configDir, "trusted.json");
}

/** The sha256 of a file's bytes, hex. */
export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A trust records file that cannot be read as records. */
export class TrustFileError extends CruError {
  constructor(path: string, problem: string) {
    super("trust_file_invalid", `${path}: ${problem} (fix or remove it; it lists the plugins you trusted)`);
  }
}

/**
 * The user's trust records: absolute file path → sha256 of the trusted content.
 *
 * @example
 * ```ts ignore
 * import { TrustRecords } from "./trust_records.ts";
 * const trust = TrustRecords.read("/home/me/.config/cru");
 * trust.trust("/repo/.crucible/plugins/a.ts", new TextEncoder().encode("export default {}"));
 * trust.save();
 * ```
 */
export class TrustRecords {
  readonly configDir: string;
  readonly #files: Map<string, string>;

  private constructor(configDir: string, files: Map<string, string>) {
    this.configDir = configDir;
    this.#files = files;
  }

  /** Reads the records (none when the file does not exist). */
  static read(configDir: string): TrustRecords {
    const path = trustFilePath(configDir);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return new TrustRecords(configDir, new Map());
      throw new TrustFileError(path, `cannot be read (${(error as Error).message.split("\n")[0]})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new TrustFileError(path, "is not valid JSON");
    }
    const files = (data as { files?: unknown })?.files;
    if (typeof files !== "object" || files === null || Array.isArray(files)) {
      throw new TrustFileError(path, 'expected {"files": {"<path>": "<sha256>"}}');
    }
    const map = new Map<string, string>();
    for (const [file, hash] of Object.entries(files)) {
      if (typeof hash === "string" && /^[0-9a-f]{64}$/.test(hash)) map.set(file, hash);
    }
    return new TrustRecords(configDir, map);
  }

  /** The state of `path` whose current bytes are `bytes`. */
  stateOf(path: string, bytes: Uint8Array): TrustState {
    const recorded = this.#files.get(resolve(path));
    if (recorded === undefined) return "untrusted";
    return recorded === contentHash(bytes) ? "trusted" : "changed";
  }

  /** Records `path` as trusted with this content. */
  trust(path: string, bytes: Uint8Array): void {
    this.#files.set(resolve(path), contentHash(bytes));
  }

  /** Forgets `path`; true when it was recorded. */
  untrust(path: string): boolean {
    return this.#files.delete(resolve(path));
  }

  /** Recorded paths, sorted. */
  paths(): string[] {
    return [...this.#files.keys()].sort();
  }

  /** Writes the records atomically, readable by the user alone. */
  save(): void {
    const path = trustFilePath(this.configDir);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const files = Object.fromEntries([...this.#files].sort(([a], [b]) => (a < b ? -1 : 1)));
    writeAtomically(path, `${JSON.stringify({ version: 1, files }, null, 2)}\n`, { mode: 0o600 });
  }
}
