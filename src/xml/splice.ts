// Byte splicing of parsed XML 1.0 documents (§3.1 tags): edits at known offsets, every other byte copied unchanged.
import { XmlError } from '../errors.js';
import type { XmlElement } from './events.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const encoder = new TextEncoder();

/** Insert `insert` at `at`, replacing the bytes up to `end` (default: nothing replaced). */
export interface Edit {
  readonly at: number;
  readonly end?: number;
  readonly insert: Uint8Array | string;
}

/**
 * Applies non-overlapping edits in one copy. Edits at the same offset keep their order in `edits`.
 * SECURITY: never re-serializes: bytes outside the edits are the caller's bytes, so what was signed stays signed.
 */
export function applyEdits(input: Uint8Array, edits: readonly Edit[]): Uint8Array {
  if (edits.length === 0) return input;
  const sorted = edits.map((e, i) => ({ e, i })).sort((x, y) => x.e.at - y.e.at || x.i - y.i).map((x) => x.e);
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (const e of sorted) {
    const end = e.end ?? e.at;
    if (e.at < pos || end < e.at || end > input.length) throw new RangeError(`overlapping or out-of-range edit at ${e.at}`);
    parts.push(input.subarray(pos, e.at), typeof e.insert === 'string' ? encoder.encode(e.insert) : e.insert);
    pos = end;
  }
  parts.push(input.subarray(pos));
  return concat(...parts);
}

/** Offset just after the `>` of the start tag beginning at `start` (quoted attribute values may hold `>`). */
export function endOfStartTag(input: Uint8Array, start: number): number {
  let quote = 0;
  for (let i = start + 1; i < input.length; i++) {
    const c = input[i]!;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === GT) return i + 1;
  }
  throw new XmlError('XML_MALFORMED', 'unterminated start tag');
}

/** True when the start tag ending just before `tagEnd` is an empty-element tag `<x …/>`. */
export function isEmptyElementTag(input: Uint8Array, tagEnd: number): boolean {
  return input[tagEnd - 2] === SLASH;
}

/**
 * The content of a parsed element as a byte range: `[start, end)` between its start and end tags, and whether it
 * was written as an empty-element tag (`<x/>`, whose content is empty and which has no end tag to keep).
 */
export function contentRange(input: Uint8Array, el: XmlElement): { start: number; end: number; selfClosing: boolean } {
  const start = endOfStartTag(input, el.byteStart);
  if (isEmptyElementTag(input, start)) return { start, end: start, selfClosing: true };
  let end = el.byteEnd - 1;
  while (input[end] !== LT) end--; // the end tag `</name S?>` holds no other '<'
  return { start, end, selfClosing: false };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const x of parts) n += x.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}
