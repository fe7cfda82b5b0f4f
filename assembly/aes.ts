// AES key expansion (FIPS 197 §5.2) and the round-key forms used by the vector-permute rounds (§5.1, §5.3.5).
import {
  DEC_WIDTH,
  decryptBlocks1,
  decryptBlocksWide,
  encryptBlock,
  linearMap,
  permROT1,
  permROT2,
  permROT3,
  permTR,
  subBytes,
  TAB_DEC,
  TAB_M11,
  TAB_M13,
  TAB_M14,
  TAB_M9,
  TAB_TWR,
} from './generated/aes-core';

export { DEC_WIDTH, decryptBlocks1, decryptBlocksWide, encryptBlock };

// Context layout (bytes): 0 rounds u32 | 16 encryption schedule[(nr+1)*16] | 256 decryption schedule[(nr+1)*16];
// every round key is stored transposed and in the basis its round works in (see the end of aesExpandKey).
export const AES_NR: usize = 0;
export const AES_EK: usize = 16;
export const AES_DK: usize = 256;
export const AES_CTX_SIZE: usize = 496;

@inline
function subWord(w: u32): u32 {
  return i32x4.extract_lane(subBytes(i32x4.splat(w)), 0);
}

@inline
function invMixColumns(v: v128): v128 {
  return v128.xor(
    v128.xor(linearMap(v, TAB_M14), permROT1(linearMap(v, TAB_M11))),
    v128.xor(permROT2(linearMap(v, TAB_M13)), permROT3(linearMap(v, TAB_M9))),
  );
}

/**
 * Expands the `keyLen`-byte key at `key` into the context `ctx`; false (and nothing written) for a length other
 * than 16, 24 or 32. SECURITY: SubWord goes through the same constant-time S-box as the rounds; the standard
 * schedule only ever exists inside `ctx`, where it is overwritten by its transformed forms.
 */
export function aesExpandKey(ctx: usize, key: usize, keyLen: u32): bool {
  if (keyLen != 16 && keyLen != 24 && keyLen != 32) return false;
  const nk = <usize>(keyLen >>> 2);
  const nr = nk + 6;
  const ek = ctx + AES_EK;
  const dk = ctx + AES_DK;
  memory.copy(ek, key, keyLen);
  let rcon: u32 = 1;
  const words = (nr + 1) << 2;
  for (let i = nk, m: usize = 0; i < words; i++) {
    let t = load<u32>(ek + ((i - 1) << 2));
    if (m == 0) {
      t = subWord(rotr<u32>(t, 8)) ^ rcon; // RotWord on little-endian words is a right rotation
      rcon = (rcon << 1) ^ (0x11b & -(rcon >>> 7));
    } else if (nk > 6 && m == 4) {
      t = subWord(t);
    }
    store<u32>(ek + (i << 2), load<u32>(ek + ((i - nk) << 2)) ^ t);
    if (++m == nk) m = 0;
  }
  // The rounds work on the transposed state, so the keys are transposed first. The S-box constant 0x63 survives
  // MixColumns unchanged (1 = 2 + 3 + 1 + 1), so every round key absorbs it; the decryption keys are
  // InvMixColumns'd for the equivalent inverse cipher.
  const c63 = i8x16.splat(0x63);
  for (let r: usize = 0; r <= nr; r++) {
    const rk = permTR(v128.load(ek + (r << 4)));
    let e: v128, d: v128;
    if (r == 0) {
      e = linearMap(rk, TAB_TWR);
      d = rk;
    } else if (r == nr) {
      e = v128.xor(rk, c63);
      d = linearMap(v128.xor(rk, c63), TAB_DEC);
    } else {
      e = linearMap(v128.xor(rk, c63), TAB_TWR);
      d = linearMap(v128.xor(invMixColumns(rk), c63), TAB_DEC);
    }
    v128.store(ek + (r << 4), e);
    v128.store(dk + (r << 4), d);
  }
  store<u32>(ctx + AES_NR, <u32>nr);
  return true;
}
