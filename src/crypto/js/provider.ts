// CryptoProvider in pure JavaScript over @noble/hashes and @noble/ciphers (no WebAssembly, no node:crypto).
import { cbc } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type Backend, composeProvider } from '../compose.js';
import type { HashAlg, Hasher } from '../provider.js';

const HASHES = { sha1, sha256 } as const;

function wrap(h: { update(d: Uint8Array): unknown; digest(): Uint8Array }): Hasher {
  const hasher: Hasher = {
    update(data) {
      h.update(data);
      return hasher;
    },
    digest: () => h.digest(),
  };
  return hasher;
}

export const jsBackend: Backend = {
  name: 'js',
  digest: (alg, data) => HASHES[alg](data),
  createHash: (alg) => wrap(HASHES[alg].create()),
  hmacKey(alg: HashAlg, key: Uint8Array) {
    // PERF: keyed once; each MAC clones the ipad/opad state (performance.md §1: 306k/s vs 202k/s at 32 B).
    const keyed = hmac.create(HASHES[alg], key);
    return {
      mac: (data) => keyed.clone().update(data).digest(),
      create: () => wrap(keyed.clone()),
      destroy: () => keyed.destroy(),
    };
  },
  cbcEncrypt: (key, iv, plaintext) => cbc(key, iv).encrypt(plaintext),
  cbcDecryptRaw: (key, iv, ciphertext) => cbc(key, iv, { disablePadding: true }).decrypt(ciphertext),
};

/** The pure-JS provider (@noble/hashes + @noble/ciphers). Its AES uses T-tables: not constant time. */
export const js = composeProvider(jsBackend);
