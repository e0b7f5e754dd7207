/**
 * How the watcher imports a transcript that changed: Claude Code and Codex
 * JSONL through a follower that reads only what was added (kept for the most
 * recently changed files), everything else, and every file in a one-pass run,
 * by an import of the whole file. Both add only what is new.
 *
 * @module
 */
import type { Crucible } from "../core/crucible.ts";
import type { ImportReport } from "../import/import_service.ts";
import { FOLLOWED_FORMATS } from "../import/source_follower.ts";
import type { WatchSource } from "./watch_sources.ts";

/** Options of {@linkcode TranscriptImporter}. */
export interface TranscriptImporterOptions {
  /** Follow JSONL files between changes (false: import whole files, as `--once` does). */
  follow: boolean;
  /** Followers kept at most, the least recently changed file's dropped first (default 64). */
  maxFollowed?: number;
}

/**
 * Imports changed transcripts into a store.
 *
 * @example
 * ```ts ignore
 * const importer = new TranscriptImporter(cru, { follow: true });
 * const report = await importer.import("/home/me/.claude/projects/p/s.jsonl", source);
 * ```
 */
export class TranscriptImporter {
  readonly #cru: Crucible;
  readonly #options: TranscriptImporterOptions;
  /** In order of last use, oldest first. */
  readonly #followers = new Map<string, { step(): Promise<ImportReport> }>();

  constructor(cru: Crucible, options: TranscriptImporterOptions) {
    this.#cru = cru;
    this.#options = options;
  }

  /** Imports what is new in `path`. */
  async import(path: string, source: WatchSource): Promise<ImportReport> {
    if (!this.#options.follow || !FOLLOWED_FORMATS.includes(source.format)) {
      return await this.#cru.importSources([path], { from: source.format });
    }
    let follower = this.#followers.get(path);
    if (follower) this.#followers.delete(path);
    else follower = this.#cru.followSource(path, { from: source.format });
    this.#followers.set(path, follower);
    if (this.#followers.size > (this.#options.maxFollowed ?? 64)) {
      this.#followers.delete(this.#followers.keys().next().value!);
    }
    try {
      return await follower.step();
    } catch (error) {
      this.#followers.delete(path);
      throw error;
    }
  }
}
