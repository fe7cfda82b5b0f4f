// P_hash of TLS 1.0 (RFC 2246 §5) over any pre-keyed HMAC: WS-SecureConversation's P_SHA1 for the JS-side providers.
import type { HmacKey } from './provider.js';

/**
 * Bytes [offset, offset + length) of P_hash(secret, seed), where `key` is the HMAC keyed with the secret.
 * SPEC: block i (from 0) = HMAC(secret, A(i+1) ‖ seed), A(0) = seed, A(i) = HMAC(secret, A(i-1)).
 */
export function pHashWithKey(key: HmacKey, hashLen: number, seed: Uint8Array, length: number, offset: number): Uint8Array {
  const out = new Uint8Array(length);
  const first = Math.floor(offset / hashLen);
  let a = key.mac(seed);
  for (let i = 0; i < first; i++) a = key.mac(a);
  let skip = offset - first * hashLen;
  let written = 0;
  while (written < length) {
    const block = key.create().update(a).update(seed).digest();
    const n = Math.min(hashLen - skip, length - written);
    out.set(block.subarray(skip, skip + n), written);
    block.fill(0);
    written += n;
    skip = 0;
    if (written < length) a = key.mac(a);
  }
  a.fill(0);
  return out;
}
