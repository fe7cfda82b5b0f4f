// Byte splicing of XML 1.0 documents (§2.1 document, §3.1 tags): edits at known offsets, the rest copied unchanged.
import { endOfStartTag, isEmptyElementTag, type Edit } from '../xml/splice.js';

export { applyEdits, endOfStartTag, isEmptyElementTag, type Edit } from '../xml/splice.js';
export { escapeAttribute, escapeText } from '../xml/escape.js';

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
