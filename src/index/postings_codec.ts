/**
 * Postings, packed: for one term of one segment, the documents holding it
 * (ascending) and how often. Stored as LEB128 varints: the count, then per
 * document the gap from the previous one and the term frequency.
 *
 * @module
 */

/** Decoded postings: `docs[i]` holds the term `tfs[i]` times. */
export interface Postings {
  docs: Uint32Array;
  tfs: Uint32Array;
}

/**
 * Packs postings; `docs` must be ascending and `tfs` ≥ 1.
 *
 * @example
 * ```ts
 * import { decodePostings, encodePostings } from "./postings_codec.ts";
 * const bytes = encodePostings([3, 4, 300], [1, 2, 1]);
 * console.assert([...decodePostings(bytes).docs].join() === "3,4,300");
 * ```
 */
export function encodePostings(docs: ArrayLike<number>, tfs: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(5 + docs.length * 10);
  let at = writeVarint(out, 0, docs.length);
  let previous = 0;
  for (let i = 0; i < docs.length; i++) {
    at = writeVarint(out, at, docs[i] - previous);
    at = writeVarint(out, at, tfs[i]);
    previous = docs[i];
  }
  return out.slice(0, at);
}

/** Unpacks what {@linkcode encodePostings} packed. */
export function decodePostings(bytes: Uint8Array): Postings {
  let at = 0;
  const count = readVarint(bytes, at);
  at = varintEnd;
  const docs = new Uint32Array(count);
  const tfs = new Uint32Array(count);
  let doc = 0;
  for (let i = 0; i < count; i++) {
    doc += readVarint(bytes, at);
    at = varintEnd;
    docs[i] = doc;
    tfs[i] = readVarint(bytes, at);
    at = varintEnd;
  }
  return { docs, tfs };
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** Where the last {@linkcode readVarint} stopped (saves an allocation per number). */
let varintEnd = 0;

function readVarint(bytes: Uint8Array, at: number): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (at >= bytes.length) throw new RangeError("postings end inside a number");
    const byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
    scale *= 128;
  }
  varintEnd = at;
  return value;
}
