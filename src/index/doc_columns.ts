/**
 * The per-document columns of a segment: what search filters, scores and
 * shows without reading a document's text, and what `putLog` diffs by.
 * Packed into one byte array for storage: a JSON header of the string tables,
 * then one typed array per column.
 *
 * @module
 */

/** One document's column values, strings not yet interned. */
export interface DocRow {
  /** Terms in the document's text (BM25's document length). */
  length: number;
  /** The event's time in ms (a title's: the log's start); NaN when unknown. */
  time: number;
  role: string;
  sessionType: string;
  /** The tool's name, or "" for none. */
  tool: string;
  /** Numbers into the segment's `files` and `sessions`. */
  file: number;
  session: number;
  /** Position in the file; -1 for a title document. */
  seq: number;
  /** 1-based line of the event in its file. */
  line: number;
  /** {@linkcode eventHash} of the event (for diffing a rewritten log). */
  hash: number;
}

/** Columns of all documents of a segment; strings as numbers into the tables. */
export interface DocColumns {
  count: number;
  length: ArrayLike<number>;
  time: ArrayLike<number>;
  role: ArrayLike<number>;
  sessionType: ArrayLike<number>;
  tool: ArrayLike<number>;
  file: ArrayLike<number>;
  session: ArrayLike<number>;
  seq: ArrayLike<number>;
  line: ArrayLike<number>;
  hash: ArrayLike<number>;
  roles: string[];
  types: string[];
  /** `tools[0]` is "" (no tool). */
  tools: string[];
}

/** Growable columns: the in-memory tail's, and a segment's while it is built. */
export class ColumnsWriter implements DocColumns {
  count = 0;
  length: number[] = [];
  time: number[] = [];
  role: number[] = [];
  sessionType: number[] = [];
  tool: number[] = [];
  file: number[] = [];
  session: number[] = [];
  seq: number[] = [];
  line: number[] = [];
  hash: number[] = [];
  roles: string[] = [];
  types: string[] = [];
  tools: string[] = [""];
  #roleOf = new Map<string, number>();
  #typeOf = new Map<string, number>();
  #toolOf = new Map<string, number>([["", 0]]);

  /** Appends a row; returns its document number. */
  add(row: DocRow): number {
    this.length.push(row.length);
    this.time.push(row.time);
    this.role.push(internName(row.role, this.roles, this.#roleOf));
    this.sessionType.push(internName(row.sessionType, this.types, this.#typeOf));
    this.tool.push(internName(row.tool, this.tools, this.#toolOf));
    this.file.push(row.file);
    this.session.push(row.session);
    this.seq.push(row.seq);
    this.line.push(row.line);
    this.hash.push(row.hash >>> 0);
    return this.count++;
  }
}

/** The number of `name` in `table`, adding it when new (`index` maps names to numbers). */
export function internName(name: string, table: string[], index: Map<string, number>): number {
  let n = index.get(name);
  if (n === undefined) {
    n = table.length;
    table.push(name);
    index.set(name, n);
  }
  return n;
}

/** The string value of a document's column. */
export function rowOf(columns: DocColumns, doc: number): Omit<DocRow, "file" | "session"> {
  return {
    length: columns.length[doc],
    time: columns.time[doc],
    role: columns.roles[columns.role[doc]],
    sessionType: columns.types[columns.sessionType[doc]],
    tool: columns.tools[columns.tool[doc]],
    seq: columns.seq[doc],
    line: columns.line[doc],
    hash: columns.hash[doc],
  };
}

const VERSION = 1;

/**
 * Packs columns into bytes.
 *
 * @example
 * ```ts
 * import { ColumnsWriter, packColumns, unpackColumns } from "./doc_columns.ts";
 * const writer = new ColumnsWriter();
 * writer.add({ length: 3, time: 0, role: "user", sessionType: "chat", tool: "", file: 0, session: 0, seq: 0, line: 9, hash: 7 });
 * console.assert(unpackColumns(packColumns(writer)).line[0] === 9);
 * ```
 */
export function packColumns(columns: DocColumns): Uint8Array {
  const n = columns.count;
  const header = new TextEncoder().encode(
    JSON.stringify({ v: VERSION, n, roles: columns.roles, types: columns.types, tools: columns.tools }),
  );
  const headerEnd = align8(4 + header.length);
  const bytes = new Uint8Array(headerEnd + n * (8 + 4 * 7 + 2 * 2 + 4));
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  let at = headerEnd;
  const put = <T extends Float64Array | Uint32Array | Int32Array | Uint16Array>(
    make: new (length: number) => T,
    values: ArrayLike<number>,
  ) => {
    const typed = new make(n);
    for (let i = 0; i < n; i++) typed[i] = values[i];
    bytes.set(new Uint8Array(typed.buffer), at);
    at += typed.byteLength;
  };
  put(Float64Array, columns.time);
  put(Uint32Array, columns.length);
  put(Uint32Array, columns.tool);
  put(Uint32Array, columns.file);
  put(Uint32Array, columns.session);
  put(Int32Array, columns.seq);
  put(Uint32Array, columns.line);
  put(Uint32Array, columns.hash);
  put(Uint16Array, columns.role);
  put(Uint16Array, columns.sessionType);
  return bytes.slice(0, at);
}

/** Unpacks what {@linkcode packColumns} packed (copies, so every array is aligned). */
export function unpackColumns(bytes: Uint8Array): DocColumns {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  if (header.v !== VERSION) throw new RangeError(`segment columns of version ${header.v}, expected ${VERSION}`);
  const n: number = header.n;
  let at = align8(4 + headerLength);
  const take = <T extends Float64Array | Uint32Array | Int32Array | Uint16Array>(
    make: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
  ): T => {
    const size = n * make.BYTES_PER_ELEMENT;
    const copy = bytes.slice(at, at + size);
    at += size;
    return new make(copy.buffer);
  };
  const time = take(Float64Array);
  const length = take(Uint32Array);
  const tool = take(Uint32Array);
  const file = take(Uint32Array);
  const session = take(Uint32Array);
  const seq = take(Int32Array);
  const line = take(Uint32Array);
  const hash = take(Uint32Array);
  const role = take(Uint16Array);
  const sessionType = take(Uint16Array);
  return {
    count: n,
    length,
    time,
    role,
    sessionType,
    tool,
    file,
    session,
    seq,
    line,
    hash,
    roles: header.roles,
    types: header.types,
    tools: header.tools,
  };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
