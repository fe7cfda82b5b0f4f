// XML Encryption 1.0 §4.2 (Decryption): EncryptedData replaced in place by its plaintext, all or nothing.
import { auto } from '../crypto/index.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { DecryptionError, EncryptionError } from '../errors.js';
import type { XmlLimits } from '../xml/limits.js';
import { resolveLimits } from '../xml/limits.js';
import { AES_CBC, TYPE_CONTENT, TYPE_ELEMENT, type AesCbcAlgorithm } from './algorithms.js';
import { concat, decodeCipherValue } from './bytes.js';
import { unwrapParsedKey, type RsaPrivateKeyInput } from './encrypted-key.js';
import { checkFragment, type FragmentKind } from './fragment.js';
import { scanDocument, type FoundElement } from './scan.js';
import { parseEncryptedData, parseEncryptedKey, type EncryptedDataInfo, type ParsedEncryptedData, type ParsedEncryptedKey } from './structure.js';

const IV_LENGTH = 16;

/** Returns the AES key for an EncryptedData, or undefined when it has none (see `DecryptOptions.skipUnresolved`). */
export type KeyResolver = (info: EncryptedDataInfo) => Uint8Array | undefined;

export interface DecryptOptions {
  /**
   * The AES key for every EncryptedData; or a resolver called once per EncryptedData with its public facts (Id,
   * algorithm, KeyInfo); or `{ privateKey }` for the bootstrap form: each EncryptedData's key is the RSA-OAEP-wrapped
   * key of the EncryptedKey inside its KeyInfo, of the EncryptedKey whose ReferenceList names it, or of the
   * EncryptedKey its KeyInfo references by `#Id`.
   */
  key: Uint8Array | KeyResolver | { readonly privateKey: RsaPrivateKeyInput };
  /**
   * Decrypt only the EncryptedData with these Ids (e.g. from a ReferenceList); the others stay as they are.
   * Default: every EncryptedData of the document, and any that cannot be decrypted is an error.
   */
  ids?: readonly string[];
  /** Leave an EncryptedData whose resolver returned undefined in place (at least one must still be decrypted). */
  skipUnresolved?: boolean;
  provider?: CryptoProvider;
  limits?: Partial<XmlLimits>;
}

/** One EncryptedData that was decrypted. */
export interface DecryptedItem {
  readonly id: string | undefined;
  /** `element` / `content` for Type Element / Content; `octets` for a document-element EncryptedData of another Type. */
  readonly type: 'element' | 'content' | 'octets';
  readonly algorithm: AesCbcAlgorithm;
  /** Byte range of the plaintext in the output document. */
  readonly byteStart: number;
  readonly byteEnd: number;
}

export interface DecryptResult {
  /** The document with the plaintext in place of each decrypted EncryptedData (or the octets, see DecryptedItem). */
  readonly document: Uint8Array;
  readonly decrypted: readonly DecryptedItem[];
}

interface Job {
  readonly found: FoundElement;
  readonly ed: ParsedEncryptedData;
  readonly kind: FragmentKind | 'octets';
  key: Uint8Array | undefined;
  wrapped: ParsedEncryptedKey | undefined;
  plaintext?: Uint8Array;
}

function refuse(code: string, message: string): never {
  throw new EncryptionError(code, message);
}

/**
 * Decrypts EncryptedData elements of `input` in place (XML Encryption 1.0 §4.2) with AES-128/192/256-CBC.
 *
 * Order of work: parse the document once (DTDs, duplicate Ids and malformed XML refused), read every selected
 * EncryptedData's structure and algorithm (typed EncryptionError, public facts only), resolve every key, and only
 * then decrypt all of them; the output is built only when every one succeeded (no partial output).
 *
 * SECURITY: after the structure checks, every failure (base64, IV or ciphertext length, padding, a key of the wrong
 * size, the plaintext's UTF-8 or XML in the namespace context of the EncryptedData's parent, an RSA-OAEP unwrap) is
 * the one DecryptionError with the one message. AES-CBC has no integrity: where the protection order allows,
 * verify a signature over the EncryptedData before decrypting (xml-security.md §1.5 item 10).
 *
 * @throws DecryptionError; EncryptionError `ALGORITHM_NOT_SUPPORTED`, `ENCRYPTED_DATA_STRUCTURE`,
 *   `ENCRYPTED_KEY_STRUCTURE`, `UNSUPPORTED_TYPE`, `REFERENCE_UNRESOLVED` (an Id in `ids` that names no
 *   EncryptedData), `KEY_UNRESOLVED`, `NOT_FOUND` (no EncryptedData at all), `KEY_UNUSABLE`; XmlError; C14nError.
 */
export function decryptXml(input: Uint8Array, options: DecryptOptions): DecryptResult {
  const provider = options.provider ?? auto;
  const scan = scanDocument(input, { limits: options.limits });
  let selected: FoundElement[];
  if (options.ids !== undefined) {
    selected = [];
    for (const id of options.ids) {
      const el = scan.ids.get(id);
      const found = el === undefined ? undefined : scan.encryptedData.find((f) => f.tree.el === el);
      if (found === undefined) refuse('REFERENCE_UNRESOLVED', `Id ${JSON.stringify(id)} names no EncryptedData`);
      if (!selected.includes(found)) selected.push(found);
    }
  } else {
    selected = scan.encryptedData;
  }
  if (selected.length === 0) refuse('NOT_FOUND', 'the document holds no EncryptedData');

  // 1. Structure, algorithm and Type of every selected EncryptedData: public facts, typed errors.
  const jobs: Job[] = selected.map((found) => {
    const ed = parseEncryptedData(found.tree, input);
    let kind: Job['kind'];
    if (ed.type === TYPE_ELEMENT) kind = found.parent === null ? 'document' : 'element';
    else if (ed.type === TYPE_CONTENT) kind = found.parent === null ? 'document' : 'content';
    // SPEC: §4.2 step 3.2: other data is returned to the application as octets; only the whole document can be.
    else if (found.parent === null) kind = 'octets';
    else refuse('UNSUPPORTED_TYPE', `EncryptedData${ed.id === undefined ? '' : ` ${ed.id}`} of Type ${JSON.stringify(ed.type ?? '')} cannot be decrypted in place`);
    return { found, ed, kind, key: undefined, wrapped: undefined };
  });

  // 2. Keys.
  const key = options.key;
  if (key instanceof Uint8Array) {
    for (const job of jobs) job.key = key;
  } else if (typeof key === 'function') {
    for (const job of jobs) job.key = key(publicInfo(job.ed));
  } else if (key !== null && typeof key === 'object' && 'privateKey' in key) {
    const keys = scan.encryptedKeys.map((f) => parseEncryptedKey(f.tree, input));
    for (const job of jobs) job.wrapped = wrappingKey(job, keys);
  } else {
    refuse('KEY_UNUSABLE', 'options.key must be a Uint8Array, a resolver or { privateKey }');
  }
  const active = jobs.filter((j) => j.key !== undefined || j.wrapped !== undefined);
  if (active.length < jobs.length && options.skipUnresolved !== true) {
    const missing = jobs.find((j) => j.key === undefined && j.wrapped === undefined)!;
    refuse('KEY_UNRESOLVED', `no key for EncryptedData${missing.ed.id === undefined ? '' : ` ${missing.ed.id}`}`);
  }
  if (active.length === 0) refuse('KEY_UNRESOLVED', 'no key for any EncryptedData');

  // 3. Decrypt everything; SECURITY: from here on every failure is the same DecryptionError.
  const limits = resolveLimits(options.limits);
  const unwrapped = new Map<ParsedEncryptedKey, Uint8Array>();
  try {
    for (const job of active) {
      if (job.wrapped !== undefined) {
        let k = unwrapped.get(job.wrapped);
        if (k === undefined) {
          k = unwrapParsedKey(job.wrapped, (key as { privateKey: RsaPrivateKeyInput }).privateKey);
          unwrapped.set(job.wrapped, k);
        }
        job.key = k;
      }
      job.plaintext = decryptCipherValue(job.ed, job.key!, provider);
      if (job.kind !== 'octets') {
        const depth = job.found.parent === null ? 0 : job.found.parent.depth;
        checkFragment(job.plaintext, job.found.parentScope, job.kind, { ...limits, maxDepth: Math.max(0, limits.maxDepth - depth) + 1 });
      }
    }
  } catch (err) {
    if (err instanceof EncryptionError && err.code === 'KEY_UNUSABLE') throw err; // the caller's private key, not the message
    throw new DecryptionError();
  }

  // 4. Splice, in document order.
  if (active.length === 1 && active[0]!.kind === 'octets') {
    const job = active[0]!;
    return { document: job.plaintext!, decrypted: [item(job, 0, job.plaintext!.length)] };
  }
  active.sort((a, b) => a.ed.byteStart - b.ed.byteStart);
  const parts: Uint8Array[] = [];
  const decrypted: DecryptedItem[] = [];
  let at = 0;
  let out = 0;
  for (const job of active) {
    parts.push(input.subarray(at, job.ed.byteStart));
    out += job.ed.byteStart - at;
    parts.push(job.plaintext!);
    decrypted.push(item(job, out, out + job.plaintext!.length));
    out += job.plaintext!.length;
    at = job.ed.byteEnd;
  }
  parts.push(input.subarray(at));
  return { document: concat(...parts), decrypted };
}

function item(job: Job, byteStart: number, byteEnd: number): DecryptedItem {
  const type = job.kind === 'octets' ? 'octets' : job.ed.type === TYPE_CONTENT ? 'content' : 'element';
  return { id: job.ed.id, type, algorithm: job.ed.algorithm, byteStart, byteEnd };
}

function publicInfo(ed: ParsedEncryptedData): EncryptedDataInfo {
  const { cipherValue: _omit, cipherValueBytes: _omitBytes, ...info } = ed;
  return info;
}

/** The EncryptedKey that carries the key of `job`: inside its KeyInfo, naming it in a ReferenceList, or referenced. */
function wrappingKey(job: Job, keys: readonly ParsedEncryptedKey[]): ParsedEncryptedKey | undefined {
  const inner = job.ed.keyInfo?.encryptedKey;
  if (inner !== undefined) return inner;
  const id = job.ed.id;
  const naming = id === undefined ? [] : keys.filter((k) => k.references.includes(id));
  // SECURITY: two EncryptedKeys claiming one EncryptedData would let the message choose; refuse instead of picking.
  if (naming.length > 1) refuse('KEY_UNRESOLVED', `several EncryptedKeys reference EncryptedData ${id}`);
  if (naming.length === 1) return naming[0];
  for (const uri of job.ed.keyInfo?.referenceUris ?? []) {
    if (!uri.startsWith('#')) continue;
    const k = keys.find((x) => x.id !== undefined && x.id === uri.slice(1));
    if (k !== undefined) return k;
  }
  return undefined;
}

/** AES-CBC of one EncryptedData's CipherValue (IV ‖ ciphertext) with `key`; every failure is DecryptionError. */
export function decryptCipherValue(ed: ParsedEncryptedData, key: Uint8Array, provider: CryptoProvider): Uint8Array {
  // SPEC: §5.2: the key size is fixed by the algorithm; a key of another size cannot open it.
  if (!(key instanceof Uint8Array) || key.length !== AES_CBC[ed.algorithm].keyLength) throw new DecryptionError();
  const bytes = decodeCipherValue(ed.cipherValue, ed.cipherValueBytes);
  if (bytes.length < 2 * IV_LENGTH || bytes.length % IV_LENGTH !== 0) throw new DecryptionError();
  return provider.aesCbcDecrypt(key, bytes.subarray(0, IV_LENGTH), bytes.subarray(IV_LENGTH));
}
