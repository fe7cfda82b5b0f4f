// Core primitive benchmarks: every provider (wasm, node, js, auto) and hash-wasm, in one run per comparison.
import { createHMAC, createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import { auto, initSync, js, nodeProvider, wasm, type CryptoProvider, type HashAlg } from '../../src/crypto/index.js';
import { compare, formatSize, type BenchOptions, type Row } from '../harness.js';

const HASH_SIZES = [32, 64, 1024, 16 * 1024, 1 << 20];
const AES_SIZES = [256, 16 * 1024, 1 << 20];
/** `--quick`: the sizes the targets name, in well under a minute. */
const QUICK_HASH_SIZES = [64, 16 * 1024];
const QUICK_AES_SIZES = [16 * 1024];
const LABEL = new TextEncoder().encode('WS-SecureConversationWS-SecureConversation');

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + seed * 7) & 255;
  return out;
}

/** P_hash over a reused hash-wasm HMAC instance (its fastest use: keyed once per secret). */
function hashWasmPHash(mac: IHasher, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  mac.init();
  let a = mac.update(seed).digest('binary');
  for (let done = 0; done < length; done += 20) {
    mac.init();
    const block = mac.update(a).update(seed).digest('binary');
    out.set(block.subarray(0, Math.min(20, length - done)), done);
    mac.init();
    a = mac.update(a).digest('binary');
  }
  return out;
}

export async function cryptoBenches(opts: BenchOptions, only?: (name: string) => boolean): Promise<Row[]> {
  initSync();
  const node = nodeProvider();
  const providers: CryptoProvider[] = [wasm, node, js, auto];
  const hw: Record<HashAlg, IHasher> = { sha1: await createSHA1(), sha256: await createSHA256() };
  const hashSizes = opts.quick ? QUICK_HASH_SIZES : HASH_SIZES;
  const aesSizes = opts.quick ? QUICK_AES_SIZES : AES_SIZES;
  const rows: Row[] = [];
  const want = (suite: string) => only === undefined || only(suite);

  for (const alg of ['sha1', 'sha256'] as const) {
    if (!want(alg)) continue;
    for (const size of hashSizes) {
      const data = bytes(size);
      const impls: Record<string, () => unknown> = {};
      for (const p of providers) impls[p.name] = () => p.digest(alg, data);
      impls['hash-wasm'] = () => hw[alg].init().update(data).digest('binary');
      rows.push(...await compare({ suite: alg, operation: 'digest', size: formatSize(size), bytes: size, impls }, opts));
    }
  }

  const macKey = bytes(32, 9);
  for (const alg of ['sha1', 'sha256'] as const) {
    if (!want(`hmac-${alg}`)) continue;
    const keys = providers.map((p) => [p.name, p.hmacKey(alg, macKey)] as const);
    const hwMac = await createHMAC(alg === 'sha1' ? createSHA1() : createSHA256(), macKey);
    for (const size of hashSizes) {
      const data = bytes(size, 3);
      const impls: Record<string, () => unknown> = {};
      for (const [name, key] of keys) impls[name] = () => key.mac(data);
      impls['hash-wasm'] = () => hwMac.init().update(data).digest('binary');
      rows.push(...await compare({ suite: `hmac-${alg}`, operation: 'mac', size: formatSize(size), bytes: size, impls }, opts));
    }
    for (const [, key] of keys) key.destroy();
  }

  if (want('psha1')) {
    const secret = bytes(32, 5);
    const seed = new Uint8Array([...LABEL, ...bytes(16, 6)]);
    const hwMac = await createHMAC(createSHA1(), secret);
    for (const length of [24, 32]) {
      const impls: Record<string, () => unknown> = {};
      for (const p of providers) impls[p.name] = () => p.pHash('sha1', secret, seed, length);
      impls['hash-wasm'] = () => hashWasmPHash(hwMac, seed, length);
      rows.push(...await compare({ suite: 'psha1', operation: 'derive', size: `${length}B`, bytes: 0, impls }, opts));
    }
  }

  if (want('aes256-cbc')) {
    const key = bytes(32, 11);
    const iv = bytes(16, 12);
    for (const size of aesSizes) {
      const pt = bytes(size - 1, 13); // one pad byte keeps every size a whole number of blocks
      const ct = node.aesCbcEncrypt(key, iv, pt);
      const enc: Record<string, () => unknown> = {};
      const dec: Record<string, () => unknown> = {};
      for (const p of providers) {
        enc[p.name] = () => p.aesCbcEncrypt(key, iv, pt);
        dec[p.name] = () => p.aesCbcDecrypt(key, iv, ct);
      }
      rows.push(...await compare({ suite: 'aes256-cbc', operation: 'encrypt', size: formatSize(size), bytes: size, impls: enc }, opts));
      rows.push(...await compare({ suite: 'aes256-cbc', operation: 'decrypt', size: formatSize(size), bytes: size, impls: dec }, opts));
    }
  }
  return rows;
}
