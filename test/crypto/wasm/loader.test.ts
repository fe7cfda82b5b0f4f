// Loading the core everywhere: init() from the embedded bytes, from a precompiled WebAssembly.Module (runtimes
// that forbid compiling from bytes), from a fetch Response; idempotence.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { init, initSync, wasm } from '../../../src/crypto/index.js';
import { CORE_WASM_BASE64 } from '../../../src/crypto/wasm/core-binary.js';

const ABC_SHA1 = 'a9993e364706816aba3e25717850c26c9cd0d89d';
const abc = new TextEncoder().encode('abc');

it('the embedded core is the one built from assembly/', () => {
  assert.equal(CORE_WASM_BASE64, readFileSync('build/core.wasm').toString('base64'));
});

it('init(module) with a precompiled WebAssembly.Module, then init() and initSync() are no-ops', async () => {
  const module = new WebAssembly.Module(readFileSync('build/core.wasm'));
  await init(module);
  assert.equal(Buffer.from(wasm.digest('sha1', abc)).toString('hex'), ABC_SHA1);
  await init();
  initSync();
  assert.equal(Buffer.from(wasm.digest('sha1', abc)).toString('hex'), ABC_SHA1);
});

it('init(Response) compiles a fetched core in a fresh process', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = `import { init, wasm } from './build/src/crypto/index.js';
    import { readFileSync } from 'node:fs';
    await init(Promise.resolve(new Response(readFileSync('build/core.wasm'), { headers: { 'content-type': 'application/wasm' } })));
    process.stdout.write(Buffer.from(wasm.digest('sha1', new TextEncoder().encode('abc'))).toString('hex'));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, ABC_SHA1);
});
