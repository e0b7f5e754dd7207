/**
 * Tiered merging: which segments to merge, and merging them into one without
 * their dead documents, reading postings and texts from storage in chunks
 * (awaiting between chunks, so searches are never held up for long).
 *
 * @module
 */
import { ColumnsWriter, rowOf } from "./doc_columns.ts";
import { pairKey } from "./index_storage.ts";
import type { IndexStorage, StoredSegment } from "./index_storage.ts";
import { packColumns } from "./doc_columns.ts";
import { decodePostings, encodePostings } from "./postings_codec.ts";
import { internName } from "./doc_columns.ts";
import { newSegmentId, type Segment } from "./segment.ts";

/** When merges are due. */
export interface MergePolicy {
  /** This many segments of one level merge into one of the next level (default 8). */
  mergeFactor: number;
  /** Above this many segments, the smallest ones merge whatever their level (default 24). */
  maxSegments: number;
  /** A merge never makes a segment of more documents than this (its texts are held in memory while merging; default 131,072). */
  maxMergedDocs: number;
}

/** Postings (or texts) read per round trip while merging. */
const CHUNK = 4_096;
/** At most about this many postings entries are merged between two yields to the event loop. */
const WORK_PER_CHUNK = 200_000;

/** Lets queued events (a query arriving on a socket) run: a resolved promise would not. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The segments to merge next, or undefined when no merge is due: a segment
 * more than half dead (alone, to drop its dead); else, in the lowest level
 * that has `mergeFactor` segments, its smallest ones; else, above
 * `maxSegments`, the smallest of all. A run takes at most `mergeFactor`
 * segments and only as many as keep the result within `maxMergedDocs` live
 * documents (at least two, or there is nothing to merge).
 *
 * @example
 * ```ts
 * import { pickMerge } from "./merge_segments.ts";
 * console.assert(pickMerge([], { mergeFactor: 8, maxSegments: 24, maxMergedDocs: 1e6 }) === undefined);
 * ```
 */
export function pickMerge(segments: readonly Segment[], policy: MergePolicy): Segment[] | undefined {
  const halfDead = segments.find((segment) => segment.deadCount > 0 && segment.deadCount * 2 > segment.docCount);
  if (halfDead !== undefined) return [halfDead];
  const bySize = (a: Segment, b: Segment) => a.liveCount - b.liveCount;
  const run = (candidates: Segment[]): Segment[] | undefined => {
    const picked: Segment[] = [];
    let docs = 0;
    for (const segment of [...candidates].sort(bySize)) {
      if (picked.length >= policy.mergeFactor || docs + segment.liveCount > policy.maxMergedDocs) break;
      picked.push(segment);
      docs += segment.liveCount;
    }
    return picked.length >= 2 ? picked : undefined;
  };
  const levels = [...new Set(segments.map((segment) => segment.level))].sort((a, b) => a - b);
  for (const level of levels) {
    const tier = segments.filter((segment) => segment.level === level);
    if (tier.length < policy.mergeFactor) continue;
    const picked = run(tier);
    if (picked !== undefined) return picked;
  }
  return segments.length > policy.maxSegments ? run([...segments]) : undefined;
}

/** A merged segment and where each input document went (-1: dropped, it was dead). */
export interface Merged {
  stored: StoredSegment;
  remap: Int32Array[];
}

/** Merges `inputs` (stored segments) into one new segment of the next level. */
export async function mergeSegments(inputs: readonly Segment[], storage: IndexStorage): Promise<Merged> {
  // Documents: the live ones of each input, in order.
  const columns = new ColumnsWriter();
  const files: string[] = [];
  const sessions: string[] = [];
  const fileIndex = new Map<string, number>();
  const sessionIndex = new Map<string, number>();
  const remap = inputs.map((input) => new Int32Array(input.docCount).fill(-1));
  const live: { segment: string; doc: number }[] = [];
  inputs.forEach((input, i) => {
    for (let doc = 0; doc < input.docCount; doc++) {
      if (input.dead[doc] === 1) continue;
      remap[i][doc] = columns.add({
        ...rowOf(input.columns, doc),
        file: internName(input.files[input.columns.file[doc]], files, fileIndex),
        session: internName(input.sessions[input.columns.session[doc]], sessions, sessionIndex),
      });
      live.push({ segment: input.id, doc });
    }
  });
  const texts: string[] = [];
  for (let i = 0; i < live.length; i += CHUNK) {
    await yieldToEvents();
    const chunk = live.slice(i, i + CHUNK);
    const found = await storage.readTexts(chunk);
    for (const { segment, doc } of chunk) {
      const text = found.get(pairKey(segment, doc));
      if (text === undefined) throw new Error(`merge: the text of document ${doc} of segment ${segment} is missing`);
      texts.push(text);
    }
  }

  // Terms: the union of the inputs' sorted terms, walked in order, postings read a chunk at a time.
  const cursors = inputs.map(() => 0);
  const terms: string[] = [];
  const docFreqs: number[] = [];
  const postings: Uint8Array[] = [];
  for (;;) {
    const batch: string[] = [];
    const wanted: { segment: string; term: number }[] = [];
    const sources: { input: number; term: number }[][] = [];
    let work = 0;
    while (batch.length < CHUNK && work < WORK_PER_CHUNK) {
      let next: string | undefined;
      inputs.forEach((input, i) => {
        const term = input.terms[cursors[i]];
        if (term !== undefined && (next === undefined || term < next)) next = term;
      });
      if (next === undefined) break;
      const from: { input: number; term: number }[] = [];
      inputs.forEach((input, i) => {
        if (input.terms[cursors[i]] === next) {
          from.push({ input: i, term: cursors[i] });
          wanted.push({ segment: input.id, term: cursors[i] });
          work += input.docFreqs[cursors[i]];
          cursors[i]++;
        }
      });
      batch.push(next);
      sources.push(from);
    }
    if (batch.length === 0) break;
    await yieldToEvents();
    const found = await storage.readPostings(wanted);
    batch.forEach((term, b) => {
      const docs: number[] = [];
      const tfs: number[] = [];
      for (const { input, term: t } of sources[b]) {
        const packed = found.get(pairKey(inputs[input].id, t));
        if (packed === undefined) throw new Error(`merge: postings ${t} of segment ${inputs[input].id} are missing`);
        const decoded = decodePostings(packed);
        for (let i = 0; i < decoded.docs.length; i++) {
          const doc = remap[input][decoded.docs[i]];
          if (doc < 0) continue;
          docs.push(doc);
          tfs.push(decoded.tfs[i]);
        }
      }
      if (docs.length === 0) return;
      terms.push(term);
      docFreqs.push(docs.length);
      postings.push(encodePostings(docs, tfs));
    });
  }
  return {
    stored: {
      id: newSegmentId(),
      docCount: columns.count,
      level: Math.max(...inputs.map((input) => input.level)) + 1,
      terms,
      docFreqs: Uint32Array.from(docFreqs),
      columns: packColumns(columns),
      files,
      sessions,
      postings,
      texts,
    },
    remap,
  };
}
