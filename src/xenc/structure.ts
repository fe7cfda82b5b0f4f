// XML Encryption 1.0 §3.1 EncryptedType, §3.2 EncryptionMethod, §3.3 CipherData, §3.5 EncryptedKey: shape checks.
import { attribute, elementChildren, type TreeElement, type TreeNode } from '../dsig/tree.js';
import { EncryptionError } from '../errors.js';
import { aesCbcByUri, DSIG_NAMESPACE, RSA_OAEP_MGF1P, SHA1_DIGEST, XENC_NAMESPACE, type AesCbcAlgorithm } from './algorithms.js';
import { contentRange, NCNAME } from './bytes.js';

/** What a key resolver learns about a ds:KeyInfo: its bytes and the two forms WS-Security uses to name a key. */
export interface KeyInfoSummary {
  /** The ds:KeyInfo element's bytes as they appear in the document (its namespace context is the document's). */
  readonly bytes: Uint8Array;
  /** The text of a ds:KeyName child, if any. */
  readonly keyName: string | undefined;
  /** The URI attributes of `Reference` elements inside it (e.g. a wsse:SecurityTokenReference to `#_dk1`). */
  readonly referenceUris: readonly string[];
  /** The `KeyIdentifier` texts inside it (e.g. an EncryptedKeySHA1 or thumbprint reference). */
  readonly keyIdentifiers: readonly string[];
  /** An xenc:EncryptedKey it carries (the key wrapped inside this EncryptedData), if any. */
  readonly encryptedKey: ParsedEncryptedKey | undefined;
}

/** The public facts of one EncryptedData, read before anything is decrypted. */
export interface EncryptedDataInfo {
  /** The Id attribute, if any. */
  readonly id: string | undefined;
  /** The Type URI, if any (`…xmlenc#Element`, `…xmlenc#Content`, or something else). */
  readonly type: string | undefined;
  readonly mimeType: string | undefined;
  readonly algorithm: AesCbcAlgorithm;
  readonly keyInfo: KeyInfoSummary | undefined;
  /** Byte range of the EncryptedData element in the input. */
  readonly byteStart: number;
  readonly byteEnd: number;
}

export interface ParsedEncryptedData extends EncryptedDataInfo {
  readonly cipherValue: string;
  /** The CipherValue's content as it stands in the input (its text, unless it holds references or CR LF). */
  readonly cipherValueBytes: Uint8Array;
}

export interface ParsedEncryptedKey {
  readonly id: string | undefined;
  readonly recipient: string | undefined;
  readonly keyInfo: KeyInfoSummary | undefined;
  readonly cipherValue: string;
  /** OAEPparams (the OAEP label), base64 text, if present. */
  readonly oaepParams: string | undefined;
  /** Ids named by the DataReference entries of its ReferenceList, in order. */
  readonly references: readonly string[];
  readonly carriedKeyName: string | undefined;
  readonly byteStart: number;
  readonly byteEnd: number;
}

function refuse(code: string, message: string): never {
  throw new EncryptionError(code, message);
}

const isXenc = (e: TreeElement, local: string): boolean => e.el.uri === XENC_NAMESPACE && e.el.local === local;
const isDsig = (e: TreeElement, local: string): boolean => e.el.uri === DSIG_NAMESPACE && e.el.local === local;

/** Element children, refusing non-whitespace text among them (comments and PIs between children are ignored). */
function children(node: TreeElement, code: string): TreeElement[] {
  for (const c of node.children) {
    if (c.type === 'text' && !/^[ \t\r\n]*$/.test(c.value)) refuse(code, `unexpected text inside ${node.el.name}`);
  }
  return elementChildren(node);
}

/** SECURITY: a value element holds text only: a comment would split it, a child element would hide part of it (A5). */
export function textOnly(node: TreeElement, code: string): string {
  let out = '';
  for (const c of node.children as TreeNode[]) {
    if (c.type !== 'text') refuse(code, `${node.el.name} must contain text only`);
    out += c.value;
  }
  return out;
}

function idOf(node: TreeElement, code: string): string | undefined {
  const id = attribute(node, 'Id');
  if (id !== undefined && !NCNAME.test(id)) refuse(code, `Id ${JSON.stringify(id)} is not an NCName`);
  return id;
}

export function summarizeKeyInfo(node: TreeElement, input: Uint8Array): KeyInfoSummary {
  let keyName: string | undefined;
  const referenceUris: string[] = [];
  const keyIdentifiers: string[] = [];
  let encryptedKey: ParsedEncryptedKey | undefined;
  const walk = (n: TreeElement): void => {
    for (const c of elementChildren(n)) {
      if (isDsig(c, 'KeyName') && keyName === undefined && n === node) keyName = textOnly(c, 'ENCRYPTED_DATA_STRUCTURE').trim();
      else if (c.el.local === 'Reference') {
        const uri = attribute(c, 'URI');
        if (uri !== undefined) referenceUris.push(uri);
      } else if (c.el.local === 'KeyIdentifier') keyIdentifiers.push(textOnly(c, 'ENCRYPTED_DATA_STRUCTURE').trim());
      else if (isXenc(c, 'EncryptedKey')) encryptedKey ??= parseEncryptedKey(c, input);
      if (!isXenc(c, 'EncryptedKey')) walk(c);
    }
  };
  walk(node);
  return { bytes: input.subarray(node.el.byteStart, node.el.byteEnd), keyName, referenceUris, keyIdentifiers, encryptedKey };
}

/** The CipherValue element of a CipherData element. CipherReference (fetching ciphertext from a URI) is refused. */
function cipherValueOf(cipherData: TreeElement, code: string): TreeElement {
  const kids = children(cipherData, code);
  if (kids.length !== 1 || !isXenc(kids[0]!, 'CipherValue')) {
    refuse(code, kids.some((k) => isXenc(k, 'CipherReference')) ? 'CipherReference is not supported' : 'CipherData must hold one CipherValue');
  }
  return kids[0]!;
}

/**
 * Reads an EncryptedData (§3.4): EncryptionMethod, ds:KeyInfo?, CipherData, EncryptionProperties?.
 * SPEC: EncryptionMethod is optional in §3.1; wssc requires it, so that the algorithm is never guessed.
 * @throws EncryptionError `ENCRYPTED_DATA_STRUCTURE` or `ALGORITHM_NOT_SUPPORTED`.
 */
export function parseEncryptedData(node: TreeElement, input: Uint8Array): ParsedEncryptedData {
  const code = 'ENCRYPTED_DATA_STRUCTURE';
  const id = idOf(node, code);
  const kids = children(node, code);
  let i = 0;
  const method = kids[i];
  if (method === undefined || !isXenc(method, 'EncryptionMethod')) refuse(code, 'EncryptedData must start with EncryptionMethod');
  i++;
  const uri = attribute(method, 'Algorithm');
  const algorithm = uri === undefined ? undefined : aesCbcByUri(uri);
  if (algorithm === undefined) refuse('ALGORITHM_NOT_SUPPORTED', `encryption algorithm ${JSON.stringify(uri ?? '')} is not supported (AES-CBC only)`);
  // SPEC: §5.2 block ciphers take no parameters; a KeySize or anything else here is not ours to interpret.
  if (children(method, code).length > 0) refuse(code, 'EncryptionMethod of a block cipher takes no child elements');
  let keyInfo: KeyInfoSummary | undefined;
  if (kids[i] !== undefined && isDsig(kids[i]!, 'KeyInfo')) keyInfo = summarizeKeyInfo(kids[i++]!, input);
  const cipherData = kids[i++];
  if (cipherData === undefined || !isXenc(cipherData, 'CipherData')) refuse(code, 'EncryptedData has no CipherData');
  const cipherValueElement = cipherValueOf(cipherData, code);
  const cipherValue = textOnly(cipherValueElement, code);
  if (kids[i] !== undefined && isXenc(kids[i]!, 'EncryptionProperties')) i++;
  if (i !== kids.length) refuse(code, `unexpected ${kids[i]!.el.name} in EncryptedData`);
  const content = contentRange(input, cipherValueElement.el);
  return {
    id,
    type: attribute(node, 'Type'),
    mimeType: attribute(node, 'MimeType'),
    algorithm,
    keyInfo,
    cipherValue,
    cipherValueBytes: input.subarray(content.start, content.end),
    byteStart: node.el.byteStart,
    byteEnd: node.el.byteEnd,
  };
}

/**
 * Reads a ReferenceList (§3.6): DataReference entries with `URI="#id"`, returned as Ids.
 * SECURITY: only same-document `#NCName` references; KeyReference entries are refused (wssc encrypts no keys
 * with other keys it would have to find).
 */
export function parseReferenceList(node: TreeElement): string[] {
  const ids: string[] = [];
  for (const ref of children(node, 'ENCRYPTED_KEY_STRUCTURE')) {
    if (!isXenc(ref, 'DataReference')) refuse('REFERENCE_URI', `${ref.el.name} in a ReferenceList is not supported (DataReference only)`);
    const uri = attribute(ref, 'URI') ?? '';
    if (!uri.startsWith('#') || !NCNAME.test(uri.slice(1))) refuse('REFERENCE_URI', `DataReference URI ${JSON.stringify(uri)} is not #NCName`);
    ids.push(uri.slice(1));
  }
  return ids;
}

/**
 * Reads an EncryptedKey (§3.5): EncryptionMethod (RSA-OAEP-MGF1P), ds:KeyInfo?, CipherData, EncryptionProperties?,
 * ReferenceList?, CarriedKeyName?.
 * @throws EncryptionError `ENCRYPTED_KEY_STRUCTURE` or `ALGORITHM_NOT_SUPPORTED`.
 */
export function parseEncryptedKey(node: TreeElement, input: Uint8Array): ParsedEncryptedKey {
  const code = 'ENCRYPTED_KEY_STRUCTURE';
  const id = idOf(node, code);
  const kids = children(node, code);
  let i = 0;
  const method = kids[i++];
  if (method === undefined || !isXenc(method, 'EncryptionMethod')) refuse(code, 'EncryptedKey must start with EncryptionMethod');
  const uri = attribute(method, 'Algorithm');
  if (uri !== RSA_OAEP_MGF1P) refuse('ALGORITHM_NOT_SUPPORTED', `key transport ${JSON.stringify(uri ?? '')} is not supported (RSA-OAEP-MGF1P only)`);
  let oaepParams: string | undefined;
  for (const p of children(method, code)) {
    if (isDsig(p, 'DigestMethod')) {
      // SPEC: §5.4.2: MGF1 is always SHA-1 for this URI; node:crypto uses one hash for both, so only SHA-1 fits.
      if (attribute(p, 'Algorithm') !== SHA1_DIGEST) refuse('ALGORITHM_NOT_SUPPORTED', 'RSA-OAEP-MGF1P with a digest other than SHA-1 is not supported');
    } else if (isXenc(p, 'OAEPparams') && oaepParams === undefined) oaepParams = textOnly(p, code);
    else refuse(code, `unexpected ${p.el.name} in EncryptionMethod`);
  }
  let keyInfo: KeyInfoSummary | undefined;
  if (kids[i] !== undefined && isDsig(kids[i]!, 'KeyInfo')) keyInfo = summarizeKeyInfo(kids[i++]!, input);
  const cipherData = kids[i++];
  if (cipherData === undefined || !isXenc(cipherData, 'CipherData')) refuse(code, 'EncryptedKey has no CipherData');
  const cipherValue = textOnly(cipherValueOf(cipherData, code), code);
  if (kids[i] !== undefined && isXenc(kids[i]!, 'EncryptionProperties')) i++;
  let references: string[] = [];
  if (kids[i] !== undefined && isXenc(kids[i]!, 'ReferenceList')) references = parseReferenceList(kids[i++]!);
  let carriedKeyName: string | undefined;
  if (kids[i] !== undefined && isXenc(kids[i]!, 'CarriedKeyName')) carriedKeyName = textOnly(kids[i++]!, code);
  if (i !== kids.length) refuse(code, `unexpected ${kids[i]!.el.name} in EncryptedKey`);
  return {
    id,
    recipient: attribute(node, 'Recipient'),
    keyInfo,
    cipherValue,
    oaepParams,
    references,
    carriedKeyName,
    byteStart: node.el.byteStart,
    byteEnd: node.el.byteEnd,
  };
}
