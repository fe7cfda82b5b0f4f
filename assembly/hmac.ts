// HMAC (RFC 2104) over SHA-1 / SHA-256 with pre-computed ipad/opad mid-states.
import {
  BLOCK_LEN, CTX_OUTER, CTX_STATE, CTX_SIZE, compressBlocks, digestLen, hashFinal, hashInit, hashResume,
  hashUpdate, initialState,
} from './hash';
import { copy32, wipe } from './layout';

/**
 * Computes the inner and outer mid-states of `key` into `mids` (inner at 0, outer at 32).
 * `work` is scratch space of CTX_SIZE + 64 bytes, wiped before returning.
 */
export function hmacMidStates(alg: u32, key: usize, keyLen: usize, mids: usize, work: usize): void {
  const pad = work + CTX_SIZE;
  memory.fill(pad, 0, BLOCK_LEN);
  if (keyLen > BLOCK_LEN) {
    // SPEC: RFC 2104 §2, keys longer than the block are hashed first.
    hashInit(work, alg);
    hashUpdate(work, key, keyLen);
    hashFinal(work, pad);
  } else {
    memory.copy(pad, key, keyLen);
  }
  for (let i: usize = 0; i < BLOCK_LEN; i += 4) store<u32>(pad + i, load<u32>(pad + i) ^ 0x36363636);
  initialState(alg, mids);
  compressBlocks(alg, mids, pad, 1);
  for (let i: usize = 0; i < BLOCK_LEN; i += 4) store<u32>(pad + i, load<u32>(pad + i) ^ 0x6a6a6a6a);
  initialState(alg, mids + 32);
  compressBlocks(alg, mids + 32, pad, 1);
  wipe(work, CTX_SIZE + BLOCK_LEN);
}

/** Starts a MAC in `ctx` from mid-states (inner at `mids`, outer at `mids + 32`). */
export function hmacStart(ctx: usize, alg: u32, mids: usize): void {
  hashResume(ctx, alg, mids);
  copy32(ctx + CTX_OUTER, mids + 32);
}

/**
 * Finishes the MAC in `ctx` into `out`; `tmp` holds 32 scratch bytes.
 * PERF: no wiping here; each exported entry point wipes its whole context once, after its last MAC.
 */
export function hmacFinal(ctx: usize, alg: u32, out: usize, tmp: usize): void {
  hashFinal(ctx, tmp);
  hashResume(ctx, alg, ctx + CTX_OUTER);
  hashUpdate(ctx, tmp, digestLen(alg));
  hashFinal(ctx, out);
}
