// Keys for XMLDSig 1.1 §6.3 (HMAC) and §6.4.2 (RSA PKCS#1 v1.5): the caller's trust decision, made explicit.
import type { KeyObject } from 'node:crypto';
import { SignatureError } from '../errors.js';

/**
 * The key a verifier trusts. SECURITY (A2, A3): the algorithm named in the message must match the kind of key:
 * HMAC methods only with `{ kind: 'hmac' }` (a secret the caller holds), RSA methods only with `{ kind: 'rsa' }`
 * (a public key or certificate the caller trusts). KeyInfo in the message is never consulted.
 */
export type VerificationKey =
  | { readonly kind: 'hmac'; readonly secret: Uint8Array }
  | { readonly kind: 'rsa'; readonly publicKey: KeyObject | string | Uint8Array };

/** The key a signer uses: an HMAC secret, or an RSA private key (KeyObject or PEM). */
export type SigningKey =
  | { readonly kind: 'hmac'; readonly secret: Uint8Array }
  | { readonly kind: 'rsa'; readonly privateKey: KeyObject | string | Uint8Array };

type NodeCrypto = typeof import('node:crypto');

/** node:crypto where it exists (RSA is the asymmetric bootstrap path; the per-message HMAC path needs no Node API). */
function nodeCrypto(): NodeCrypto {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const mod = get?.('node:crypto') as NodeCrypto | undefined;
  if (mod === undefined) throw new SignatureError('KEY_UNUSABLE', 'RSA signatures need node:crypto (Node.js >= 20.16)');
  return mod;
}

function publicKeyObject(key: KeyObject | string | Uint8Array): KeyObject {
  const c = nodeCrypto();
  if (typeof key === 'object' && !(key instanceof Uint8Array)) {
    if (key.type === 'public') return key;
    throw new SignatureError('KEY_UNUSABLE', 'an RSA verification key must be a public key or certificate');
  }
  try {
    // A PEM certificate or SPKI public key; createPublicKey accepts both.
    const k = c.createPublicKey(typeof key === 'string' ? key : Buffer.from(key));
    if (k.asymmetricKeyType !== 'rsa') throw new Error(`not an RSA key (${k.asymmetricKeyType})`);
    return k;
  } catch (err) {
    throw new SignatureError('KEY_UNUSABLE', `unusable RSA public key: ${(err as Error).message}`, { cause: err });
  }
}

export function rsaVerify(hash: 'sha1' | 'sha256', data: Uint8Array, key: KeyObject | string | Uint8Array, signature: Uint8Array): boolean {
  return nodeCrypto().verify(hash, data, publicKeyObject(key), signature);
}

export function rsaSign(hash: 'sha1' | 'sha256', data: Uint8Array, key: KeyObject | string | Uint8Array): Uint8Array {
  const c = nodeCrypto();
  let k: KeyObject;
  try {
    k = typeof key === 'object' && !(key instanceof Uint8Array) ? key : c.createPrivateKey(typeof key === 'string' ? key : Buffer.from(key));
  } catch (err) {
    throw new SignatureError('KEY_UNUSABLE', `unusable RSA private key: ${(err as Error).message}`, { cause: err });
  }
  if (k.type !== 'private' || k.asymmetricKeyType !== 'rsa') throw new SignatureError('KEY_UNUSABLE', 'an RSA signing key must be an RSA private key');
  return new Uint8Array(c.sign(hash, data, k));
}
