// The shared provider suite over the WebAssembly core, plus the core's own lifecycle rules.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initSync, wasm, type Hasher } from '../../../src/crypto/index.js';
import { CryptoError, NotInitializedError } from '../../../src/errors.js';
import { providerSuite } from '../provider-suite.js';

it('wasm before init throws a typed error that names init()', () => {
  assert.throws(() => wasm.digest('sha1', new Uint8Array(1)), (err: unknown) =>
    err instanceof NotInitializedError && err.code === 'NOT_INITIALIZED' && /init\(\)/.test(err.message));
});

describe('wasm after initSync()', () => {
  before(() => initSync());
  providerSuite(wasm);

  it('running out of context slots is a typed error, and finishing a hash frees its slot', () => {
    const open: Hasher[] = [];
    assert.throws(() => {
      for (;;) open.push(wasm.createHash('sha1').update(new Uint8Array(3)));
    }, (err: unknown) => err instanceof CryptoError && err.code === 'SLOT_EXHAUSTED');
    assert.equal(open.length, 256);
    open.pop()!.digest();
    const again = wasm.createHash('sha256');
    assert.throws(() => wasm.createHash('sha1'), CryptoError);
    again.digest();
    for (const h of open) h.digest();
    assert.equal(wasm.createHash('sha1').digest().length, 20);
  });
});
