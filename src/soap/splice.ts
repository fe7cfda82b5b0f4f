// Byte splicing of XML 1.0 documents (§2.1 document, §3.1 tags): edits at known offsets, the rest copied unchanged.
import { SoapError } from '../errors.js';

/** Insert `insert` at `at`, replacing the bytes up to `end` (default: nothing replaced). */
export interface Edit {
  readonly at: number;
  readonly end?: number;
  readonly insert: Uint8Array | string;
}

const encoder = new TextEncoder();

/**
 * Applies non-overlapping edits in one copy. Edits at the same offset keep their order in `edits`.
 * SECURITY: never re-serializes: bytes outside the edits are the caller's bytes, so what was signed stays signed.
 */
export function applyEdits(input: Uint8Array, edits: readonly Edit[]): Uint8Array {
  if (edits.length === 0) return input;
  const sorted = edits.map((e, i) => ({ e, i })).sort((x, y) => x.e.at - y.e.at || x.i - y.i).map((x) => x.e);
  const parts: Uint8Array[] = [];
  let pos = 0;
  let size = 0;
  for (const e of sorted) {
    const end = e.end ?? e.at;
    if (e.at < pos || end < e.at || end > input.length) throw new RangeError(`overlapping or out-of-range edit at ${e.at}`);
    const head = input.subarray(pos, e.at);
    const ins = typeof e.insert === 'string' ? encoder.encode(e.insert) : e.insert;
    parts.push(head, ins);
    size += head.length + ins.length;
    pos = end;
  }
  const tail = input.subarray(pos);
  parts.push(tail);
  size += tail.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Offset just after the `>` of the start tag beginning at `start` (quoted attribute values may hold `>`). */
export function endOfStartTag(input: Uint8Array, start: number): number {
  let quote = 0;
  for (let i = start + 1; i < input.length; i++) {
    const c = input[i]!;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i + 1;
  }
  throw new SoapError('SOAP_ENVELOPE', 'unterminated start tag');
}

/** True when the start tag ending just before `tagEnd` is an empty-element tag `<x …/>`. */
export function isEmptyElementTag(input: Uint8Array, tagEnd: number): boolean {
  return input[tagEnd - 2] === 0x2f;
}

/** Offset of the `<` of the end tag of an element that ends at `byteEnd` (not an empty-element tag). */
export function startOfEndTag(input: Uint8Array, byteEnd: number): number {
  let at = byteEnd - 1;
  while (at > 0 && input[at] !== 0x3c) at--; // `</name S?>` holds no other '<'
  return at;
}

/** Edits that add `attributes` (already escaped, each ` name="value"`) at the end of a start tag. */
export function addAttributesEdit(input: Uint8Array, elementStart: number, attributes: string): Edit {
  const tagEnd = endOfStartTag(input, elementStart);
  return { at: tagEnd - (isEmptyElementTag(input, tagEnd) ? 2 : 1), insert: attributes };
}

/**
 * Edits that insert `content` as the first or last child of the element at [start, end). An empty-element tag
 * `<x …/>` becomes `<x …>content</x>`, which c14n cannot tell from the original form.
 */
export function insertChildEdits(input: Uint8Array, el: { byteStart: number; byteEnd: number; name: string }, position: 'first' | 'last', content: string): Edit[] {
  const tagEnd = endOfStartTag(input, el.byteStart);
  if (isEmptyElementTag(input, tagEnd)) return [{ at: tagEnd - 2, end: tagEnd, insert: `>${content}</${el.name}>` }];
  return [{ at: position === 'first' ? tagEnd : startOfEndTag(input, el.byteEnd), insert: content }];
}

/** Escapes text content (XML 1.0 §2.4). */
export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Escapes a double-quoted attribute value (XML 1.0 §3.3.3: literal white space would be normalized away). */
export function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}
