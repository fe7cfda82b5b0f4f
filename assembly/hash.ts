// SHA-1 and SHA-256 contexts (FIPS 180-4 §5.1.1 padding, §5.3 initial values) over the generated block loops.
import { sha1Blocks } from './generated/sha1-blocks';
import { sha256Blocks } from './generated/sha256-blocks';
import { copy32, copySmall, zeroRange } from './layout';

export const ALG_SHA1: u32 = 1;
export const ALG_SHA256: u32 = 2;

// Context layout (bytes): 0 alg u32 | 4 buffered u32 | 8 total u64 | 16 state[32] | 48 block[64]
// | 112 HMAC outer mid-state[32]. CTX_SIZE fits a HASH_SLOT_SIZE slot.
export const CTX_ALG: usize = 0;
export const CTX_BUFFERED: usize = 4;
export const CTX_TOTAL: usize = 8;
export const CTX_STATE: usize = 16;
export const CTX_BLOCK: usize = 48;
export const CTX_OUTER: usize = 112;
export const CTX_SIZE: usize = 144;
export const BLOCK_LEN: usize = 64;

@inline
export function digestLen(alg: u32): u32 {
  return alg == ALG_SHA1 ? 20 : 32;
}

/** Writes the algorithm's initial hash value to `state`. */
export function initialState(alg: u32, state: usize): void {
  if (alg == ALG_SHA1) {
    store<u32>(state, 0x67452301, 0);
    store<u32>(state, 0xefcdab89, 4);
    store<u32>(state, 0x98badcfe, 8);
    store<u32>(state, 0x10325476, 12);
    store<u32>(state, 0xc3d2e1f0, 16);
  } else {
    store<u32>(state, 0x6a09e667, 0);
    store<u32>(state, 0xbb67ae85, 4);
    store<u32>(state, 0x3c6ef372, 8);
    store<u32>(state, 0xa54ff53a, 12);
    store<u32>(state, 0x510e527f, 16);
    store<u32>(state, 0x9b05688c, 20);
    store<u32>(state, 0x1f83d9ab, 24);
    store<u32>(state, 0x5be0cd19, 28);
  }
}

@inline
export function compressBlocks(alg: u32, state: usize, p: usize, blocks: usize): void {
  if (alg == ALG_SHA1) sha1Blocks(state, p, blocks);
  else sha256Blocks(state, p, blocks);
}

export function hashInit(ctx: usize, alg: u32): void {
  store<u32>(ctx, alg, CTX_ALG);
  store<u32>(ctx, 0, CTX_BUFFERED);
  store<u64>(ctx, 0, CTX_TOTAL);
  initialState(alg, ctx + CTX_STATE);
}

/** Resumes from a mid-state that has already absorbed one block (HMAC ipad/opad). */
export function hashResume(ctx: usize, alg: u32, midState: usize): void {
  store<u32>(ctx, alg, CTX_ALG);
  store<u32>(ctx, 0, CTX_BUFFERED);
  store<u64>(ctx, <u64>BLOCK_LEN, CTX_TOTAL);
  copy32(ctx + CTX_STATE, midState);
}

export function hashUpdate(ctx: usize, p: usize, len: usize): void {
  const alg = load<u32>(ctx, CTX_ALG);
  const state = ctx + CTX_STATE;
  const block = ctx + CTX_BLOCK;
  store<u64>(ctx, load<u64>(ctx, CTX_TOTAL) + <u64>len, CTX_TOTAL);
  let buffered = <usize>load<u32>(ctx, CTX_BUFFERED);
  if (buffered > 0) {
    const take = min<usize>(BLOCK_LEN - buffered, len);
    copySmall(block + buffered, p, take);
    buffered += take;
    p += take;
    len -= take;
    if (buffered < BLOCK_LEN) {
      store<u32>(ctx, <u32>buffered, CTX_BUFFERED);
      return;
    }
    compressBlocks(alg, state, block, 1);
    buffered = 0;
  }
  const blocks = len >>> 6;
  if (blocks > 0) {
    compressBlocks(alg, state, p, blocks);
    p += blocks << 6;
    len -= blocks << 6;
  }
  copySmall(block, p, len);
  store<u32>(ctx, <u32>len, CTX_BUFFERED);
}

/** Pads and writes the big-endian digest to `out`; the caller wipes the context. */
export function hashFinal(ctx: usize, out: usize): void {
  const alg = load<u32>(ctx, CTX_ALG);
  const state = ctx + CTX_STATE;
  const block = ctx + CTX_BLOCK;
  const bits = load<u64>(ctx, CTX_TOTAL) << 3;
  let buffered = <usize>load<u32>(ctx, CTX_BUFFERED);
  store<u8>(block + buffered, 0x80);
  buffered++;
  if (buffered > 56) {
    zeroRange(block + buffered, block + BLOCK_LEN);
    compressBlocks(alg, state, block, 1);
    buffered = 0;
  }
  zeroRange(block + buffered, block + 56);
  store<u64>(block, bswap<u64>(bits), 56);
  compressBlocks(alg, state, block, 1);
  const words = digestLen(alg) >>> 2;
  for (let i: usize = 0; i < words; i++) {
    store<u32>(out + (i << 2), bswap<u32>(load<u32>(state + (i << 2))));
  }
}
