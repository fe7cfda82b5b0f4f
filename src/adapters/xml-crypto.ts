// xml-crypto plug-ins (XMLDSig 1.1 §6.2 digests, §6.3 MACs) backed by the wssc crypto providers: hash and signature
// classes registered per SignedXml instance, with HMAC only when the caller asks for it.
import { auto, initSync } from '../crypto/index.js';
import type { CryptoProvider, HashAlg, HmacKey } from '../crypto/provider.js';
import { decodeBase64, encodeBase64 } from '../dsig/base64.js';
import { CryptoError } from '../errors.js';

/** The parts of xml-crypto's `SignedXml` this adapter touches (xml-crypto stays the caller's dependency). */
export interface SignedXmlLike {
  HashAlgorithms: Record<string, new () => unknown>;
  SignatureAlgorithms: Record<string, new () => unknown>;
  getKeyInfoContent?: unknown;
}

export interface WsscAlgorithmsOptions {
  /**
   * Register HMAC-SHA1 and HMAC-SHA256 signatures. SECURITY: the signature map then holds HMAC only, as
   * xml-crypto's own enableHMAC() does, so a message cannot have an RSA public key used as an HMAC secret
   * (key confusion). Without it, no HMAC class is registered and RSA stays xml-crypto's.
   */
  hmac?: boolean;
  /** Default `auto` (the wasm core for small inputs, node:crypto for large ones where present). */
  provider?: CryptoProvider;
}

export const HASH_URIS: Record<HashAlg, string> = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
};

export const HMAC_URIS: Record<HashAlg, string> = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  sha256: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
};

const encoder = new TextEncoder();

type Callback<T> = (err: Error | null, value?: T) => void;

function bytesOf(value: unknown, what: string): Uint8Array {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  throw new CryptoError('INVALID_ARGUMENT', `${what} must be a string, Buffer or Uint8Array for an HMAC`);
}

/** xml-crypto's optional-callback convention: return the value, or hand it to a trailing callback. */
function withOptionalCallback<A extends unknown[], T>(fn: (...args: A) => T): (...args: [...A, Callback<T>?]) => T | void {
  return (...args) => {
    const last = args[args.length - 1];
    if (typeof last !== 'function') return fn(...(args as unknown as A));
    const cb = last as Callback<T>;
    let value: T;
    try {
      value = fn(...(args.slice(0, -1) as unknown as A));
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb(null, value);
  };
}

/**
 * Pre-keyed HMACs per key object. PERF: a derived key signs many messages, and xml-crypto builds a new algorithm
 * object per signature, so the ipad/opad mid-states are kept with the key object (wiped when the cache drops them).
 */
const keyed = new WeakMap<object, Map<HashAlg, HmacKey>>();

function hmacKeyFor(provider: CryptoProvider, alg: HashAlg, key: unknown): { key: HmacKey; transient: boolean } {
  if (typeof key === 'object' && key !== null) {
    let byAlg = keyed.get(key);
    if (byAlg === undefined) keyed.set(key, (byAlg = new Map()));
    let k = byAlg.get(alg);
    if (k === undefined) byAlg.set(alg, (k = provider.hmacKey(alg, bytesOf(key, 'key'))));
    return { key: k, transient: false };
  }
  return { key: provider.hmacKey(alg, bytesOf(key, 'key')), transient: true };
}

function hashClass(provider: CryptoProvider, alg: HashAlg): new () => unknown {
  return class WsscHash {
    getAlgorithmName = (): string => HASH_URIS[alg];
    getHash = (xml: string): string => encodeBase64(provider.digest(alg, encoder.encode(xml)));
  };
}

function hmacClass(provider: CryptoProvider, alg: HashAlg): new () => unknown {
  const mac = (material: unknown, key: unknown): Uint8Array => {
    const k = hmacKeyFor(provider, alg, key);
    try {
      return k.key.mac(bytesOf(material, 'signed info'));
    } finally {
      if (k.transient) k.key.destroy();
    }
  };
  return class WsscHmac {
    getAlgorithmName = (): string => HMAC_URIS[alg];
    getSignature = withOptionalCallback((signedInfo: unknown, key: unknown): string => encodeBase64(mac(signedInfo, key)));
    verifySignature = withOptionalCallback((material: unknown, key: unknown, signatureValue: string): boolean => {
      let claimed: Uint8Array;
      try {
        claimed = decodeBase64(signatureValue, 'SignatureValue');
      } catch {
        return false;
      }
      // SECURITY: full-length, constant-time comparison (no truncated HMACs).
      return provider.equal(mac(material, key), claimed);
    });
  };
}

/**
 * Registers wssc's SHA-1/SHA-256 digests (and, with `hmac: true`, HMAC-SHA1/HMAC-SHA256 signatures, HMAC only)
 * on one xml-crypto `SignedXml` instance.
 * @example useWsscAlgorithms(sig, { hmac: true }); sig.privateKey = derivedKey;
 */
export function useWsscAlgorithms(signedXml: SignedXmlLike, options: WsscAlgorithmsOptions = {}): SignedXmlLike {
  const provider = options.provider ?? auto;
  if (provider === auto) {
    try {
      initSync();
    } catch {
      // No synchronous compilation here (a browser main thread): `auto` uses another provider.
    }
  }
  for (const alg of ['sha1', 'sha256'] as const) signedXml.HashAlgorithms[HASH_URIS[alg]] = hashClass(provider, alg);
  if (options.hmac === true) {
    signedXml.SignatureAlgorithms = { [HMAC_URIS.sha1]: hmacClass(provider, 'sha1'), [HMAC_URIS.sha256]: hmacClass(provider, 'sha256') };
    // SPEC: as enableHMAC() does; a WS-SC caller sets its SecurityTokenReference content again afterwards.
    signedXml.getKeyInfoContent = () => null;
  }
  return signedXml;
}
