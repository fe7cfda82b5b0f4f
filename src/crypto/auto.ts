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

/** Size of the pooled head buffers: room for the largest crossover. */
const HEAD_BYTES = Math.max(...Object.values(CROSSOVER.digest), ...Object.values(CROSSOVER.hmac));
const HEAD_POOL_MAX = 8;
/** Free head buffers, all-zero. A hasher dropped before digest() simply keeps its buffer (the GC takes it). */
const headPool: Uint8Array[] = [];
const EMPTY = new Uint8Array(0);

/**
 * Buffers the first bytes of a stream, and hands over to the large-input hasher once past the crossover.
 * PERF: the head buffer is taken from a pool at the first bytes and returned (wiped) at hand-over or digest,
 * instead of a fresh zero-filled 800 B per hasher: createHash + update(300 B) + digest 2.0 → 0.8 µs (sha1,
 * tight loop, median of interleaved runs; auto.digest one-shot is 0.6).
 */
function createAutoHasher(
  crossover: number, smallOneShot: (data: Uint8Array) => Uint8Array, large: (() => Hasher) | null,
  smallStream: () => Hasher,
): Hasher {
  if (large === null) return smallStream();
  let buffer: Uint8Array | null = null;
  let used = 0;
  let handedOver: Hasher | null = null;
  // SECURITY: the buffered bytes (message content, MAC input) are wiped before the buffer goes back to the pool.
  const release = (): void => {
    if (buffer === null) return;
    buffer.fill(0, 0, used);
    if (headPool.length < HEAD_POOL_MAX) headPool.push(buffer);
    buffer = null;
  };
  const hasher: Hasher = {
    update(data) {
      if (handedOver !== null) {
        handedOver.update(data);
      } else if (used + data.length < crossover) {
        if (data.length === 0) return hasher;
        if (buffer === null) buffer = headPool.pop() ?? new Uint8Array(HEAD_BYTES);
        buffer.set(data, used);
        used += data.length;
      } else {
        handedOver = large();
        if (buffer !== null) handedOver.update(buffer.subarray(0, used));
        handedOver.update(data);
        release();
      }
      return hasher;
    },
    digest() {
      if (handedOver !== null) return handedOver.digest();
      const out = smallOneShot(buffer === null ? EMPTY : buffer.subarray(0, used));
      release();
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
