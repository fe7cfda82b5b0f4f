// The package's public entry points (CONTRACT.md "Package"): they resolve by name and importing has no side effects.
import assert from 'node:assert/strict';
import { it } from 'node:test';

it('every subpath export resolves', async () => {
  for (const sub of ['dsig', 'xenc', 'soap', 'wss', 'wssc']) assert.ok(Object.keys(await import(`wssc/${sub}`)).length > 3, sub);
  const root = await import('wssc');
  for (const name of ['signXml', 'verifySignature', 'encryptXml', 'decryptXml', 'scanEnvelope', 'checkTimestamp', 'deriveKey', 'computeSessionKey']) {
    assert.ok(name in root, `wssc exports ${name}`);
  }
});

it('wssc, wssc/crypto and wssc/c14n resolve, and importing instantiates nothing', async () => {
  const root = await import('wssc');
  const crypto = await import('wssc/crypto');
  const c14n = await import('wssc/c14n');
  for (const name of ['initSync', 'init', 'wasm', 'js', 'auto', 'nodeProvider', 'DecryptionError', 'WsscError']) {
    assert.ok(name in crypto, `wssc/crypto exports ${name}`);
    assert.ok(name in root, `wssc exports ${name}`);
  }
  for (const name of ['canonicalize', 'createCanonicalizer', 'digestReferences']) {
    assert.ok(name in c14n && name in root, `exports ${name}`);
  }
  assert.throws(() => crypto.wasm.digest('sha1', new Uint8Array(0)), crypto.NotInitializedError);
  crypto.initSync();
  assert.equal(Buffer.from(crypto.wasm.digest('sha1', new Uint8Array(0))).toString('hex'), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
});

it('require("wssc") works from CommonJS (Node >= 20.19) and nothing runs at import', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = `const w = require('wssc');
    let before = 'initialized';
    try { w.wasm.digest('sha1', new Uint8Array(0)); } catch (e) { before = e.code; }
    w.initSync();
    console.log(before, Buffer.from(w.wasm.digest('sha1', new Uint8Array(0))).toString('hex'));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'NOT_INITIALIZED da39a3ee5e6b4b0d3255bfef95601890afd80709');
});
