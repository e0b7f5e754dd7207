/**
 * Where the search engine keeps its segments: a small interface with two
 * implementations, SurrealDB (`surreal_storage.ts`, the product) and memory
 * (`memory_storage.ts`, fast tests). The engine never knows which.
 *
 * A segment is immutable once written. What is live is the committed
 * {@linkcode IndexState}: the segment list, the tombstones and the file
 * records, replaced as one unit by {@linkcode IndexStorage.commit} (one
 * SurrealDB transaction), so a crash at any moment leaves the old state or the
 * new one. Segments written but never committed are orphans, swept on open.
 *
 * @module
 */
import type { LogFields } from "../model/session_summary.ts";
import type { LogFacts } from "./search_index_api.ts";
import type { Fingerprint } from "./types.ts";

/** One stored segment: everything needed to search it, kept apart by access pattern. */
export interface StoredSegment {
  /** Unique without coordination (several owners may share a server): a time-ordered random id. */
  id: string;
  /** Documents in the segment, numbered 0 … docCount-1 inside it. */
  docCount: number;
  /** Merge tier: 0 for a flushed tail, n+1 for a merge of tier-n segments. */
  level: number;
  /** Sorted terms and, at the same index, how many of the segment's documents hold each. */
  terms: string[];
  docFreqs: Uint32Array;
  /** Per-document columns, packed by the engine (lengths, times, roles, file numbers, seqs, lines, hashes…). */
  columns: Uint8Array;
  /** The files the columns' file numbers refer to (store-relative paths), and session ids likewise. */
  files: string[];
  sessions: string[];
  /** Packed postings (doc gaps and term frequencies), at the same index as `terms`. */
  postings: Uint8Array[];
  /** The searchable text of each document, for snippets and phrase checks. */
  texts: string[];
}

/** The segment without its postings and texts: what an owner keeps in memory. */
export type SegmentHead = Omit<StoredSegment, "postings" | "texts">;

/** What the index knows about one log file: enough to list sessions and to find what changed on disk. */
export interface FileRecord extends LogFields {
  /** Store-relative path (`sessions/<id>/<log>.md`): the key. */
  file: string;
  /** Events in the file. */
  events: number;
  /** Time of its newest event in ms, or null without events. */
  lastEventMs: number | null;
  fingerprint: Fingerprint;
  /** The session-level facts of the log, for the filters (`cwd`, `project` …). */
  facts: LogFacts;
}

/** The committed state: which segments are live, which of their documents are deleted, which files are indexed. */
export interface IndexState {
  /** Bumped by every commit; a commit names the version it replaces (several owners may share a server). */
  version: number;
  /** The tokenizer's version the segments were built with; a mismatch means rebuild. */
  tokenizer: string;
  segments: string[];
  /** Deleted documents per segment id (sorted local doc numbers). */
  tombstones: Record<string, number[]>;
}

/** One atomic change of the committed state. */
export interface IndexCommit {
  /** The version this commit replaces; the commit fails with `IndexConflictError` if another came first. */
  baseVersion: number;
  state: Omit<IndexState, "version">;
  /** File records to write (replacing any with the same `file`) and to delete, in the same transaction. */
  putFiles: FileRecord[];
  removeFiles: string[];
}

/** The storage behind the engine. Every call is bounded in time by the implementation. */
export interface IndexStorage {
  /** The committed state, or undefined for an empty store. */
  loadState(): Promise<IndexState | undefined>;
  /** Every file record of the committed state. */
  loadFiles(): Promise<FileRecord[]>;
  /** The heads of these segments (no postings, no texts). */
  loadHeads(ids: string[]): Promise<SegmentHead[]>;
  /** Writes a segment; it is invisible until a commit lists it. */
  writeSegment(segment: StoredSegment): Promise<void>;
  /** Replaces the committed state in one transaction. */
  commit(change: IndexCommit): Promise<void>;
  /** Postings of (segment, term index) pairs, in one round trip; missing pairs are left out. */
  readPostings(wanted: { segment: string; term: number }[]): Promise<Map<string, Uint8Array>>;
  /** Texts of (segment, doc) pairs, in one round trip. */
  readTexts(wanted: { segment: string; doc: number }[]): Promise<Map<string, string>>;
  /** Ids of every segment stored, live or not (for sweeping orphans). */
  segmentIds(): Promise<string[]>;
  /** Deletes segments (orphans, or inputs of a merge once the merge is committed). */
  deleteSegments(ids: string[]): Promise<void>;
  /** Deletes everything (before a rebuild). */
  clear(): Promise<void>;
}

/** The key of a (segment, term) or (segment, doc) pair in the maps above. */
export function pairKey(segment: string, n: number): string {
  return `${segment}/${n}`;
}
