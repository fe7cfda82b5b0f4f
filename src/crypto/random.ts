// Cryptographic random bytes from the platform CSPRNG (Web Crypto getRandomValues: Node >= 19, browsers, workers).
import { CryptoError } from '../errors.js';
import { assertLength } from './checks.js';

const MAX_PER_CALL = 65536; // SPEC: getRandomValues refuses more than 65536 bytes at once

export function randomBytes(length: number): Uint8Array {
  assertLength(length, 'length');
  const source = globalThis.crypto;
  if (source === undefined || typeof source.getRandomValues !== 'function') {
    throw new CryptoError('NO_RANDOM', 'no crypto.getRandomValues in this runtime');
  }
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += MAX_PER_CALL) source.getRandomValues(out.subarray(i, Math.min(length, i + MAX_PER_CALL)));
  return out;
}
