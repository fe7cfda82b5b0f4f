// The `auto` provider: per operation and input size, the fastest backend available here (crossovers measured).
import { type Backend, backendPHash, composeProvider } from './compose.js';
import { jsBackend } from './js/provider.js';
import { nodeBackend } from './node/provider.js';
import type { HashAlg, Hasher, HmacKey } from './provider.js';
import { isCoreReady } from './wasm/core.js';
import { initSync } from './wasm/loader.js';
import { wasmBackend } from './wasm/provider.js';

/**
 * Input sizes (bytes) from which node:crypto (SHA-NI, AES-NI) beats the wasm core; below them wasm wins.
 * PERF: measured by `npm run bench -- --crossover` (bench/crypto/crossover.bench.ts) on the project's 2-vCPU Xeon
 * (Emerald Rapids, KVM), Node 20.20.2, 2026-11-22; beside each constant, wasm time / node time either side of it.
 */
export const CROSSOVER = {
  digest: {
    sha1: 800, // 512 B: 0.82, 1 KiB: 1.10
    sha256: 160, // 128 B: 0.93, 256 B: 1.31
  },
  hmac: {
    sha1: 2300, // 2 KiB: 0.93, 4 KiB: 1.29
    sha256: 512, // 512 B: 0.99, 1 KiB: 1.50
  },
  aesEncrypt: 640, // 512 B: 0.82, 1 KiB: 1.60
  aesDecrypt: 192, // 128 B: 0.76, 256 B: 1.32
};

let node: Backend | null | undefined;
let wasmReady: boolean | undefined;

function nodeOrNull(): Backend | null {
  if (node === undefined) {
    try {
      node = nodeBackend();
    } catch {
      node = null;
    }
  }
  return node;
}

/** The wasm core, instantiated on first need where synchronous compilation is allowed (Node, workers). */
function wasmOrNull(): Backend | null {
  if (wasmReady !== true) {
    try {
      initSync();
      wasmReady = true;
    } catch {
      wasmReady = isCoreReady();
    }
  }
  return wasmReady ? wasmBackend : null;
}

/** The backend for small inputs: wasm, else node, else js. */
function small(): Backend {
  return wasmOrNull() ?? nodeOrNull() ?? jsBackend;
}

/** The backend for an input of `size` bytes given node's crossover. */
function pick(size: number, crossover: number): Backend {
  const n = nodeOrNull();
  return n !== null && size >= crossover ? n : small();
}

/** Buffers the first bytes of a stream, and hands over to the large-input hasher once past the crossover. */
function createAutoHasher(
  crossover: number, smallOneShot: (data: Uint8Array) => Uint8Array, large: (() => Hasher) | null,
  smallStream: () => Hasher,
): Hasher {
  if (large === null) return smallStream();
  let buffer: Uint8Array | null = new Uint8Array(crossover);
  let used = 0;
  let handedOver: Hasher | null = null;
  const hasher: Hasher = {
    update(data) {
      if (handedOver !== null) {
        handedOver.update(data);
      } else if (used + data.length < crossover) {
        buffer!.set(data, used);
        used += data.length;
      } else {
        handedOver = large();
        handedOver.update(buffer!.subarray(0, used)).update(data);
        buffer!.fill(0);
        buffer = null;
      }
      return hasher;
    },
    digest() {
      if (handedOver !== null) return handedOver.digest();
      const out = smallOneShot(buffer!.subarray(0, used));
      buffer!.fill(0);
      buffer = null;
      return out;
    },
  };
  return hasher;
}

function hmacKey(alg: HashAlg, key: Uint8Array): HmacKey {
  const smallKey = small().hmacKey(alg, key);
  const n = nodeOrNull();
  const largeKey = n === null || n === small() ? null : n.hmacKey(alg, key);
  const crossover = CROSSOVER.hmac[alg];
  return {
    mac: (data) => (largeKey !== null && data.length >= crossover ? largeKey : smallKey).mac(data),
    create: () => createAutoHasher(crossover, (d) => smallKey.mac(d), largeKey && (() => largeKey.create()),
      () => smallKey.create()),
    destroy() {
      smallKey.destroy();
      largeKey?.destroy();
    },
  };
}

// SECURITY: where node:crypto is absent, AES runs in the constant-time wasm core, not in @noble's T-tables;
// node's AES-NI path is constant time too.

const backend: Backend = {
  name: 'auto',
  digest: (alg, data) => pick(data.length, CROSSOVER.digest[alg]).digest(alg, data),
  createHash(alg) {
    const n = nodeOrNull();
    const s = small();
    return createAutoHasher(CROSSOVER.digest[alg], (d) => s.digest(alg, d),
      n === null || n === s ? null : () => n.createHash(alg), () => s.createHash(alg));
  },
  hmacKey,
  // PERF: P_SHA1 in one wasm call is 6.7x node:crypto (performance.md §2).
  pHash: (alg, secret, seed, length, offset) => backendPHash(small(), alg, secret, seed, length, offset),
  cbcEncrypt: (key, iv, plaintext) => pick(plaintext.length, CROSSOVER.aesEncrypt).cbcEncrypt(key, iv, plaintext),
  cbcDecryptRaw: (key, iv, ciphertext) => pick(ciphertext.length, CROSSOVER.aesDecrypt).cbcDecryptRaw(key, iv, ciphertext),
};

export const auto = composeProvider(backend);
