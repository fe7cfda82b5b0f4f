// wssc core ABI: the only export surface of the WebAssembly module (flat functions over the I/O buffer).
import { ALG_SHA1, ALG_SHA256, digestLen, hashFinal, hashInit, hashUpdate } from './hash';
import { hmacFinal, hmacMidStates, hmacStart } from './hmac';
import { HASH_ARENA, HASH_SLOTS, HASH_SLOT_SIZE, IO, IO_SIZE, SCRATCH, wipe, wipe16 } from './layout';
import { pHash } from './p-hash';

// SPEC: the JS side validates every argument (slot range, algorithm, lengths within IO_SIZE); the core
// trusts them, as hash-wasm and as-sha256 do.

@inline
function slotPtr(slot: u32): usize {
  return HASH_ARENA + <usize>slot * HASH_SLOT_SIZE;
}

export function io_ptr(): usize {
  return IO;
}

export function io_size(): u32 {
  return IO_SIZE;
}

export function hash_slots(): u32 {
  return HASH_SLOTS;
}

export function alg_sha1(): u32 {
  return ALG_SHA1;
}

export function alg_sha256(): u32 {
  return ALG_SHA256;
}

/** Starts a hash in `slot`. */
export function hash_init(slot: u32, alg: u32): void {
  hashInit(slotPtr(slot), alg);
}

/** Absorbs IO[0, len). */
export function hash_update(slot: u32, len: u32): void {
  hashUpdate(slotPtr(slot), IO, len);
}

/** Writes the digest to IO[0, digestLen) and wipes the slot. */
export function hash_final(slot: u32): void {
  const ctx = slotPtr(slot);
  hashFinal(ctx, IO);
  wipe(ctx, HASH_SLOT_SIZE);
}

/** Wipes a slot whose hash or MAC was abandoned. */
export function slot_release(slot: u32): void {
  wipe(slotPtr(slot), HASH_SLOT_SIZE);
}

/** One-shot digest of IO[0, len) into IO[0, digestLen). */
export function hash_digest(alg: u32, len: u32): void {
  hashInit(SCRATCH, alg);
  hashUpdate(SCRATCH, IO, len);
  hashFinal(SCRATCH, IO);
  wipe16(SCRATCH, 160);
}

/** Key at IO[0, keyLen) → inner ‖ outer mid-states at IO[0, 64); the key bytes are wiped. */
export function hmac_mid_states(alg: u32, keyLen: u32): void {
  hmacMidStates(alg, IO, keyLen, SCRATCH, SCRATCH + 256);
  wipe(IO, max<u32>(keyLen, 64));
  memory.copy(IO, SCRATCH, 64);
  wipe(SCRATCH, 64);
}

/** Starts a MAC in `slot` from the mid-states at IO[0, 64) (wiped after loading). */
export function hmac_start(slot: u32, alg: u32): void {
  hmacStart(slotPtr(slot), alg, IO);
  wipe(IO, 64);
}

/** Writes the MAC to IO[0, digestLen) and wipes the slot. */
export function hmac_final(slot: u32): void {
  const ctx = slotPtr(slot);
  hmacFinal(ctx, load<u32>(ctx), IO);
  wipe(ctx, HASH_SLOT_SIZE);
}

/** One-shot MAC: mid-states at IO[0, 64), data at IO[64, 64 + len) → MAC at IO[0, digestLen). */
export function hmac_mac(alg: u32, len: u32): void {
  hmacStart(SCRATCH, alg, IO);
  wipe16(IO, 64);
  hashUpdate(SCRATCH, IO + 64, len);
  hmacFinal(SCRATCH, alg, IO);
  wipe16(SCRATCH, 160);
}

/**
 * P_hash: secret at IO[0, secretLen), seed right after it; bytes [offset, offset + length) of the stream are
 * written at IO + p_hash_out(secretLen, seedLen). The secret is wiped.
 */
export function p_hash(alg: u32, secretLen: u32, seedLen: u32, offset: f64, length: u32): void {
  // PERF: f64 rather than u64 spares the JS side a BigInt per call; offsets stay exact below 2^53.
  const out = IO + <usize>p_hash_out(secretLen, seedLen);
  pHash(alg, IO, secretLen, IO + secretLen, seedLen, <u64>offset, length, out);
  wipe(IO, secretLen);
}

export function p_hash_out(secretLen: u32, seedLen: u32): u32 {
  return (secretLen + seedLen + 15) & ~15;
}

export function digest_len(alg: u32): u32 {
  return digestLen(alg);
}
export { aes_slots, aes_init, aes_cbc_encrypt, aes_cbc_decrypt, aes_release } from './cbc';
