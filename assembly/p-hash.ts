// P_hash of TLS 1.0 (RFC 2246 §5), as WS-SecureConversation 1.3 §7 uses it for P_SHA1 key derivation.
import { digestLen, hashUpdate } from './hash';
import { hmacFinal, hmacMidStates, hmacOfDigest, hmacStart } from './hmac';
import { SCRATCH, wipe16 } from './layout';

const CTX: usize = SCRATCH;
const MIDS: usize = SCRATCH + 256;
const A: usize = SCRATCH + 320;
const BLOCK: usize = SCRATCH + 384;
const WORK: usize = SCRATCH + 512;

/** A(i+1) = HMAC(secret, A(i)), in place at A. */
@inline
function nextA(alg: u32): void {
  hmacOfDigest(CTX, alg, MIDS, A, A);
}

/**
 * Writes bytes [offset, offset + length) of P_hash(secret, seed) to `out`.
 * SPEC: output block i (from 0) is HMAC(secret, A(i+1) ‖ seed), A(0) = seed.
 */
export function pHash(
  alg: u32, secret: usize, secretLen: usize, seed: usize, seedLen: usize, offset: u64, length: usize, out: usize,
): void {
  const dl = <usize>digestLen(alg);
  hmacMidStates(alg, secret, secretLen, MIDS, WORK);
  hmacStart(CTX, alg, MIDS);
  hashUpdate(CTX, seed, seedLen);
  hmacFinal(CTX, alg, A);
  const first = offset / <u64>dl;
  for (let i: u64 = 0; i < first; i++) nextA(alg);
  let skip = <usize>(offset - first * <u64>dl);
  let written: usize = 0;
  while (written < length) {
    hmacStart(CTX, alg, MIDS);
    hashUpdate(CTX, A, dl);
    hashUpdate(CTX, seed, seedLen);
    hmacFinal(CTX, alg, BLOCK);
    const n = min<usize>(dl - skip, length - written);
    memory.copy(out + written, BLOCK + skip, n);
    written += n;
    skip = 0;
    if (written < length) nextA(alg);
  }
  // SECURITY: the mid-states are key-equivalent; A and the block are secret output.
  wipe16(SCRATCH, 720);
}
