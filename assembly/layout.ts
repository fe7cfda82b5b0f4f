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
