// Finds the input sizes where node:crypto overtakes the wasm core: the source of auto.ts's CROSSOVER constants.
import { initSync, nodeProvider, wasm, type CryptoProvider } from '../../src/crypto/index.js';
import { compare, formatSize, type BenchOptions } from '../harness.js';

const SIZES = [64, 128, 256, 512, 1024, 2048, 4096, 8192];

export interface Crossover {
  operation: string;
  /** Smallest measured size at which node is faster, or null if wasm wins at every size. */
  nodeFasterFrom: number | null;
  /** wasm µs / node µs per size. */
  ratios: Record<string, number>;
}

export async function crossovers(opts: BenchOptions): Promise<Crossover[]> {
  initSync();
  const node = nodeProvider();
  const key = new Uint8Array(32).fill(7);
  const iv = new Uint8Array(16).fill(9);
  const ops: Record<string, (p: CryptoProvider, data: Uint8Array) => () => unknown> = {
    'sha1/digest': (p, d) => () => p.digest('sha1', d),
    'sha256/digest': (p, d) => () => p.digest('sha256', d),
    'hmac-sha1/mac': (p, d) => { const k = p.hmacKey('sha1', key); return () => k.mac(d); },
    'hmac-sha256/mac': (p, d) => { const k = p.hmacKey('sha256', key); return () => k.mac(d); },
    'aes256-cbc/encrypt': (p, d) => () => p.aesCbcEncrypt(key, iv, d.subarray(1)),
    'aes256-cbc/decrypt': (p, d) => { const ct = node.aesCbcEncrypt(key, iv, d.subarray(1)); return () => p.aesCbcDecrypt(key, iv, ct); },
  };
  const out: Crossover[] = [];
  for (const [operation, make] of Object.entries(ops)) {
    const ratios: Record<string, number> = {};
    let nodeFasterFrom: number | null = null;
    for (const size of SIZES) {
      const data = new Uint8Array(size).map((_, i) => i);
      const [suite, op] = operation.split('/') as [string, string];
      const rows = await compare({ suite, operation: op, size: formatSize(size), bytes: size,
        impls: { wasm: make(wasm, data), node: make(node, data) } }, opts);
      const ratio = rows[0]!.value / rows[1]!.value;
      ratios[formatSize(size)] = Number(ratio.toFixed(2));
      if (ratio > 1 && nodeFasterFrom === null) nodeFasterFrom = size;
    }
    out.push({ operation, nodeFasterFrom, ratios });
  }
  return out;
}
