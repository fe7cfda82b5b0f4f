// The shared provider suite over `auto`, and its hand-over from wasm to node:crypto past the crossovers.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { auto, CROSSOVER } from '../../src/crypto/index.js';
import { providerSuite } from './provider-suite.js';

providerSuite(auto);

describe('auto hand-over', () => {
  it('streams that cross the digest crossover mid-update give the right digest', () => {
    const n = CROSSOVER.digest.sha1;
    const data = new Uint8Array(3 * n + 5).map((_, i) => i * 31);
    for (const cut of [0, 1, n - 1, n, n + 1, 2 * n]) {
      const h = auto.createHash('sha1').update(data.subarray(0, cut)).update(data.subarray(cut, cut + 3)).update(data.subarray(cut + 3));
      assert.equal(Buffer.from(h.digest()).toString('hex'), createHash('sha1').update(data).digest('hex'), `cut ${cut}`);
    }
  });
});

describe('auto head buffers (pooled)', () => {
  it('interleaved, abandoned and empty hashers each give their own digest', () => {
    const data = new Uint8Array(1000).map((_, i) => i * 7);
    const ref = (d: Uint8Array): string => createHash('sha1').update(d).digest('hex');
    const hex = (d: Uint8Array): string => Buffer.from(d).toString('hex');
    for (let round = 0; round < 20; round++) {
      const a = auto.createHash('sha1');
      const b = auto.createHash('sha1');
      auto.createHash('sha1').update(data.subarray(0, 100)); // dropped before digest()
      a.update(data.subarray(0, 10 + round));
      b.update(data.subarray(500, 600));
      a.update(data.subarray(10 + round, 300));
      assert.equal(hex(b.digest()), ref(data.subarray(500, 600)));
      const c = auto.createHash('sha1').update(data.subarray(0, 50));
      assert.equal(hex(a.digest()), ref(data.subarray(0, 300)));
      assert.equal(hex(c.digest()), ref(data.subarray(0, 50)));
      assert.equal(hex(auto.createHash('sha1').update(new Uint8Array(0)).digest()), ref(new Uint8Array(0)));
    }
  });
});
