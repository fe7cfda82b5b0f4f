// wssc core memory map: one static I/O buffer and fixed context arenas (no allocator on any path).

// SPEC (ARCHITECTURE.md, "Context slots, not globals"): memory is fixed, so JS views never detach.
export const IO_SIZE: u32 = 65536;
export const IO: usize = memory.data(65536, 16);

// Hash / HMAC contexts. Slot layout in hash-context.ts.
export const HASH_SLOTS: u32 = 256;
export const HASH_SLOT_SIZE: u32 = 256;
export const HASH_ARENA: usize = memory.data(65536, 16); // HASH_SLOTS * HASH_SLOT_SIZE

// Scratch contexts used inside fused calls (HMAC with imported mid-states, P_hash).
export const SCRATCH: usize = memory.data(1024, 16);

// AES-CBC contexts (expanded key schedules). Slot layout is aes.ts's business.
export const AES_SLOTS: u32 = 8;
export const AES_SLOT_SIZE: u32 = 4096;
export const AES_ARENA: usize = memory.data(32768, 16); // AES_SLOTS * AES_SLOT_SIZE

/** Zeroes `len` bytes at `ptr`. SECURITY: used on every release of key or state material. */
@inline
export function wipe(ptr: usize, len: usize): void {
  memory.fill(ptr, 0, len);
}

// PERF: V8 lowers memory.copy/memory.fill to out-of-line calls; for the short fixed-size moves of the HMAC
// and P_hash paths, plain loads and stores cut hmac_mac(64 B) from 0.33 to 0.27 µs (bench: hmac-sha1/mac/64B).

/** Copies 32 bytes (a SHA-1 or SHA-256 state). */
@inline
export function copy32(dst: usize, src: usize): void {
  v128.store(dst, v128.load(src));
  v128.store(dst, v128.load(src, 16), 16);
}

/** Copies `len` (< 64) bytes. */
@inline
export function copySmall(dst: usize, src: usize, len: usize): void {
  while (len >= 8) {
    store<u64>(dst, load<u64>(src));
    dst += 8;
    src += 8;
    len -= 8;
  }
  while (len > 0) {
    store<u8>(dst, load<u8>(src));
    dst++;
    src++;
    len--;
  }
}

/** Zeroes [from, to) inside one 64-byte block. */
@inline
export function zeroRange(from: usize, to: usize): void {
  while (from < to && (from & 7) != 0) {
    store<u8>(from, 0);
    from++;
  }
  while (from + 8 <= to) {
    store<u64>(from, 0);
    from += 8;
  }
  while (from < to) {
    store<u8>(from, 0);
    from++;
  }
}

/** Zeroes `len` bytes, a multiple of 16, at a 16-aligned `ptr`. SECURITY: the wipe of small contexts. */
@inline
export function wipe16(ptr: usize, len: usize): void {
  const zero = i64x2.splat(0);
  for (let i: usize = 0; i < len; i += 16) v128.store(ptr + i, zero);
}
