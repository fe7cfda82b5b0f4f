// XML 1.0 byte splices (src/xml/splice.ts) with offset arithmetic: where a byte of the input lands once edits are applied.
import type { Edit } from '../xml/splice.js';

const encoder = new TextEncoder();

/** The same edits with every insert as UTF-8 bytes, so that lengths are byte lengths. */
export function byteEdits(edits: readonly Edit[]): Edit[] {
  return edits.map((e) => (typeof e.insert === 'string' ? { ...e, insert: encoder.encode(e.insert) } : e));
}

const delta = (e: Edit): number => (e.insert as Uint8Array).length - ((e.end ?? e.at) - e.at);

/**
 * The offset, in the output of applyEdits(input, edits), of the input byte at `p`: edits that end at or before `p`
 * (insertions at `p` included, which applyEdits places before that byte) shift it. `edits` must be byteEdits.
 */
export function mapOffset(edits: readonly Edit[], p: number): number {
  let out = p;
  for (const e of edits) if ((e.end ?? e.at) <= p) out += delta(e);
  return out;
}

/** The offset in the output where the insert of `target` (one of `edits`, byteEdits) begins, in applyEdits' order. */
export function insertOffset(edits: readonly Edit[], target: Edit): number {
  const index = edits.indexOf(target);
  let out = target.at;
  edits.forEach((e, i) => {
    if (e.at < target.at || (e.at === target.at && i < index)) out += delta(e);
  });
  return out;
}
