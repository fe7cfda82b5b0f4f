// XML Encryption 1.0 §3.6 ReferenceList: DataReference URI="#id" entries naming the EncryptedData a key opens.
import { EncryptionError } from '../errors.js';
import type { XmlLimits } from '../xml/limits.js';
import { XENC_NAMESPACE } from './algorithms.js';
import { NCNAME } from './bytes.js';
import { scanDocument } from './scan.js';
import { parseEncryptedKey, parseReferenceList } from './structure.js';

/**
 * A ReferenceList element (as a string) with one DataReference per Id.
 * `declare` (default true) writes the xenc namespace declaration on it; `false` when it goes inside an element
 * that already declares the prefix (an EncryptedKey).
 * @throws EncryptionError `REFERENCE_URI` for an Id that is not an NCName, `ENCRYPTED_KEY_STRUCTURE` for a bad prefix.
 */
export function buildReferenceList(ids: readonly string[], options: { prefix?: string; declare?: boolean } = {}): string {
  const prefix = options.prefix ?? 'xenc';
  if (prefix !== '' && (!NCNAME.test(prefix) || prefix.toLowerCase().startsWith('xml'))) throw new EncryptionError('ENCRYPTED_KEY_STRUCTURE', `invalid prefix ${JSON.stringify(prefix)}`);
  if (ids.length === 0) throw new EncryptionError('REFERENCE_URI', 'a ReferenceList needs at least one reference');
  const p = prefix === '' ? '' : `${prefix}:`;
  let refs = '';
  for (const id of ids) {
    if (!NCNAME.test(id)) throw new EncryptionError('REFERENCE_URI', `Id ${JSON.stringify(id)} is not an NCName`);
    refs += `<${p}DataReference URI="#${id}"/>`;
  }
  const decl = options.declare === false ? '' : ` xmlns${prefix === '' ? '' : `:${prefix}`}="${XENC_NAMESPACE}"`;
  return `<${p}ReferenceList${decl}>${refs}</${p}ReferenceList>`;
}

/** One ReferenceList of a document. */
export interface ReferenceListInfo {
  /** The Ids its DataReference entries name, in order. */
  readonly ids: readonly string[];
  /** The Id of the EncryptedKey it sits in, `null` for a standalone list, undefined for an EncryptedKey without Id. */
  readonly encryptedKeyId: string | null | undefined;
  /** Byte range of the element that holds the list: the ReferenceList itself, or its EncryptedKey. */
  readonly byteStart: number;
  readonly byteEnd: number;
}

/**
 * Every ReferenceList of `input` (a document or a lone ReferenceList / EncryptedKey element): the standalone ones
 * and those inside top-level EncryptedKey elements, in document order.
 * @throws EncryptionError `REFERENCE_URI` (a DataReference other than `#NCName`, a KeyReference),
 *   `ENCRYPTED_KEY_STRUCTURE`; XmlError / C14nError for the input.
 */
export function readReferenceLists(input: Uint8Array, options: { limits?: Partial<XmlLimits> } = {}): ReferenceListInfo[] {
  const scan = scanDocument(input, { limits: options.limits });
  const out: ReferenceListInfo[] = [];
  for (const f of scan.referenceLists) out.push({ ids: parseReferenceList(f.tree), encryptedKeyId: null, byteStart: f.tree.el.byteStart, byteEnd: f.tree.el.byteEnd });
  for (const f of scan.encryptedKeys) {
    const ek = parseEncryptedKey(f.tree, input);
    if (ek.references.length > 0) out.push({ ids: ek.references, encryptedKeyId: ek.id, byteStart: ek.byteStart, byteEnd: ek.byteEnd });
  }
  return out.sort((a, b) => a.byteStart - b.byteStart);
}
