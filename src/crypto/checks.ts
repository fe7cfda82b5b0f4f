// Argument checks shared by every provider: typed errors with stable codes, before any work is done.
import { CryptoError } from '../errors.js';
import type { HashAlg } from './provider.js';

export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new CryptoError('INVALID_ARGUMENT', `${name} must be a Uint8Array, got ${typeof value}`);
  }
}

export function assertHashAlg(alg: unknown): asserts alg is HashAlg {
  if (alg !== 'sha1' && alg !== 'sha256') {
    throw new CryptoError('UNSUPPORTED_ALGORITHM', `unsupported hash algorithm ${JSON.stringify(alg)} (sha1, sha256)`);
  }
}

export function assertLength(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CryptoError('INVALID_LENGTH', `${name} must be a non-negative integer, got ${String(value)}`);
  }
}

export function assertAesKey(key: unknown): asserts key is Uint8Array {
  assertBytes(key, 'key');
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new CryptoError('INVALID_KEY_LENGTH', `AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
}

export function assertIv(iv: unknown): asserts iv is Uint8Array {
  assertBytes(iv, 'iv');
  if (iv.length !== 16) throw new CryptoError('INVALID_IV_LENGTH', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
}

export function digestLength(alg: HashAlg): number {
  return alg === 'sha1' ? 20 : 32;
}

/** The state error of a Hasher used after digest() or of an HmacKey used after destroy(). */
export function finishedError(what: string): CryptoError {
  return new CryptoError('FINISHED', `${what} was already finished or destroyed`);
}
