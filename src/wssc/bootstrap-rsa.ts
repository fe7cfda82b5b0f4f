// RFC 8017 §7.1 RSAES-OAEP (SHA-1, MGF1-SHA1; XML Encryption 1.0 §5.4.2) and §8.2 RSASSA-PKCS1-v1_5 for the client half of the X.509 bootstrap (protocol.md §5.3), asynchronously: WebCrypto (browsers, workers, Node) or node:crypto.
import type { KeyObject } from 'node:crypto';
import { DSIG_NAMESPACE } from '../dsig/algorithms.js';
import { decodeBase64, encodeBase64 } from '../dsig/base64.js';
import { rsaSign } from '../dsig/keys.js';
import { EncryptionError, SignatureError, WsSecurityError } from '../errors.js';
import { certificateDer } from '../wss/x509.js';
import { certificateRsaSpki, pkcs1ToPkcs8, pkcs8RsaModulusBits, type RsaSpki } from '../wss/der.js';
import { RSA_OAEP_MGF1P, XENC_NAMESPACE } from '../xenc/algorithms.js';
import { wrapKey } from '../xenc/encrypted-key.js';

export type RsaHash = 'sha1' | 'sha256';

/** An RSA private key as the async bootstrap takes it: PKCS#8 DER (what preparation makes of PEM), a KeyObject (Node) or a CryptoKey. */
export type RsaSigningKey = Uint8Array | KeyObject | CryptoKey;

/**
 * The RSA operations the client half of the bootstrap needs; the response side needs none (it is keyed by the
 * request's own EncryptedKey). Both backends cache imported keys by the identity of the bytes or key object given.
 */
export interface RsaBackend {
  readonly name: string;
  /** RSA-OAEP with SHA-1 and MGF1-SHA1, no label, of `key` for the public key of `certificate` (DER). */
  oaepWrap(certificate: Uint8Array, key: Uint8Array): Promise<Uint8Array>;
  /** RSASSA-PKCS1-v1_5 over `data` with `hash`. */
  sign(hash: RsaHash, privateKey: RsaSigningKey, data: Uint8Array): Promise<Uint8Array>;
}

const WEB_HASH: Readonly<Record<RsaHash, string>> = { sha1: 'SHA-1', sha256: 'SHA-256' };

const isKeyObject = (k: unknown): k is KeyObject =>
  typeof k === 'object' && k !== null && !(k instanceof Uint8Array) && typeof (k as KeyObject).export === 'function' && 'asymmetricKeyType' in (k as object);

/** A promise cache that forgets failures (a rejected import is retried, not remembered). */
function cached<K extends object, V>(map: WeakMap<K, Promise<V>>, key: K, make: () => Promise<V>): Promise<V> {
  let p = map.get(key);
  if (p === undefined) {
    p = make();
    map.set(key, p);
    p.catch(() => map.delete(key));
  }
  return p;
}

/**
 * RSA through WebCrypto (`crypto.subtle`). Imported keys are non-extractable.
 * SECURITY: browsers expose `crypto.subtle` only in secure contexts (HTTPS, localhost); elsewhere this throws.
 */
export function webCryptoRsa(subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle): RsaBackend {
  const publicKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
  // SPEC: WebCrypto binds an RSA key to one hash at import: one cache per hash.
  const byHash: Record<RsaHash, WeakMap<object, Promise<CryptoKey>>> = { sha1: new WeakMap(), sha256: new WeakMap() };
  const need = (): SubtleCrypto => {
    if (subtle === undefined) {
      throw new WsSecurityError('KEY_UNUSABLE', 'WebCrypto (crypto.subtle) is not available here: browsers expose it only in secure contexts (HTTPS, localhost)');
    }
    return subtle;
  };
  return {
    name: 'webcrypto',
    async oaepWrap(certificate, key) {
      const s = need();
      const pub = await cached(publicKeys, certificate, async () => {
        const { spki } = certificateRsaSpki(certificate);
        try {
          return await s.importKey('spki', spki as BufferSource, { name: 'RSA-OAEP', hash: 'SHA-1' }, false, ['encrypt']);
        } catch (err) {
          throw new EncryptionError('KEY_UNUSABLE', `unusable RSA public key: ${(err as Error).message}`, { cause: err });
        }
      });
      // SPEC: WebCrypto's RSA-OAEP uses the import's hash for both the label digest and MGF1: SHA-1 and MGF1-SHA1 = rsa-oaep-mgf1p.
      return new Uint8Array(await s.encrypt({ name: 'RSA-OAEP' }, pub, key as BufferSource));
    },
    async sign(hash, privateKey, data) {
      const s = need();
      let key: CryptoKey;
      if (privateKey instanceof Uint8Array || isKeyObject(privateKey)) {
        // A KeyObject (Node) is exported once as PKCS#8 for the import.
        const der = privateKey instanceof Uint8Array ? privateKey : new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
        key = await cached(byHash[hash], privateKey, async () => {
          try {
            return await s.importKey('pkcs8', der as BufferSource, { name: 'RSASSA-PKCS1-v1_5', hash: WEB_HASH[hash] }, false, ['sign']);
          } catch (err) {
            throw new SignatureError('KEY_UNUSABLE', `unusable RSA private key: ${(err as Error).message}`, { cause: err });
          }
        });
      } else {
        key = privateKey;
        const alg = key.algorithm as RsaHashedKeyAlgorithm;
        // SPEC: a WebCrypto RSA key is bound to one hash at import; the suite's must be that one.
        if (key.type !== 'private' || alg.name !== 'RSASSA-PKCS1-v1_5' || alg.hash?.name !== WEB_HASH[hash] || !key.usages.includes('sign')) {
          throw new SignatureError('KEY_UNUSABLE', `the CryptoKey must be an RSASSA-PKCS1-v1_5 ${WEB_HASH[hash]} private key usable for sign`);
        }
      }
      return new Uint8Array(await s.sign('RSASSA-PKCS1-v1_5', key, data as BufferSource));
    },
  };
}

/** RSA through node:crypto (the synchronous path's operations, resolved at once). */
export function nodeRsa(): RsaBackend {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const c = get?.('node:crypto') as typeof import('node:crypto') | undefined;
  if (c === undefined) throw new WsSecurityError('KEY_UNUSABLE', 'node:crypto is not available here (use webCryptoRsa())');
  const publicKeys = new WeakMap<Uint8Array, KeyObject>();
  const privateKeys = new WeakMap<object, KeyObject>();
  return {
    name: 'node',
    async oaepWrap(certificate, key) {
      let pub = publicKeys.get(certificate);
      if (pub === undefined) {
        try {
          pub = new c.X509Certificate(certificate).publicKey;
        } catch (err) {
          throw new EncryptionError('KEY_UNUSABLE', `unusable RSA public key: ${(err as Error).message}`, { cause: err });
        }
        publicKeys.set(certificate, pub);
      }
      return wrapKey(key, pub);
    },
    async sign(hash, privateKey, data) {
      let k: KeyObject;
      if (privateKey instanceof Uint8Array) {
        let got = privateKeys.get(privateKey);
        if (got === undefined) {
          try {
            got = c.createPrivateKey({ key: Buffer.from(privateKey), format: 'der', type: 'pkcs8' });
          } catch (err) {
            throw new SignatureError('KEY_UNUSABLE', `unusable RSA private key: ${(err as Error).message}`, { cause: err });
          }
          privateKeys.set(privateKey, got);
        }
        k = got;
      } else {
        k = isKeyObject(privateKey) ? privateKey : c.KeyObject.from(privateKey);
      }
      return rsaSign(hash, data, k);
    },
  };
}

let defaultBackend: RsaBackend | undefined;

/** node:crypto where it exists (the same RSA as the synchronous path), else WebCrypto. */
export function defaultRsa(): RsaBackend {
  if (defaultBackend === undefined) {
    try {
      defaultBackend = nodeRsa();
    } catch {
      defaultBackend = webCryptoRsa();
    }
  }
  return defaultBackend;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and certificates parsed without node:crypto.

/** A certificate's DER and RSA key, parsed strictly; a certificate that cannot be read is the caller's error (RangeError). */
export function readRsaCertificate(pemOrDer: string | Uint8Array, what: string): { der: Uint8Array; key: RsaSpki } {
  try {
    const der = certificateDer(pemOrDer);
    return { der, key: certificateRsaSpki(der) };
  } catch (err) {
    throw new RangeError(`unreadable ${what} certificate: ${(err as Error).message}`);
  }
}

const PEM = /-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\s]+)-----END \1-----/;

/**
 * An RSA private key as the backends take it: PEM (`PRIVATE KEY`, or PKCS#1 `RSA PRIVATE KEY`) and DER become
 * checked PKCS#8 DER; a KeyObject or CryptoKey is passed on. Encrypted keys are refused.
 * @throws RangeError for an unusable key (the caller's input).
 */
export function rsaSigningKey(key: string | Uint8Array | KeyObject | CryptoKey, what: string): RsaSigningKey {
  const unusable = (m: string): RangeError => new RangeError(`unusable ${what} private key: ${m}`);
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) {
    if (key.type !== 'private' || (isKeyObject(key) && key.asymmetricKeyType !== 'rsa')) throw new RangeError(`the ${what} private key must be an RSA private key`);
    return key;
  }
  let der: Uint8Array;
  let pkcs1 = false;
  if (typeof key === 'string' || key[0] !== 0x30) {
    const text = typeof key === 'string' ? key : new TextDecoder().decode(key);
    const m = PEM.exec(text);
    if (m === null) throw unusable('no PEM PRIVATE KEY block');
    if (m[1] === 'ENCRYPTED PRIVATE KEY') throw unusable('an encrypted key (decrypt it first)');
    if (m[1] !== 'PRIVATE KEY' && m[1] !== 'RSA PRIVATE KEY') throw unusable(`a PEM ${m[1]} block is not a private key`);
    pkcs1 = m[1] === 'RSA PRIVATE KEY';
    try {
      der = decodeBase64(m[2]!, 'private key');
    } catch {
      throw unusable('the PEM block is not base64');
    }
  } else {
    der = key;
  }
  try {
    if (pkcs1) der = pkcs1ToPkcs8(der);
    pkcs8RsaModulusBits(der);
  } catch (err) {
    throw unusable((err as Error).message);
  }
  return der;
}

/**
 * The EncryptedKey element of a request (prefix `e`, KeyInfo `keyInfo`) around octets wrapped already: the form
 * xenc's buildEncryptedKey writes, for a key wrapped elsewhere (asynchronously).
 */
export function encryptedKeyXml(wrapped: Uint8Array, id: string, keyInfo: string): string {
  return (
    `<e:EncryptedKey xmlns:e="${XENC_NAMESPACE}" Id="${id}">` +
    `<e:EncryptionMethod Algorithm="${RSA_OAEP_MGF1P}"><DigestMethod xmlns="${DSIG_NAMESPACE}" Algorithm="${DSIG_NAMESPACE}sha1"/></e:EncryptionMethod>` +
    `<KeyInfo xmlns="${DSIG_NAMESPACE}">${keyInfo}</KeyInfo><e:CipherData><e:CipherValue>${encodeBase64(wrapped)}</e:CipherValue></e:CipherData></e:EncryptedKey>`
  );
}
