// The crypto provider seam of CONTRACT.md: one interface over WASM, node:crypto and pure JS.

export type HashAlg = 'sha1' | 'sha256';

/** A streaming hash or MAC. `digest()` ends it; any later call throws. */
export interface Hasher {
  update(data: Uint8Array): Hasher;
  digest(): Uint8Array;
}

/** A pre-keyed HMAC: the ipad/opad mid-states are computed once. */
export interface HmacKey {
  /** One-shot MAC of `data` with this key. */
  mac(data: Uint8Array): Uint8Array;
  /** A streaming MAC with this key. */
  create(): Hasher;
  /** Wipes the key material; any later use throws. */
  destroy(): void;
}

export interface CryptoProvider {
  readonly name: string;
  digest(alg: HashAlg, data: Uint8Array): Uint8Array;
  createHash(alg: HashAlg): Hasher;
  hmac(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array;
  hmacKey(alg: HashAlg, key: Uint8Array): HmacKey;
  /** Bytes [offset, offset + length) of P_hash(secret, seed) (RFC 2246 §5; WS-SC P_SHA1). */
  pHash(alg: HashAlg, secret: Uint8Array, seed: Uint8Array, length: number, offset?: number): Uint8Array;
  /** AES-CBC, key size from key.length (16, 24, 32); PKCS#7-style padding; ciphertext only (no IV). */
  aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** AES-CBC with XML-Enc padding; every failure is the same DecryptionError. */
  aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  randomBytes(length: number): Uint8Array;
  /** Constant time for equal lengths. */
  equal(a: Uint8Array, b: Uint8Array): boolean;
}
