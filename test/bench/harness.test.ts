// The benchmark harness on tiny inputs (not for timing): rows well formed, disagreeing implementations refused.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { cryptoBenches } from '../../bench/crypto/providers.bench.js';
import { dsigBenches } from '../../bench/dsig/sign-verify.bench.js';
import { compare, table } from '../../bench/harness.js';
import { nodeSoapBenches } from '../../bench/adapters/node-soap.bench.js';
import { x509Benches } from '../../bench/wssc/x509.bench.js';
import { messageBenches } from '../../bench/wssc/message.bench.js';
import { sessionBenches } from '../../bench/wssc/session.bench.js';
import { redisBenches } from '../../bench/wssc/redis.bench.js';
import { NO_REDIS } from '../wssc/redis-helpers.js';

const tiny = { quick: true, timeMs: 5 };

describe('bench harness', () => {
  it('times agreeing implementations and reports medians with ratios to the fastest', async () => {
    const data = new Uint8Array(64);
    const rows = await compare({
      suite: 'sha1', operation: 'digest', size: '64B', bytes: 64,
      impls: { a: () => new Uint8Array(createHash('sha1').update(data).digest()), b: () => new Uint8Array(createHash('sha1').update(data).digest()) },
    }, tiny);
    assert.deepEqual(rows.map((r) => r.name), ['sha1/digest/64B/a', 'sha1/digest/64B/b']);
    for (const r of rows) {
      assert.equal(r.unit, 'us');
      assert.ok(r.value > 0 && Number.isFinite(r.value));
      assert.match(r.range, /^±/);
      assert.ok(r.ratio >= 1);
    }
    assert.equal(Math.min(...rows.map((r) => r.ratio)), 1);
    assert.match(table(rows), /\| sha1\/digest\/64B \| a \|/);
  });

  it('refuses to time implementations whose outputs differ', async () => {
    await assert.rejects(compare({
      suite: 'x', operation: 'y', size: '1B', bytes: 1,
      impls: { a: () => new Uint8Array([1]), b: () => new Uint8Array([2]) },
    }, tiny), /disagrees/);
  });

  it('the P_SHA1 suite runs end to end', async () => {
    const rows = await cryptoBenches(tiny, (suite) => suite === 'psha1');
    const names = rows.map((r) => r.name);
    for (const name of ['psha1/derive/32B/wasm', 'psha1/derive/32B/node', 'psha1/derive/24B/hash-wasm']) assert.ok(names.includes(name), name);
  });

  it('the XML-DSig suite runs end to end (sign and verify, wssc vs xml-crypto, RSA), after its cross-check', async () => {
    const rows = await dsigBenches(tiny, undefined, [2048]);
    assert.deepEqual(rows.map((r) => r.name), ['sign', 'verify'].flatMap((op) =>
      ['wssc-hmac', 'xml-crypto-hmac', 'wssc-rsa'].map((impl) => `dsig/${op}/2KiB/${impl}`)));
    for (const r of rows) assert.ok(r.value > 0 && Number.isFinite(r.value), r.name);
  });

  it('the session message suite runs end to end (protect and unprotect), after its round-trip check', async () => {
    const rows = await messageBenches(tiny, [2048]);
    assert.deepEqual(rows.map((r) => r.name), ['message/protect/2KiB/session', 'message/unprotect/2KiB/session']);
    for (const r of rows) assert.ok(r.value > 0 && Number.isFinite(r.value), r.name);
  });

  it('the X.509 per-message baseline runs end to end (mutual-certificate protect and open), after its round-trip check', async () => {
    const rows = await x509Benches(tiny, undefined, [2048]);
    assert.deepEqual(rows.map((r) => r.name), ['message/protect/2KiB/x509', 'message/unprotect/2KiB/x509']);
    for (const r of rows) assert.ok(r.value > 0 && Number.isFinite(r.value), r.name);
  });

  it('the node-soap suite runs end to end (postProcess of WSSecurityCert, the session adapter and the X.509 adapter), after each output is opened', async () => {
    const rows = await nodeSoapBenches(tiny, [2048]);
    assert.deepEqual(rows.map((r) => r.name), ['wssecuritycert', 'session', 'x509'].map((impl) => `message/protect/2KiB/node-soap-${impl}`));
    for (const r of rows) assert.ok(r.value > 0 && Number.isFinite(r.value), r.name);
  });

  it('the session suite runs end to end (set-up under both bootstraps, in-process echo, wssc serve loopback throughput)', async () => {
    const rows = await sessionBenches({ ...tiny, loadMs: 300, concurrency: 4 });
    assert.deepEqual(rows.map((r) => r.name), [
      'session/establish/-/mutual-certificate', 'session/establish/-/anonymous-for-certificate',
      'session/echo-round-trip/2KiB/in-process', 'session/loopback-echo/2KiB/wssc-serve-c4',
    ]);
    for (const r of rows) assert.ok(r.value > 0 && Number.isFinite(r.value), r.name);
    assert.match(rows[3]!.extra, /req\/s/);
    // Where the CPU goes: the client's and the service's time per request (the service's from /proc on Linux).
    assert.match(rows[3]!.extra, /CPU per request: client [1-9]\d* µs, service [1-9]\d* µs$/);
  });
  it('the farm suite runs end to end (replay check in memory and on Redis, wssc serve --store redis:// with 1 and 3 processes)', { skip: NO_REDIS }, async () => {
    const rows = await redisBenches({ ...tiny, loadMs: 300, concurrency: 4 });
    assert.deepEqual(rows.map((r) => r.name), [
      'replay/check-and-add/20B/memory', 'replay/check-and-add/20B/redis', 'replay/check-and-add/20B/redis-pipelined-c16',
      'farm/loopback-echo/2KiB/redis-1-node-c4', 'farm/loopback-echo/2KiB/redis-3-nodes-c4',
    ]);
    for (const r of rows) assert.ok(r.value > 0 && Number.isFinite(r.value), r.name);
    assert.match(rows[4]!.extra, /req\/s/);
    assert.match(rows[4]!.extra, /CPU per request: client [1-9]\d* µs, services [1-9]\d* µs$/);
  });
});
