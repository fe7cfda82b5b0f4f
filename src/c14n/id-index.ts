// The Id index of XMLDSig 1.1 §4.4.3.3 same-document references over wsu:Id (WSS 1.1 §4), Id, ID and xml:id (xml:id 1.0).
import { C14nError } from '../errors.js';
import type { XmlElement } from '../xml/events.js';
import { XML_NAMESPACE } from '../xml/namespace-scope.js';

export const WSU_NAMESPACE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

/** The Id values an element carries, or null. Recognized: `wsu:Id`, unqualified `Id` and `ID`, `xml:id`. */
export function idsOf(el: XmlElement): string[] | null {
  let ids: string[] | null = null;
  const attributes = el.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i]!;
    const local = a.local;
    if (local.length !== 2) continue;
    const uri = a.uri;
    if ((local === 'Id' && (uri === '' || uri === WSU_NAMESPACE)) || (local === 'ID' && uri === '') || (local === 'id' && uri === XML_NAMESPACE)) {
      if (ids === null) ids = [a.value];
      else if (!ids.includes(a.value)) ids.push(a.value);
    }
  }
  return ids;
}

/**
 * Every Id of a document, each mapped to its element (whose `byteStart`/`byteEnd` give its range in the input).
 *
 * SECURITY: an Id value carried by two different elements is refused outright (C14nError `DUPLICATE_ID`), whichever
 * element a reference would pick: duplicate Ids are how signature-wrapping attacks make the verified element and
 * the consumed one differ (xml-security.md §1.4 A1, A12).
 */
export class IdIndex {
  readonly #map = new Map<string, XmlElement>();

  /** Indexes `el`; returns its Id values (or null). Throws on a value already used by another element. */
  add(el: XmlElement): string[] | null {
    const ids = idsOf(el);
    if (ids === null) return null;
    for (const id of ids) {
      const seen = this.#map.get(id);
      if (seen !== undefined && seen !== el) {
        throw new C14nError('DUPLICATE_ID', `duplicate Id ${JSON.stringify(id)} (on ${seen.name} and ${el.name})`);
      }
      this.#map.set(id, el);
    }
    return ids;
  }

  get(id: string): XmlElement | undefined {
    return this.#map.get(id);
  }

  get size(): number {
    return this.#map.size;
  }

  entries(): IterableIterator<[string, XmlElement]> {
    return this.#map.entries();
  }
}
