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
