/**
 * One search over a snapshot of the engine's segments: match, filter, score
 * with exact BM25, keep the top k, cut snippets.
 *
 * BM25's statistics are those of the live documents of all segments (N, the
 * average length, and per term how many live documents hold it), as FTS5
 * keeps them. Each query term is one BM25 term; a phrase scores as its terms;
 * a prefix scores as one term whose frequency is the sum of its expansions'
 * and whose document frequency counts documents holding any of them.
 *
 * @module
 */
import type { SearchHit } from "../model/search_result.ts";
import { formatTimestamp } from "../model/timestamp.ts";
import { bestSnippet } from "./best_snippet.ts";
import { idf, termScore } from "./bm25.ts";
import type { FileRecord } from "./index_storage.ts";
import type { Postings } from "./postings_codec.ts";
import type { ParsedQuery, QueryAtom } from "./query.ts";
import type { IndexFilters, SearchAnswer } from "./search_index_api.ts";
import type { Segment } from "./segment.ts";
import { fileMatches } from "./session_filters.ts";
import { matchesText } from "./text_match.ts";
import { TopK } from "./top_k.ts";

/** At most this many terms a `prefix*` expands to in each segment (the first in term order). */
export const PREFIX_EXPANSION_LIMIT = 512;

/** Search returns this many hits unless told otherwise. */
export const DEFAULT_SEARCH_LIMIT = 20;

/** How a search reaches what is not in the segments' heads. */
export interface SearchSources {
  /** Postings of (segment, term number) pairs; from memory, a cache or storage in one round trip. */
  postings(wanted: { segment: Segment; term: number }[]): Promise<Map<Segment, Map<number, Postings>>>;
  /** Texts of (segment, doc) pairs, in one round trip. */
  texts(wanted: { segment: Segment; doc: number }[]): Promise<Map<Segment, Map<number, string>>>;
  /** The file records, for session-level filters and title hits. */
  records: ReadonlyMap<string, FileRecord>;
}

/** A scoring unit: one BM25 term (a query term, a phrase's term, or a whole prefix). */
interface Unit {
  /** Per segment: the postings of the unit (a prefix's expansions merged). */
  postings: Map<Segment, Postings>;
  idf: number;
}

interface Match {
  segment: Segment;
  doc: number;
  score: number;
  time: number;
  file: string;
  seq: number;
}

const EMPTY: Postings = { docs: new Uint32Array(0), tfs: new Uint32Array(0) };
const TEXT_BATCH = 1_000;

/** Runs `query` over `segments` (committed, pending and the tail). */
export async function runSearch(
  query: ParsedQuery,
  filters: IndexFilters,
  segments: readonly Segment[],
  sources: SearchSources,
): Promise<SearchAnswer> {
  const limit = filters.limit ?? DEFAULT_SEARCH_LIMIT;
  let liveDocs = 0;
  let liveLength = 0;
  for (const segment of segments) {
    liveDocs += segment.liveCount;
    liveLength += segment.liveLength;
  }
  if (liveDocs === 0) return { hits: [], total: 0 };
  const averageLength = liveLength / liveDocs;

  // 1. The postings of every query term in every segment, in one round trip.
  const atoms = [...query.clauses.flat(), ...query.excluded];
  const wanted: { segment: Segment; term: number }[] = [];
  const termNumbers = new Map<Segment, Map<string, number>>();
  const prefixNumbers = new Map<Segment, Map<string, number[]>>();
  for (const segment of segments) {
    const numbers = new Map<string, number>();
    const prefixes = new Map<string, number[]>();
    for (const atom of atoms) {
      for (const term of atomTerms(atom)) {
        if (numbers.has(term)) continue;
        const t = segment.findTerm(term);
        numbers.set(term, t);
        if (t >= 0) wanted.push({ segment, term: t });
      }
      if (atom.kind === "prefix" && !prefixes.has(atom.prefix)) {
        const expansions = segment.prefixTerms(atom.prefix, PREFIX_EXPANSION_LIMIT);
        prefixes.set(atom.prefix, expansions);
        for (const t of expansions) wanted.push({ segment, term: t });
      }
    }
    termNumbers.set(segment, numbers);
    prefixNumbers.set(segment, prefixes);
  }
  const fetched = await sources.postings(wanted);
  const termPostings = (segment: Segment, term: string): Postings => {
    const t = termNumbers.get(segment)!.get(term)!;
    return t >= 0 ? fetched.get(segment)?.get(t) ?? EMPTY : EMPTY;
  };
  const prefixPostings = new Map<Segment, Map<string, Postings>>();
  for (const segment of segments) {
    const merged = new Map<string, Postings>();
    for (const [prefix, numbers] of prefixNumbers.get(segment)!) {
      merged.set(prefix, union(numbers.map((t) => fetched.get(segment)?.get(t) ?? EMPTY)));
    }
    prefixPostings.set(segment, merged);
  }
  const atomPostings = (segment: Segment, atom: QueryAtom): Postings => {
    if (atom.kind === "term") return termPostings(segment, atom.term);
    if (atom.kind === "prefix") return prefixPostings.get(segment)!.get(atom.prefix)!;
    return intersect(atom.terms.map((term) => termPostings(segment, term)));
  };

  // 2. BM25 units and their idf over the live documents.
  const units: Unit[] = [];
  for (const atom of query.clauses.flat()) {
    const parts: ((segment: Segment) => Postings)[] = atom.kind === "phrase"
      ? atom.terms.map((term) => (segment: Segment) => termPostings(segment, term))
      : [(segment: Segment) => atomPostings(segment, atom)];
    for (const part of parts) {
      const postings = new Map<Segment, Postings>();
      let holders = 0;
      for (const segment of segments) {
        const p = part(segment);
        postings.set(segment, p);
        holders += liveIn(p, segment);
      }
      units.push({ postings, idf: idf(liveDocs, holders) });
    }
  }

  // 3. Matching documents per segment, filtered; those that hinge on a phrase are checked on their text.
  const hasPhrase = atoms.some((atom) => atom.kind === "phrase");
  const perSegment: { segment: Segment; docs: number[]; check: Uint8Array }[] = [];
  const toCheck: { segment: Segment; doc: number }[] = [];
  for (const segment of segments) {
    if (segment.liveCount === 0) continue;
    const pass = docFilter(segment, filters, sources.records);
    if (pass === undefined) continue;
    const clauses = query.clauses.map((clause) => clause.map((atom) => atomPostings(segment, atom)));
    const candidates = intersectDocs(clauses.map((clause) => unionDocs(clause)));
    const excluded = query.excluded.map((atom) => atomPostings(segment, atom).docs);
    const docs: number[] = [];
    const check: number[] = [];
    for (const doc of candidates) {
      if (segment.dead[doc] === 1 || !pass(doc)) continue;
      let out = false;
      let unsure = false;
      for (let e = 0; e < excluded.length && !out; e++) {
        if (!contains(excluded[e], doc)) continue;
        if (query.excluded[e].kind === "phrase") unsure = true;
        else out = true;
      }
      if (out) continue;
      if (hasPhrase && !unsure) unsure = clauses.some((clause, c) => needsPhrase(query.clauses[c], clause, doc));
      if (unsure) {
        check.push(docs.length);
        toCheck.push({ segment, doc });
      }
      docs.push(doc);
    }
    const flags = new Uint8Array(docs.length);
    for (const i of check) flags[i] = 1;
    perSegment.push({ segment, docs, check: flags });
  }
  const verified = new Map<Segment, Map<number, string>>();
  for (let i = 0; i < toCheck.length; i += TEXT_BATCH) {
    const texts = await sources.texts(toCheck.slice(i, i + TEXT_BATCH));
    for (const [segment, docs] of texts) {
      let kept = verified.get(segment);
      if (kept === undefined) verified.set(segment, kept = new Map());
      for (const [doc, text] of docs) if (matchesText(query, text)) kept.set(doc, text);
    }
  }

  // 4. Score into a top-k heap; a segment whose best possible score cannot enter is only counted.
  const top = new TopK<Match>(limit, better);
  let total = 0;
  const bounds = perSegment.map(({ segment }) => upperBound(units, segment, averageLength));
  const order = perSegment.map((_, i) => i).sort((a, b) => bounds[b] - bounds[a]);
  for (const i of order) {
    const { segment, docs, check } = perSegment[i];
    const kept = verified.get(segment);
    const countOnly = top.full && bounds[i] < (top.worst?.score ?? Infinity);
    const cursors = new Int32Array(units.length);
    const columns = segment.columns;
    const unitDocs = units.map((unit) => unit.postings.get(segment)!.docs);
    const unitTfs = units.map((unit) => unit.postings.get(segment)!.tfs);
    const unitIdfs = units.map((unit) => unit.idf);
    for (let d = 0; d < docs.length; d++) {
      const doc = docs[d];
      if (check[d] === 1 && !kept?.has(doc)) continue;
      total++;
      if (countOnly) continue;
      const length = columns.length[doc];
      let score = 0;
      for (let u = 0; u < unitDocs.length; u++) {
        const postingDocs = unitDocs[u];
        let at = cursors[u];
        while (at < postingDocs.length && postingDocs[at] < doc) at++;
        cursors[u] = at;
        if (at < postingDocs.length && postingDocs[at] === doc) {
          score += termScore(unitIdfs[u], unitTfs[u][at], length, averageLength);
        }
      }
      if (top.full && score < (top.worst?.score ?? Infinity)) continue;
      top.offer({
        segment,
        doc,
        score,
        time: columns.time[doc],
        file: segment.files[columns.file[doc]],
        seq: columns.seq[doc],
      });
    }
  }

  // 5. Snippets of the kept hits: one more round trip for the texts not read yet.
  const best = top.sorted();
  const missing = best.filter((m) => !verified.get(m.segment)?.has(m.doc));
  const texts = missing.length > 0 ? await sources.texts(missing) : new Map<Segment, Map<number, string>>();
  const isMatch = matcherOf(query);
  const hits = best.map((match) => {
    const text = verified.get(match.segment)?.get(match.doc) ?? texts.get(match.segment)?.get(match.doc) ?? "";
    return hitOf(match, bestSnippet(text, isMatch), sources.records);
  });
  return { hits, total };
}

/** Better first: higher score, then newer, then file and seq (a total order, so ties are stable). */
function better(a: Match, b: Match): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const at = Number.isNaN(a.time) ? -Infinity : a.time;
  const bt = Number.isNaN(b.time) ? -Infinity : b.time;
  if (at !== bt) return at > bt;
  if (a.file !== b.file) return a.file < b.file;
  return a.seq < b.seq;
}

function hitOf(match: Match, snippet: string, records: ReadonlyMap<string, FileRecord>): SearchHit {
  const { segment, doc } = match;
  const columns = segment.columns;
  const role = columns.roles[columns.role[doc]];
  const title = match.seq < 0;
  const record = records.get(match.file);
  const hit: SearchHit = {
    session_id: segment.sessions[columns.session[doc]],
    type: columns.types[columns.sessionType[doc]],
    file: match.file,
    line: columns.line[doc],
    at: title && record !== undefined ? record.started : isoOf(match.time),
    role,
    snippet,
    score: match.score,
  };
  if (!title) hit.seq = match.seq;
  const tool = columns.tools[columns.tool[doc]];
  if (tool !== "") hit.tool = tool;
  return hit;
}

function isoOf(ms: number): string {
  return Number.isFinite(ms) ? formatTimestamp(new Date(ms)) : "";
}

function atomTerms(atom: QueryAtom): string[] {
  return atom.kind === "term" ? [atom.term] : atom.kind === "phrase" ? atom.terms : [];
}

/** Which terms of a text a snippet marks: those the query looks for. */
function matcherOf(query: ParsedQuery): (term: string) => boolean {
  const terms = new Set<string>();
  const prefixes: string[] = [];
  for (const atom of query.clauses.flat()) {
    if (atom.kind === "prefix") prefixes.push(atom.prefix);
    else for (const term of atomTerms(atom)) terms.add(term);
  }
  return (term) => terms.has(term) || prefixes.some((prefix) => term.startsWith(prefix));
}

/** A per-document filter for this segment, or undefined when no document of it can pass. */
function docFilter(
  segment: Segment,
  filters: IndexFilters,
  records: ReadonlyMap<string, FileRecord>,
): ((doc: number) => boolean) | undefined {
  const columns = segment.columns;
  const checks: ((doc: number) => boolean)[] = [];
  const column = (table: string[], values: ArrayLike<number>, wanted: string | undefined): boolean => {
    if (wanted === undefined) return true;
    const n = table.indexOf(wanted);
    if (n < 0) return false;
    checks.push((doc) => values[doc] === n);
    return true;
  };
  if (!column(columns.types, columns.sessionType, filters.type)) return undefined;
  if (!column(columns.roles, columns.role, filters.role)) return undefined;
  if (!column(columns.tools, columns.tool, filters.tool)) return undefined;
  if (!column(segment.sessions, columns.session, filters.session)) return undefined;
  const sessionLevel = filters.tag !== undefined || filters.cwd !== undefined || filters.project !== undefined ||
    filters.branch !== undefined || filters.host !== undefined || filters.model !== undefined ||
    filters.source !== undefined;
  if (sessionLevel) {
    const allowed = segment.files.map((file) => {
      const record = records.get(file);
      return record !== undefined && fileMatches(record, filters);
    });
    if (!allowed.includes(true)) return undefined;
    checks.push((doc) => allowed[columns.file[doc]]);
  }
  const { since, until } = filters;
  if (since !== undefined || until !== undefined) {
    checks.push((doc) => {
      const time = columns.time[doc];
      if (until !== undefined && !(time <= until)) return false;
      if (since === undefined) return true;
      // A title stands for its whole log: it matches when the log reaches into the range.
      const last = columns.seq[doc] < 0 ? records.get(segment.files[columns.file[doc]])?.lastEventMs ?? time : time;
      return last >= since;
    });
  }
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0];
  return (doc) => checks.every((check) => check(doc));
}

/** True when the clause holds for `doc` only through phrase atoms (so the text must confirm it). */
function needsPhrase(clause: QueryAtom[], postings: Postings[], doc: number): boolean {
  let viaPhrase = false;
  for (let a = 0; a < clause.length; a++) {
    if (!contains(postings[a].docs, doc)) continue;
    if (clause[a].kind !== "phrase") return false;
    viaPhrase = true;
  }
  return viaPhrase;
}

/** The best score any document of the segment could reach (tf and length at their extremes). */
function upperBound(units: Unit[], segment: Segment, averageLength: number): number {
  const shortest = segment.shortestLength();
  let bound = 0;
  for (const unit of units) {
    const postings = unit.postings.get(segment)!;
    let maxTf = 0;
    for (let i = 0; i < postings.tfs.length; i++) if (postings.tfs[i] > maxTf) maxTf = postings.tfs[i];
    if (maxTf > 0) bound += termScore(unit.idf, maxTf, shortest, averageLength);
  }
  // Floating-point slack: never skip a segment whose bound ties the heap's worst.
  return bound * (1 + 1e-9);
}

function liveIn(postings: Postings, segment: Segment): number {
  if (segment.deadCount === 0) return postings.docs.length;
  let live = 0;
  for (let i = 0; i < postings.docs.length; i++) if (segment.dead[postings.docs[i]] === 0) live++;
  return live;
}

function contains(docs: Uint32Array, doc: number): boolean {
  let low = 0;
  let high = docs.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = docs[middle];
    if (found === doc) return true;
    if (found < doc) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/** Postings of the documents holding any of `lists`, frequencies summed. */
function union(lists: Postings[]): Postings {
  if (lists.length === 0) return EMPTY;
  if (lists.length === 1) return lists[0];
  let last = 0;
  let sum = 0;
  for (const list of lists) {
    sum += list.docs.length;
    if (list.docs.length > 0) last = Math.max(last, list.docs[list.docs.length - 1]);
  }
  if (sum === 0) return EMPTY;
  // Dense when the documents are many for their range (a prefix's expansions), else sort what there is.
  if (last < sum * 8) {
    const tf = new Uint32Array(last + 1);
    for (const list of lists) for (let i = 0; i < list.docs.length; i++) tf[list.docs[i]] += list.tfs[i];
    let n = 0;
    for (let doc = 0; doc <= last; doc++) if (tf[doc] > 0) n++;
    const docs = new Uint32Array(n);
    const tfs = new Uint32Array(n);
    n = 0;
    for (let doc = 0; doc <= last; doc++) {
      if (tf[doc] === 0) continue;
      docs[n] = doc;
      tfs[n++] = tf[doc];
    }
    return { docs, tfs };
  }
  const tf = new Map<number, number>();
  for (const list of lists) {
    for (let i = 0; i < list.docs.length; i++) tf.set(list.docs[i], (tf.get(list.docs[i]) ?? 0) + list.tfs[i]);
  }
  const docs = Uint32Array.from(tf.keys()).sort();
  return { docs, tfs: Uint32Array.from(docs, (doc) => tf.get(doc)!) };
}

/** Postings of the documents holding all of `lists` (frequencies: the least). */
function intersect(lists: Postings[]): Postings {
  if (lists.length === 0) return EMPTY;
  const docs = intersectDocs(lists.map((list) => list.docs));
  return { docs, tfs: new Uint32Array(docs.length).fill(1) };
}

function unionDocs(lists: Postings[]): Uint32Array {
  if (lists.length === 1) return lists[0].docs;
  return union(lists).docs;
}

function intersectDocs(lists: Uint32Array[]): Uint32Array {
  if (lists.length === 0) return new Uint32Array(0);
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let result = sorted[0];
  for (let l = 1; l < sorted.length && result.length > 0; l++) {
    const other = sorted[l];
    const kept = new Uint32Array(result.length);
    let n = 0;
    let j = 0;
    for (let i = 0; i < result.length; i++) {
      const doc = result[i];
      // Galloping would help for very unequal lists; a linear walk is enough at these sizes.
      while (j < other.length && other[j] < doc) j++;
      if (j < other.length && other[j] === doc) kept[n++] = doc;
    }
    result = kept.subarray(0, n);
  }
  return result;
}
