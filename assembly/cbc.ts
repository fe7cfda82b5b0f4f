// CBC mode over whole blocks (NIST SP 800-38A §6.2) on AES context slots: the core's aes_* ABI.
import { AES_CTX_SIZE, AES_DK, AES_EK, AES_NR, aesExpandKey, DEC_WIDTH, decryptBlocks1, decryptBlocksWide, encryptBlock } from './aes';
import { AES_ARENA, AES_SLOT_SIZE, AES_SLOTS, IO, IO_SIZE, wipe } from './layout';

// SPEC: like the hash ABI, the JS side validates slot numbers and lengths (len a multiple of 16, ≤ IO_SIZE - 16).

@inline
function slotPtr(slot: u32): usize {
  return AES_ARENA + <usize>slot * AES_SLOT_SIZE;
}

export function aes_slots(): u32 {
  return AES_SLOTS;
}

/** Key at IO[0, keyLen) → both schedules in `slot`; 0 on success, 1 for a bad length. The key bytes are wiped. */
export function aes_init(slot: u32, keyLen: u32): u32 {
  const ctx = slotPtr(slot);
  const ok = aesExpandKey(ctx, IO, keyLen);
  wipe(IO, min<u32>(keyLen, IO_SIZE));
  if (!ok) wipe(ctx, AES_CTX_SIZE);
  return ok ? 0 : 1;
}

/** IV at IO[0, 16), data at IO[16, 16 + len) encrypted in place; IO[0, 16) becomes the last ciphertext block. */
export function aes_cbc_encrypt(slot: u32, len: u32): void {
  const ctx = slotPtr(slot);
  const nr = <usize>load<u32>(ctx, AES_NR);
  const ek = ctx + AES_EK;
  let c = v128.load(IO);
  const end = IO + 16 + <usize>len;
  for (let p = IO + 16; p < end; p += 16) {
    c = encryptBlock(v128.xor(v128.load(p), c), ek, nr);
    v128.store(p, c);
  }
  v128.store(IO, c);
}

/** Same layout, decrypted in place; IO[0, 16) becomes the last ciphertext block of this call's input. */
export function aes_cbc_decrypt(slot: u32, len: u32): void {
  const ctx = slotPtr(slot);
  const nr = <usize>load<u32>(ctx, AES_NR);
  const dk = ctx + AES_DK;
  const first = IO + 16;
  let p = first + <usize>len;
  if (p == first) return;
  const lastCipher = v128.load(p - 16);
  // Walking from the end keeps the block before each one intact (ciphertext, or the IV at IO[0, 16)), so the
  // block functions chain in place and CBC decryption runs DEC_WIDTH blocks side by side.
  const wide = DEC_WIDTH << 4;
  while (p - first >= wide) {
    p -= wide;
    decryptBlocksWide(p, dk, nr);
  }
  while (p > first) {
    p -= 16;
    decryptBlocks1(p, dk, nr);
  }
  v128.store(IO, lastCipher);
}

/** SECURITY: wipes both key schedules. */
export function aes_release(slot: u32): void {
  wipe(slotPtr(slot), AES_SLOT_SIZE);
}
