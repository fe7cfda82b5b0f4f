// Farm benchmarks: the Redis replay check (SET NX PX) against the in-memory one per message, and `wssc serve --store redis://` loopback throughput with 3 processes against 1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, Row } from '../harness.js';
import { spawnServe } from './serve-process.js';
import { RedisConnection, RedisReplayCache } from '../../src/wssc/redis-store.js';
import { MemoryReplayCache, type ReplayCache } from '../../src/wssc/replay-cache.js';
import { echoLoadInChild } from './load-client.js';
import { echoRow, medianMad, usRow } from './steady-load.js';
import { makePki, type Pki } from '../../test/wssc/bootstrap-fixtures.js';
import { redisServerPath, startRedis } from '../../test/wssc/redis-helpers.js';

export interface RedisBenchOptions extends BenchOptions {
  /** Concurrent requests in flight against the farm (default 16). */
  concurrency?: number;
  /** Milliseconds of load measured per farm size once throughput is steady (default 5000, quick 2000; timeMs overrides and also sets the warm-up). */
  loadMs?: number;
  /** Farm sizes to measure (default [1, 3]). */
  nodes?: number[];
}

const TTL = 15 * 60_000;


/** Median µs of one checkAndAdd with a fresh 20-byte value (an HMAC-SHA1 SignatureValue), awaited one at a time. */
async function timeCheck(cache: ReplayCache, n: number): Promise<{ median: number; mad: number }> {
  const keys = Array.from({ length: n + 200 }, (_, i) => {
    const k = new Uint8Array(20);
    crypto.getRandomValues(k);
    k[0] = i & 0xff;
    return k;
  });
  for (let i = 0; i < 200; i++) await cache.checkAndAdd(keys[i]!, TTL);
  const times: number[] = [];
  for (let i = 200; i < keys.length; i++) {
    const t = performance.now();
    if (!(await cache.checkAndAdd(keys[i]!, TTL))) throw new Error('bench: a fresh value was taken for a replay');
    times.push((performance.now() - t) * 1000);
  }
  return medianMad(times);
}

/** Starts `wssc serve` processes on one Redis; resolves with their URLs and a stop(). */
async function startFarm(pki: Pki, count: number, redisUrl: string, dir: string): Promise<{ urls: string[]; pids: number[]; stop: () => Promise<void> }> {
  const w = (n: string, d: string): string => (writeFileSync(join(dir, n), d), join(dir, n));
  const files = { cert: w('s.pem', pki.service.certificate), key: w('s.key', pki.service.privateKey), ca: w('ca.pem', pki.ca.certificate) };
  const storeKey = w('store.key', `b1 ${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}\n`);
  const nodes = await Promise.all(Array.from({ length: count }, () => spawnServe(['--cert-file', files.cert, '--private-key-file', files.key,
    '--client-ca-file', files.ca, '--store', redisUrl, '--store-key-file', storeKey])));
  return { urls: nodes.map((n) => n.url), pids: nodes.map((n) => n.pid), stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
}

/** The farm suite; an empty result (and a note on stderr) when redis-server is not installed. */
export async function redisBenches(opts: RedisBenchOptions, pki: Pki = makePki()): Promise<Row[]> {
  if (redisServerPath() === undefined) {
    process.stderr.write('bench redis: skipped, redis-server is not installed (apt-get install redis-server)\n');
    return [];
  }
  const rows: Row[] = [];
  const push = (r: Row): void => {
    rows.push(r);
    opts.onTask?.(r);
  };
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'wssc-bench-farm-'));
  const conn = await RedisConnection.open({ url: redis.url });
  try {
    if (!(await conn.waitReady(5000))) throw new Error('bench: redis did not come up');
    const n = opts.timeMs !== undefined ? Math.max(20, Math.round(opts.timeMs * 2)) : opts.quick ? 2000 : 10_000;

    // The per-message replay check, awaited alone: in-process Map vs one loopback round trip to Redis.
    const mem = await timeCheck(new MemoryReplayCache(), n);
    push(usRow('replay/check-and-add/20B/memory', mem.median, mem.mad, `${Math.round(1e6 / mem.median).toLocaleString('en-US')} checks/s`));
    const red = await timeCheck(new RedisReplayCache(conn, { prefix: 'bench:' }), n);
    push(usRow('replay/check-and-add/20B/redis', red.median, red.mad, `${Math.round(1e6 / red.median).toLocaleString('en-US')} checks/s, +${(red.median - mem.median).toFixed(1)} µs per message over memory`));
    // The same with 16 checks in flight (node-redis pipelines them on one connection): amortized µs per check.
    const cache = new RedisReplayCache(conn, { prefix: 'bench:' });
    const total = Math.max(160, n * 4);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = 0; i < total / 16; i++) await cache.checkAndAdd(crypto.getRandomValues(new Uint8Array(20)), TTL);
    }));
    const amortized = ((performance.now() - t0) * 1000) / total;
    push(usRow('replay/check-and-add/20B/redis-pipelined-c16', amortized, 0, `${Math.round(1e6 / amortized).toLocaleString('en-US')} checks/s on one connection`));

    // Farm throughput: N `wssc serve --store redis://` processes, one client with `concurrency` requests in flight.
    const concurrency = opts.concurrency ?? 16;
    for (const count of opts.nodes ?? [1, 3]) {
      const farm = await startFarm(pki, count, redis.url, dir);
      try {
        const load = await echoLoadInChild({ urls: farm.urls, servicePids: farm.pids, client: pki.client, serviceCertificate: pki.service.certificate }, { ...opts, concurrency });
        push(echoRow(`farm/loopback-echo/2KiB/redis-${count}-node${count === 1 ? '' : 's'}-c${concurrency}`, load, concurrency, count));
      } finally {
        await farm.stop();
      }
    }
  } finally {
    conn.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(redis.dir, { recursive: true, force: true });
  }
  return rows;
}
