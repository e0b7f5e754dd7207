/**
 * A segment as the engine holds it in memory: its head (terms, document
 * frequencies, columns, files, sessions) and which of its documents are dead.
 * The in-memory tail is a segment too, still growing, whose postings and
 * texts live in memory; flushing builds a {@linkcode StoredSegment} from it
 * and, once committed, the segment drops them and reads from storage instead.
 *
 * @module
 */
import { ColumnsWriter, type DocColumns, type DocRow, internName, packColumns, unpackColumns } from "./doc_columns.ts";
import type { SegmentHead, StoredSegment } from "./index_storage.ts";
import { encodePostings } from "./postings_codec.ts";
import { forEachTerm } from "./tokenizer.ts";

/** A document to add: its searchable text and columns (file and session by name). */
export interface NewDoc {
  text: string;
  row: Omit<DocRow, "length" | "file" | "session"> & { file: string; session: string };
}

/** Postings and texts of a segment still in memory. */
interface InMemory {
  termIndex: Map<string, number>;
  docs: number[][];
  tfs: number[][];
  texts: string[];
  fileIndex: Map<string, number>;
  sessionIndex: Map<string, number>;
}

/** A time-ordered random id: unique without coordination between owners. */
export function newSegmentId(): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${Date.now().toString(36).padStart(9, "0")}-${random[0].toString(36)}${random[1].toString(36)}`;
}

/** One segment: the tail (in memory) or a stored one (head in memory). */
export class Segment {
  readonly id: string;
  level: number;
  columns: DocColumns;
  files: string[];
  sessions: string[];
  /** Stored: sorted. In memory: in order of first sight (see {@linkcode Segment.findTerm}). */
  terms: string[];
  docFreqs: ArrayLike<number>;
  /** 1 for a dead document (tombstone). */
  dead: Uint8Array;
  deadCount = 0;
  /** Sum of the lengths of the live documents. */
  liveLength = 0;
  memory: InMemory | undefined;

  private constructor(id: string, level: number, columns: DocColumns, files: string[], sessions: string[]) {
    this.id = id;
    this.level = level;
    this.columns = columns;
    this.files = files;
    this.sessions = sessions;
    this.terms = [];
    this.docFreqs = [];
    this.dead = new Uint8Array(Math.max(columns.count, 16));
  }

  /** An empty, growing tail. */
  static tail(id = newSegmentId()): Segment {
    const segment = new Segment(id, 0, new ColumnsWriter(), [], []);
    const memory: InMemory = {
      termIndex: new Map(),
      docs: [],
      tfs: [],
      texts: [],
      fileIndex: new Map(),
      sessionIndex: new Map(),
    };
    segment.memory = memory;
    segment.docFreqs = [];
    return segment;
  }

  /** A stored segment from its head, with these documents dead. */
  static fromHead(head: SegmentHead, dead: readonly number[] = []): Segment {
    const columns = unpackColumns(head.columns);
    const segment = new Segment(head.id, head.level, columns, head.files, head.sessions);
    segment.terms = head.terms;
    segment.docFreqs = head.docFreqs;
    for (let doc = 0; doc < columns.count; doc++) segment.liveLength += columns.length[doc];
    for (const doc of dead) segment.kill(doc);
    return segment;
  }

  get docCount(): number {
    return this.columns.count;
  }

  get liveCount(): number {
    return this.columns.count - this.deadCount;
  }

  /** Adds a document to a tail; returns its number. */
  add(doc: NewDoc): number {
    const memory = this.memory;
    if (memory === undefined) throw new Error(`segment ${this.id} is stored: it cannot grow`);
    const number = this.columns.count;
    const docFreqs = this.docFreqs as number[];
    const { termIndex, docs, tfs } = memory;
    let length = 0;
    // One map lookup per term: a term's postings end with this document once it was seen in it.
    forEachTerm(doc.text, (term) => {
      length++;
      let t = termIndex.get(term);
      if (t === undefined) {
        t = this.terms.length;
        this.terms.push(term);
        termIndex.set(term, t);
        docs.push([number]);
        tfs.push([1]);
        docFreqs.push(1);
        return;
      }
      const termDocs = docs[t];
      if (termDocs[termDocs.length - 1] === number) tfs[t][termDocs.length - 1]++;
      else {
        termDocs.push(number);
        tfs[t].push(1);
        docFreqs[t]++;
      }
    });
    (this.columns as ColumnsWriter).add({
      ...doc.row,
      length,
      file: internName(doc.row.file, this.files, memory.fileIndex),
      session: internName(doc.row.session, this.sessions, memory.sessionIndex),
    });
    memory.texts.push(doc.text);
    if (number >= this.dead.length) {
      const grown = new Uint8Array(this.dead.length * 2);
      grown.set(this.dead);
      this.dead = grown;
    }
    this.liveLength += length;
    return number;
  }

  #shortest = -1;

  /** The length of the segment's shortest document, dead or alive (a bound for scoring). */
  shortestLength(): number {
    if (this.#shortest >= 0 && this.memory === undefined) return this.#shortest;
    let shortest = Infinity;
    for (let doc = 0; doc < this.columns.count; doc++) shortest = Math.min(shortest, this.columns.length[doc]);
    this.#shortest = shortest === Infinity ? 0 : shortest;
    return this.#shortest;
  }

  /** Marks a document dead; false when it was already. */
  kill(doc: number): boolean {
    if (doc < 0 || doc >= this.columns.count || this.dead[doc] === 1) return false;
    this.dead[doc] = 1;
    this.deadCount++;
    this.liveLength -= this.columns.length[doc];
    return true;
  }

  /** The dead documents, ascending. */
  deadDocs(): number[] {
    const docs: number[] = [];
    for (let doc = 0; doc < this.columns.count; doc++) if (this.dead[doc] === 1) docs.push(doc);
    return docs;
  }

  /** The number of a term in this segment, or -1. */
  findTerm(term: string): number {
    if (this.memory !== undefined) return this.memory.termIndex.get(term) ?? -1;
    const terms = this.terms;
    let low = 0;
    let high = terms.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = terms[middle];
      if (found === term) return middle;
      if (found < term) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Numbers of the terms starting with `prefix`, at most `limit` (stored segments: in term order). */
  prefixTerms(prefix: string, limit: number): number[] {
    const found: number[] = [];
    if (this.memory !== undefined) {
      for (let t = 0; t < this.terms.length && found.length < limit; t++) {
        if (this.terms[t].startsWith(prefix)) found.push(t);
      }
      return found;
    }
    const terms = this.terms;
    let low = 0;
    let high = terms.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (terms[middle] < prefix) low = middle + 1;
      else high = middle;
    }
    for (let t = low; t < terms.length && found.length < limit && terms[t].startsWith(prefix); t++) found.push(t);
    return found;
  }

  /** Builds what storage keeps of a tail (sorted terms, packed postings and columns). */
  build(level = 0): StoredSegment {
    const memory = this.memory;
    if (memory === undefined) throw new Error(`segment ${this.id} is built already`);
    const order = this.terms.map((_, t) => t).sort((a, b) =>
      this.terms[a] < this.terms[b] ? -1 : this.terms[a] > this.terms[b] ? 1 : 0
    );
    return {
      id: this.id,
      docCount: this.docCount,
      level,
      terms: order.map((t) => this.terms[t]),
      docFreqs: Uint32Array.from(order, (t) => memory.docs[t].length),
      columns: packColumns(this.columns),
      files: [...this.files],
      sessions: [...this.sessions],
      postings: order.map((t) => encodePostings(memory.docs[t], memory.tfs[t])),
      texts: [...memory.texts],
    };
  }

  /** After a tail's segment is committed: drop what now lives in storage and take its sorted terms. */
  settle(stored: StoredSegment): void {
    this.terms = stored.terms;
    this.docFreqs = stored.docFreqs;
    this.level = stored.level;
    this.columns = unpackColumns(stored.columns);
    this.memory = undefined;
  }
}
