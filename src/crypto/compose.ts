// Builds a CryptoProvider (CONTRACT.md) from a backend's primitives: one place for argument checks, padding
// and the uniform DecryptionError, so every backend applies the same rules.
import { DecryptionError } from '../errors.js';
import { assertAesKey, assertBytes, assertHashAlg, assertIv, assertLength, digestLength, finishedError } from './checks.js';
import { constantTimeEqual } from './equal.js';
import { pHashWithKey } from './p-hash.js';
import { AES_BLOCK, unpaddedLength } from './padding.js';
import type { CryptoProvider, HashAlg, Hasher, HmacKey } from './provider.js';
import { randomBytes } from './random.js';

/** What a backend supplies; inputs arrive already checked. */
export interface Backend {
  readonly name: string;
  digest(alg: HashAlg, data: Uint8Array): Uint8Array;
  createHash(alg: HashAlg): Hasher;
  hmacKey(alg: HashAlg, key: Uint8Array): HmacKey;
  /** Optional fused P_hash; otherwise P_hash runs over hmacKey(). */
  pHash?(alg: HashAlg, secret: Uint8Array, seed: Uint8Array, length: number, offset: number): Uint8Array;
  /** CBC encryption with PKCS#7-style padding. */
  cbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** CBC decryption of whole blocks, padding left in place; may throw anything. */
  cbcDecryptRaw(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/** Makes a Hasher refuse bytes that are not a Uint8Array and any use after digest(). */
export function guardHasher(inner: Hasher, what: string): Hasher {
  let done = false;
  const hasher: Hasher = {
    update(data: Uint8Array): Hasher {
      if (done) throw finishedError(what);
      assertBytes(data, 'data');
      inner.update(data);
      return hasher;
    },
    digest(): Uint8Array {
      if (done) throw finishedError(what);
      done = true;
      return inner.digest();
    },
  };
  return hasher;
}

function guardKey(inner: HmacKey): HmacKey {
  let destroyed = false;
  return {
    mac(data: Uint8Array): Uint8Array {
      if (destroyed) throw finishedError('HmacKey');
      assertBytes(data, 'data');
      return inner.mac(data);
    },
    create(): Hasher {
      if (destroyed) throw finishedError('HmacKey');
      return guardHasher(inner.create(), 'HMAC');
    },
    destroy(): void {
      if (destroyed) return;
      destroyed = true;
      inner.destroy();
    },
  };
}

/** P_hash on a backend: its fused version where it has one, otherwise over its pre-keyed HMAC. */
export function backendPHash(
  backend: Backend, alg: HashAlg, secret: Uint8Array, seed: Uint8Array, length: number, offset: number,
): Uint8Array {
  if (backend.pHash !== undefined) return backend.pHash(alg, secret, seed, length, offset);
  const key = backend.hmacKey(alg, secret);
  try {
    return pHashWithKey(key, digestLength(alg), seed, length, offset);
  } finally {
    key.destroy();
  }
}

export function composeProvider(backend: Backend): CryptoProvider {
  const hmacKey = (alg: HashAlg, key: Uint8Array): HmacKey => {
    assertHashAlg(alg);
    assertBytes(key, 'key');
    return guardKey(backend.hmacKey(alg, key));
  };
  return {
    name: backend.name,
    digest(alg, data) {
      assertHashAlg(alg);
      assertBytes(data, 'data');
      return backend.digest(alg, data);
    },
    createHash(alg) {
      assertHashAlg(alg);
      return guardHasher(backend.createHash(alg), 'Hasher');
    },
    hmac(alg, key, data) {
      const k = hmacKey(alg, key);
      try {
        return k.mac(data);
      } finally {
        k.destroy();
      }
    },
    hmacKey,
    pHash(alg, secret, seed, length, offset = 0) {
      assertHashAlg(alg);
      assertBytes(secret, 'secret');
      assertBytes(seed, 'seed');
      assertLength(length, 'length');
      assertLength(offset, 'offset');
      return backendPHash(backend, alg, secret, seed, length, offset);
    },
    aesCbcEncrypt(key, iv, plaintext) {
      assertAesKey(key);
      assertIv(iv);
      assertBytes(plaintext, 'plaintext');
      return backend.cbcEncrypt(key, iv, plaintext);
    },
    aesCbcDecrypt(key, iv, ciphertext) {
      // SECURITY: every failure, argument errors included, is the same opaque DecryptionError.
      let padded: Uint8Array;
      try {
        assertAesKey(key);
        assertIv(iv);
        assertBytes(ciphertext, 'ciphertext');
        if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK !== 0) throw new DecryptionError();
        padded = backend.cbcDecryptRaw(key, iv, ciphertext);
      } catch {
        throw new DecryptionError();
      }
      return padded.subarray(0, unpaddedLength(padded));
    },
    randomBytes,
    equal(a, b) {
      assertBytes(a, 'a');
      assertBytes(b, 'b');
      return constantTimeEqual(a, b);
    },
  };
}
