// HMAC (RFC 2104) over SHA-1 / SHA-256 with pre-computed ipad/opad mid-states.
import {
  ALG_SHA1, BLOCK_LEN, CTX_BLOCK, CTX_OUTER, CTX_STATE, CTX_SIZE, compressBlocks, digestLen, hashFinal, hashInit,
  hashResume, hashUpdate, initialState,
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

/** Writes the big-endian digest held in `state` to `block` (the first digestLen bytes). */
@inline
function stateToBlock(alg: u32, state: usize, block: usize): void {
  const words = <usize>(digestLen(alg) >>> 2);
  for (let i: usize = 0; i < words; i++) store<u32>(block + (i << 2), bswap<u32>(load<u32>(state + (i << 2))));
}

/**
 * Pads a block whose first digestLen bytes are a message that follows one already-absorbed block (the
 * ipad/opad block): 0x80, zeros, and the bit length (64 + digestLen) * 8.
 */
@inline
function padDigestBlock(alg: u32, block: usize): void {
  if (alg == ALG_SHA1) {
    store<u32>(block, 0x80, 20);
    store<u64>(block, 0, 24);
    store<u64>(block, 0, 32);
  } else {
    store<u64>(block, 0x80, 32);
  }
  store<u64>(block, 0, 40);
  store<u64>(block, 0, 48);
  store<u64>(block, bswap<u64>(<u64>(BLOCK_LEN + digestLen(alg)) << 3), 56);
}

/** The outer hash from the inner digest already padded in `block`: one compression, result to `out`. */
@inline
function outerHash(alg: u32, state: usize, outerMid: usize, block: usize, out: usize): void {
  copy32(state, outerMid);
  compressBlocks(alg, state, block, 1);
  stateToBlock(alg, state, out);
}

/**
 * Finishes the MAC in `ctx` into `out`.
 * PERF: the outer hash is one compression over a fixed-layout block (no generic update/final), and nothing is
 * wiped here: each exported entry point wipes its whole context once, after its last MAC. Both together took
 * P_SHA1(32 B) from 1.65 to 1.4 µs (bench: psha1/derive/32B/wasm).
 */
export function hmacFinal(ctx: usize, alg: u32, out: usize): void {
  const block = ctx + CTX_BLOCK;
  hashFinal(ctx, block);
  padDigestBlock(alg, block);
  outerHash(alg, ctx + CTX_STATE, ctx + CTX_OUTER, block, out);
}

/** HMAC of a digest-sized message (P_hash's A(i) chain): two compressions in all. `ctx` is scratch. */
export function hmacOfDigest(ctx: usize, alg: u32, mids: usize, msg: usize, out: usize): void {
  const block = ctx + CTX_BLOCK;
  const state = ctx + CTX_STATE;
  copy32(block, msg);
  padDigestBlock(alg, block);
  copy32(state, mids);
  compressBlocks(alg, state, block, 1);
  stateToBlock(alg, state, block);
  outerHash(alg, state, mids + 32, block, out);
}
