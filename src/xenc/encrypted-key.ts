// XML Encryption 1.0 §3.5 EncryptedKey and §5.4.2 RSA-OAEP (MGF1-SHA1) key transport, for the X.509 bootstrap.
import type { KeyObject } from 'node:crypto';
import { decodeBase64, encodeBase64 } from '../dsig/base64.js';
import { auto } from '../crypto/index.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { DecryptionError, EncryptionError } from '../errors.js';
import type { XmlLimits } from '../xml/limits.js';
import { AES_CBC, DSIG_NAMESPACE, RSA_OAEP_MGF1P, XENC_NAMESPACE, type AesCbcAlgorithm } from './algorithms.js';
import { decodeCipherValue, NCNAME } from './bytes.js';
import { buildReferenceList } from './reference-list.js';
import { scanDocument } from './scan.js';
import { parseEncryptedKey, type ParsedEncryptedKey } from './structure.js';

/** An RSA public key or X.509 certificate: KeyObject, PEM text, or DER bytes of a certificate or SPKI key. */
export type RsaPublicKeyInput = KeyObject | string | Uint8Array;
/** An RSA private key: KeyObject, PEM text, or DER (PKCS#8) bytes. */
export type RsaPrivateKeyInput = KeyObject | string | Uint8Array;

type NodeCrypto = typeof import('node:crypto');

/** node:crypto where it exists; looked up at run time so that browser bundles never import `node:` statically. */
function nodeCrypto(): NodeCrypto {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const mod = get?.('node:crypto') as NodeCrypto | undefined;
  if (mod === undefined) throw new EncryptionError('KEY_UNUSABLE', 'RSA-OAEP key transport needs node:crypto (Node.js >= 20.16)');
  return mod;
}

function publicKeyObject(key: RsaPublicKeyInput): KeyObject {
  const c = nodeCrypto();
  let k: KeyObject;
  try {
    if (typeof key === 'object' && !(key instanceof Uint8Array)) k = key;
    else if (typeof key === 'string') k = c.createPublicKey(key);
    else {
      // DER: a certificate first, else an SPKI public key.
      try {
        k = new c.X509Certificate(key).publicKey;
      } catch {
        k = c.createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
      }
    }
  } catch (err) {
    throw new EncryptionError('KEY_UNUSABLE', `unusable RSA public key: ${(err as Error).message}`, { cause: err });
  }
  if (k.type !== 'public' || k.asymmetricKeyType !== 'rsa') throw new EncryptionError('KEY_UNUSABLE', 'the recipient key must be an RSA public key or certificate');
  return k;
}

function privateKeyObject(key: RsaPrivateKeyInput): KeyObject {
  const c = nodeCrypto();
  let k: KeyObject;
  try {
    if (typeof key === 'object' && !(key instanceof Uint8Array)) k = key;
    else if (typeof key === 'string') k = c.createPrivateKey(key);
    else k = c.createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new EncryptionError('KEY_UNUSABLE', `unusable RSA private key: ${(err as Error).message}`, { cause: err });
  }
  if (k.type !== 'private' || k.asymmetricKeyType !== 'rsa') throw new EncryptionError('KEY_UNUSABLE', 'the key must be an RSA private key');
  return k;
}

/** RSA-OAEP (SHA-1, MGF1-SHA1) encryption of `key` for `recipient`. */
export function wrapKey(key: Uint8Array, recipient: RsaPublicKeyInput, label?: Uint8Array): Uint8Array {
  const c = nodeCrypto();
  const pub = publicKeyObject(recipient);
  return new Uint8Array(
    c.publicEncrypt({ key: pub, padding: c.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1', ...(label === undefined ? {} : { oaepLabel: label }) }, key),
  );
}

/**
 * RSA-OAEP (SHA-1, MGF1-SHA1) decryption of a wrapped key.
 * SECURITY: every failure is the one DecryptionError (Manger's attack needs OAEP failures told apart); the key
 * length is checked against the AES sizes here too, so a wrong private key can only show as that same error.
 * @throws EncryptionError `KEY_UNUSABLE` for a private key that is not an RSA private key (the caller's input).
 */
export function unwrapKey(wrapped: Uint8Array, privateKey: RsaPrivateKeyInput, label?: Uint8Array): Uint8Array {
  const c = nodeCrypto();
  const priv = privateKeyObject(privateKey);
  let key: Uint8Array;
  try {
    key = new Uint8Array(
      c.privateDecrypt({ key: priv, padding: c.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1', ...(label === undefined ? {} : { oaepLabel: label }) }, wrapped),
    );
  } catch {
    throw new DecryptionError();
  }
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new DecryptionError();
  return key;
}

export interface EncryptedKeyOptions {
  /** The recipient's RSA public key or X.509 certificate. */
  recipient: RsaPublicKeyInput;
  /** The AES key to wrap. Default: a fresh random key of `algorithm`'s size. */
  key?: Uint8Array;
  /** Sizes the fresh key when `key` is not given. Default `aes256-cbc`. */
  algorithm?: AesCbcAlgorithm;
  /** Id attribute of the EncryptedKey. */
  id?: string;
  /** Ids of the EncryptedData this key opens: written as a ReferenceList inside the EncryptedKey. */
  references?: readonly string[];
  /** An XML fragment placed inside `<KeyInfo xmlns="…xmldsig#">` (e.g. a SecurityTokenReference to the certificate). */
  keyInfo?: string;
  /** Prefix of the xenc elements; `''` declares the default namespace. Default `xenc`. */
  prefix?: string;
  provider?: CryptoProvider;
}

/**
 * An EncryptedKey element (as a string) carrying an AES key wrapped with RSA-OAEP-MGF1P for the recipient, the
 * key itself (to encrypt the data with) and the wrapped octets (the CipherValue).
 * @throws EncryptionError `KEY_UNUSABLE`, `ALGORITHM_NOT_SUPPORTED`, `ENCRYPTED_KEY_STRUCTURE` (bad Id or prefix),
 *   `REFERENCE_URI` (a reference that is not an NCName).
 */
export function buildEncryptedKey(options: EncryptedKeyOptions): { key: Uint8Array; xml: string; wrapped: Uint8Array } {
  const prefix = options.prefix ?? 'xenc';
  if (prefix !== '' && (!NCNAME.test(prefix) || prefix.toLowerCase().startsWith('xml'))) throw new EncryptionError('ENCRYPTED_KEY_STRUCTURE', `invalid prefix ${JSON.stringify(prefix)}`);
  if (options.id !== undefined && !NCNAME.test(options.id)) throw new EncryptionError('ENCRYPTED_KEY_STRUCTURE', `Id ${JSON.stringify(options.id)} is not an NCName`);
  let key = options.key;
  if (key === undefined) {
    const algorithm = options.algorithm ?? 'aes256-cbc';
    const spec = AES_CBC[algorithm];
    if (spec === undefined) throw new EncryptionError('ALGORITHM_NOT_SUPPORTED', `unknown algorithm ${JSON.stringify(algorithm)}`);
    key = (options.provider ?? auto).randomBytes(spec.keyLength);
  } else if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new EncryptionError('KEY_UNUSABLE', `an AES key is 16, 24 or 32 bytes, not ${key.length}`);
  }
  const wrapped = wrapKey(key, options.recipient);
  const p = prefix === '' ? '' : `${prefix}:`;
  const keyInfo = options.keyInfo === undefined ? '' : `<KeyInfo xmlns="${DSIG_NAMESPACE}">${options.keyInfo}</KeyInfo>`;
  const refs = options.references === undefined || options.references.length === 0 ? '' : buildReferenceList(options.references, { prefix, declare: false });
  const xml =
    `<${p}EncryptedKey xmlns${prefix === '' ? '' : `:${prefix}`}="${XENC_NAMESPACE}"${options.id === undefined ? '' : ` Id="${options.id}"`}>` +
    `<${p}EncryptionMethod Algorithm="${RSA_OAEP_MGF1P}"><DigestMethod xmlns="${DSIG_NAMESPACE}" Algorithm="${DSIG_NAMESPACE}sha1"/></${p}EncryptionMethod>` +
    `${keyInfo}<${p}CipherData><${p}CipherValue>${encodeBase64(wrapped)}</${p}CipherValue></${p}CipherData>${refs}</${p}EncryptedKey>`;
  // `wrapped` (the CipherValue octets) names the key in WSS 1.1 EncryptedKeySHA1 references (protocol.md §5.3).
  return { key, xml, wrapped };
}

export interface UnwrappedKey {
  /** The AES key. */
  readonly key: Uint8Array;
  readonly encryptedKey: ParsedEncryptedKey;
}

/** Decodes and unwraps a parsed EncryptedKey. Every failure after the structure checks is the one DecryptionError. */
export function unwrapParsedKey(ek: ParsedEncryptedKey, privateKey: RsaPrivateKeyInput): Uint8Array {
  const priv = privateKeyObject(privateKey); // the caller's key: a typed error, before any secret is touched
  let wrapped: Uint8Array;
  let label: Uint8Array | undefined;
  try {
    wrapped = decodeCipherValue(ek.cipherValue);
    label = ek.oaepParams === undefined ? undefined : decodeBase64(ek.oaepParams, 'OAEPparams');
  } catch {
    throw new DecryptionError();
  }
  return unwrapKey(wrapped, priv, label);
}

/**
 * Finds the EncryptedKey elements of `input` (a document, or an EncryptedKey on its own) and unwraps the one with
 * Id `options.id`, or the only one when no Id is given.
 * @throws DecryptionError for any failure to unwrap; EncryptionError `NOT_FOUND` (none, or several and no Id),
 *   `ENCRYPTED_KEY_STRUCTURE`, `ALGORITHM_NOT_SUPPORTED`, `KEY_UNUSABLE`; XmlError / C14nError for the input.
 */
export function unwrapEncryptedKey(input: Uint8Array, privateKey: RsaPrivateKeyInput, options: { id?: string; limits?: Partial<XmlLimits> } = {}): UnwrappedKey {
  const scan = scanDocument(input, { limits: options.limits });
  const parsed = scan.encryptedKeys.map((f) => parseEncryptedKey(f.tree, input));
  const matches = options.id === undefined ? parsed : parsed.filter((k) => k.id === options.id);
  if (matches.length !== 1) {
    throw new EncryptionError('NOT_FOUND', options.id === undefined ? `expected one EncryptedKey, found ${matches.length}` : `no EncryptedKey with Id ${JSON.stringify(options.id)}`);
  }
  const encryptedKey = matches[0]!;
  return { key: unwrapParsedKey(encryptedKey, privateKey), encryptedKey };
}
