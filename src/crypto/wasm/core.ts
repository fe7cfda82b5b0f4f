// The WebAssembly core's flat ABI (assembly/index.ts) as seen from JS, and the one loaded instance.
import { NotInitializedError } from '../../errors.js';

export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  io_ptr(): number;
  io_size(): number;
  hash_slots(): number;
  alg_sha1(): number;
  alg_sha256(): number;
  digest_len(alg: number): number;
  hash_init(slot: number, alg: number): void;
  hash_update(slot: number, len: number): void;
  hash_final(slot: number): void;
  hash_digest(alg: number, len: number): void;
  slot_release(slot: number): void;
  hmac_mid_states(alg: number, keyLen: number): void;
  hmac_start(slot: number, alg: number): void;
  hmac_final(slot: number): void;
  hmac_mac(alg: number, len: number): void;
  p_hash(alg: number, secretLen: number, seedLen: number, offset: number, length: number): void;
  p_hash_out(secretLen: number, seedLen: number): number;
  aes_slots(): number;
  /** Key at IO[0, keyLen) → schedule in `slot`; 0 on success, 1 for a bad key length. Wipes the key bytes. */
  aes_init(slot: number, keyLen: number): number;
  /** IV at IO[0, 16), data at IO[16, 16 + len) in place; IO[0, 16) becomes the last ciphertext block. */
  aes_cbc_encrypt(slot: number, len: number): void;
  aes_cbc_decrypt(slot: number, len: number): void;
  aes_release(slot: number): void;
}

/** The instantiated core with its fixed-memory views (the memory never grows, so views never detach). */
export interface Core {
  readonly abi: CoreExports;
  readonly io: Uint8Array;
  readonly ioSize: number;
}

let current: Core | undefined;

export function setCore(instance: WebAssembly.Instance): Core {
  const abi = instance.exports as unknown as CoreExports;
  const ioSize = abi.io_size();
  current = { abi, io: new Uint8Array(abi.memory.buffer, abi.io_ptr(), ioSize), ioSize };
  return current;
}

/** The loaded core; throws NotInitializedError before init()/initSync(). */
export function core(): Core {
  if (current === undefined) throw new NotInitializedError();
  return current;
}

export function isCoreReady(): boolean {
  return current !== undefined;
}
