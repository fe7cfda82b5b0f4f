// The shared provider suite over the WebAssembly core, plus the core's own lifecycle rules.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initSync, wasm } from '../../../src/crypto/index.js';
import { NotInitializedError } from '../../../src/errors.js';
import { providerSuite } from '../provider-suite.js';

it('wasm before init throws a typed error that names init()', () => {
  assert.throws(() => wasm.digest('sha1', new Uint8Array(1)), (err: unknown) =>
    err instanceof NotInitializedError && err.code === 'NOT_INITIALIZED' && /init\(\)/.test(err.message));
});

describe('wasm after initSync()', () => {
  before(() => initSync());
  providerSuite(wasm);
});
