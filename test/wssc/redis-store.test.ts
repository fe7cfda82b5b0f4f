// RedisTokenStore and RedisReplayCache against a real redis-server: sealing, TTLs, NX atomicity across clients, timeouts and recovery, prefixes, cancellation tombstones, renewal ordering, and a service failing closed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SessionError, StoreConfigError } from '../../src/errors.js';
import { createRedisStores, loadRedisClient, parseRedisUrl, RedisConnection, RedisReplayCache, RedisTokenStore } from '../../src/wssc/redis-store.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { SecureSessionService } from '../../src/wssc/session-service.js';
import { inProcessTransport } from '../../src/wssc/session-transport.js';
import type { StoredSession } from '../../src/wssc/token-store.js';
import { NO_REDIS, startRedis, type RedisServer } from './redis-helpers.js';
import { testPki } from './session-helpers.js';

const ring = (): { id: string; key: Uint8Array }[] => [{ id: 'k1', key: new Uint8Array(randomBytes(32)) }];

function session(id = `urn:uuid:${globalThis.crypto.randomUUID()}`, key = new Uint8Array(randomBytes(32))): StoredSession {
  const now = Date.now();
  return {
    identifier: id, version: 'feb2005', suite: 'basic256', keys: [{ key, effectiveAt: now, expiresAt: now + 3_600_000 }],
    createdAt: now, expiresAt: now + 86_400_000, lastUsedAt: now, active: false, bootstrap: 'mutual-certificate',
    client: { subject: 'CN=client', fingerprint: 'AB:CD' },
  };
}

const contains = (hay: Uint8Array, needle: Uint8Array): boolean => Buffer.from(hay).includes(Buffer.from(needle));

describe('Redis token store and replay cache', { skip: NO_REDIS }, () => {
  let redis: RedisServer;
  let conn: RedisConnection;
  const opened: RedisConnection[] = [];
  const connect = async (timeoutMs = 500): Promise<RedisConnection> => {
    const c = await RedisConnection.open({ url: redis.url, timeoutMs });
    opened.push(c);
    assert.ok(await c.waitReady(3000), 'connected');
    return c;
  };

  before(async () => {
    redis = await startRedis();
    conn = await connect();
  });
  after(async () => {
    for (const c of opened) c.close();
    await redis?.stop();
  });

  it('seals sessions: no Redis value holds a session key (raw, base64 or hex), and every field comes back', async () => {
    const store = new RedisTokenStore(conn, { keys: ring(), prefix: 'seal:' });
    const sessions = Array.from({ length: 5 }, () => session());
    // A renewed session too: two key generations, one retired.
    const s5 = sessions[4]!;
    s5.keys = [{ instance: 'urn:uuid:i2', key: new Uint8Array(randomBytes(32)), effectiveAt: 2, expiresAt: 3 }, { ...s5.keys[0]!, retiredAt: 1 }];
    s5.active = true;
    const keys = sessions.flatMap((s) => s.keys.map((g) => g.key.slice()));
    for (const s of sessions) await store.set(s, 60_000);
    const names = (await conn.sendCommand(['KEYS', 'seal:*'])) as string[];
    assert.equal(names.length, 5);
    for (const name of names) {
      const value = String(await conn.sendCommand(['GET', name]));
      const raw = Buffer.from(value, 'latin1');
      const decoded = Buffer.from(value.slice(value.lastIndexOf('|') + 1), 'base64');
      for (const k of keys) {
        for (const form of [k, Buffer.from(Buffer.from(k).toString('base64')), Buffer.from(Buffer.from(k).toString('hex'))]) {
          assert.ok(!contains(raw, form) && !contains(decoded, form), `${name} holds a session key`);
        }
      }
    }
    for (const s of sessions) assert.deepEqual(await store.get(s.identifier), s);
    assert.equal(await store.get('urn:uuid:absent'), undefined);
  });

  it('an entry that does not open (tampered, moved to another identifier, another ring) is an unknown token', async () => {
    const errors: unknown[] = [];
    const store = new RedisTokenStore(conn, { keys: ring(), prefix: 'tamper:', onError: (e) => errors.push(e) });
    const a = session();
    const b = session();
    await store.set(a, 60_000);
    await store.set(b, 60_000);
    const va = String(await conn.sendCommand(['GET', store.keyOf(a.identifier)]));
    // Moved: a's sealed state under b's key.
    await conn.sendCommand(['SET', store.keyOf(b.identifier), va]);
    assert.equal(await store.get(b.identifier), undefined);
    // Tampered: one ciphertext character changed.
    const i = va.length - 60;
    await conn.sendCommand(['SET', store.keyOf(a.identifier), va.slice(0, i) + (va[i] === 'A' ? 'B' : 'A') + va.slice(i + 1)]);
    assert.equal(await store.get(a.identifier), undefined);
    const other = new RedisTokenStore(conn, { keys: ring(), prefix: 'tamper:' });
    const c = session();
    await store.set(c, 60_000);
    assert.equal(await other.get(c.identifier), undefined, 'another ring does not open it');
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => e instanceof SessionError && e.code === 'STORE'));
  });

  it('sets TTLs: a session expires with the TTL it was stored with, a replay entry with the replay window (PTTL)', async () => {
    const store = new RedisTokenStore(conn, { keys: ring(), prefix: 'ttl:' });
    const cache = new RedisReplayCache(conn, { prefix: 'ttl:' });
    const s = session();
    await store.set(s, 120_000);
    const pttl = Number(await conn.sendCommand(['PTTL', store.keyOf(s.identifier)]));
    assert.ok(pttl > 119_000 && pttl <= 120_000, String(pttl));
    const sig = randomBytes(20);
    assert.equal(await cache.checkAndAdd(sig, 900_000), true);
    const rttl = Number(await conn.sendCommand(['PTTL', cache.keyOf(sig)]));
    assert.ok(rttl > 899_000 && rttl <= 900_000, String(rttl));
    // Short TTLs really expire (Redis does it; nothing is swept here).
    await store.set(s, 50);
    assert.equal(await cache.checkAndAdd(randomBytes(20), 50), true);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await store.get(s.identifier), undefined);
    // Cancellation leaves a tombstone with its own TTL.
    const t = new RedisTokenStore(conn, { keys: ring(), prefix: 'ttl:', tombstoneMs: 30_000 });
    const s2 = session();
    await t.set(s2, 60_000);
    await t.delete(s2.identifier);
    const tt = Number(await conn.sendCommand(['PTTL', t.keyOf(s2.identifier)]));
    assert.ok(tt > 29_000 && tt <= 30_000, String(tt));
    assert.equal(await conn.sendCommand(['TTL', 'ttl:nothing']), -2);
  });

  it('checkAndAdd is atomic across clients: of 8 connections × 25 concurrent attempts on one value, exactly one wins', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect()));
    const caches = clients.map((c) => new RedisReplayCache(c, { prefix: 'nx:' }));
    for (let round = 0; round < 5; round++) {
      const sig = randomBytes(32);
      const results = await Promise.all(caches.flatMap((c) => Array.from({ length: 25 }, () => c.checkAndAdd(sig, 60_000))));
      assert.equal(results.filter(Boolean).length, 1, `round ${round}`);
    }
  });

  it('prefixes isolate services sharing one Redis', async () => {
    const keys = ring();
    const a = new RedisTokenStore(conn, { keys, prefix: 'svcA:' });
    const b = new RedisTokenStore(conn, { keys, prefix: 'svcB:' });
    const s = session();
    await a.set(s, 60_000);
    assert.equal(await b.get(s.identifier), undefined, 'even with the same ring');
    await b.delete(s.identifier);
    assert.deepEqual(await a.get(s.identifier), s);
    const sig = randomBytes(20);
    assert.equal(await new RedisReplayCache(conn, { prefix: 'svcA:' }).checkAndAdd(sig, 60_000), true);
    assert.equal(await new RedisReplayCache(conn, { prefix: 'svcB:' }).checkAndAdd(sig, 60_000), true);
    assert.equal(await new RedisReplayCache(conn, { prefix: 'svcA:' }).checkAndAdd(sig, 60_000), false);
  });

  it('a cancelled session stays cancelled (a late write from another node does not revive it); a stale write does not undo a renewal', async () => {
    const store = new RedisTokenStore(conn, { keys: ring(), prefix: 'order:' });
    const s = session();
    await store.set(s, 60_000);
    const stale = await store.get(s.identifier);
    await store.delete(s.identifier);
    await store.set({ ...stale!, active: true }, 60_000);
    assert.equal(await store.get(s.identifier), undefined);
    // Renewal chains from the stored key; a touch under the retired key is ignored; a renewal from nowhere is refused.
    const r = session();
    await store.set(r, 60_000);
    const renewed: StoredSession = { ...r, keys: [{ instance: 'urn:uuid:g2', key: new Uint8Array(randomBytes(32)), effectiveAt: 5, expiresAt: 6 }, { ...r.keys[0]!, retiredAt: 5 }] };
    await store.set(renewed, 60_000);
    await store.set({ ...r, active: true, lastUsedAt: 1 }, 60_000);
    assert.deepEqual(await store.get(r.identifier), renewed);
    const foreign: StoredSession = { ...r, keys: [{ instance: 'urn:uuid:g9', key: new Uint8Array(32), effectiveAt: 5, expiresAt: 6 }, { instance: 'urn:uuid:g8', key: new Uint8Array(32), effectiveAt: 1, expiresAt: 6 }] };
    await assert.rejects(store.set(foreign, 60_000), (e: unknown) => e instanceof SessionError && e.code === 'STORE' && e.retry);
    // After a Redis restart the script cache is empty: EVALSHA falls back to EVAL (checked with SCRIPT FLUSH).
    await conn.sendCommand(['SCRIPT', 'FLUSH']);
    await store.set({ ...renewed, active: false }, 60_000);
    assert.equal((await store.get(r.identifier))!.active, false);
  });

  it('every call is bounded by the timeout (a frozen Redis), fails fast while disconnected, and recovers by itself', async () => {
    const c = await connect(300);
    const cache = new RedisReplayCache(c, { prefix: 'to:' });
    const store = new RedisTokenStore(c, { keys: ring(), prefix: 'to:' });
    const isStore = (e: unknown): boolean => e instanceof SessionError && e.code === 'STORE' && e.retry;
    redis.proc.kill('SIGSTOP');
    try {
      const t = Date.now();
      await assert.rejects(cache.checkAndAdd(randomBytes(20), 60_000), isStore);
      await assert.rejects(store.get('urn:uuid:x'), isStore);
      await assert.rejects(store.set(session(), 60_000), isStore);
      const ms = Date.now() - t;
      assert.ok(ms >= 850 && ms < 2500, `three calls × 300 ms took ${ms} ms`);
    } finally {
      redis.proc.kill('SIGCONT');
    }
    assert.equal(await cache.checkAndAdd(randomBytes(20), 60_000), true);
    // Redis gone: immediate refusals; back on the same port: the connection comes back without help.
    const sig = randomBytes(20);
    assert.equal(await cache.checkAndAdd(sig, 60_000), true);
    await redis.stop();
    const t = Date.now();
    await assert.rejects(cache.checkAndAdd(sig, 60_000), isStore);
    assert.ok(Date.now() - t < 400);
    redis = await redis.restart();
    assert.ok(await c.waitReady(5000), 'reconnected');
    assert.ok(await conn.waitReady(5000), 'reconnected');
    // No persistence in this instance: the entry is gone with the restart (the farm test covers AOF).
    assert.equal(await cache.checkAndAdd(sig, 60_000), true);
    assert.equal(await cache.checkAndAdd(sig, 60_000), false);
  });

  it('a service on Redis fails closed while Redis is down (ServerTooBusy, retryable) and recovers by itself (without persistence the session is gone)', async () => {
    const p = testPki();
    const errors: unknown[] = [];
    const stores = await createRedisStores({ url: redis.url, timeoutMs: 300, prefix: 'svc:', keys: ring() });
    opened.push(stores.connection);
    assert.ok(await stores.connection.waitReady(3000));
    const service = new SecureSessionService({
      bootstrap: { service: p.service, trust: { ca: [p.ca.certificate] } }, store: stores.store!, replayCache: stores.replayCache, onError: (e) => errors.push(e),
    });
    const client = await SecureSessionClient.establish({ transport: inProcessTransport(service), bootstrap: { mode: 'mutual-certificate', client: p.client, serviceCertificate: p.service.certificate } });
    assert.equal(new TextDecoder().decode(await client.call('urn:echo', '<a/>')), '<a/>');
    await redis.stop();
    for (let i = 0; i < 3; i++) {
      await assert.rejects(client.call('urn:echo', '<b/>'), (e: unknown) => e instanceof SessionError && e.code === 'SERVER_TOO_BUSY' && e.retry);
    }
    assert.ok(errors.every((e) => e instanceof SessionError && e.code === 'STORE'));
    redis = await redis.restart();
    assert.ok(await stores.connection.waitReady(5000));
    await assert.rejects(client.call('urn:echo', '<c/>'), (e: unknown) => e instanceof SessionError && e.code === 'BAD_CONTEXT_TOKEN',
      'without persistence the session is gone after the restart (the farm test restarts with AOF on)');
    service.destroy();
  });

  it('configuration errors are typed: URL scheme, short store key, missing client module', async () => {
    assert.throws(() => parseRedisUrl('http://127.0.0.1:6379'), (e: unknown) => e instanceof StoreConfigError && e.code === 'STORE_URL');
    assert.throws(() => parseRedisUrl('redis://127.0.0.1:6379/x'), (e: unknown) => e instanceof StoreConfigError && e.code === 'STORE_URL');
    assert.equal(parseRedisUrl('redis://127.0.0.1:6379/2'), 'redis://127.0.0.1:6379/2');
    await assert.rejects(createRedisStores({ url: redis.url, keys: [{ id: 'k', key: new Uint8Array(16) }] }), (e: unknown) => e instanceof StoreConfigError && e.code === 'STORE_KEY');
    await assert.rejects(loadRedisClient('@redis/not-installed-client'), (e: unknown) => e instanceof StoreConfigError && e.code === 'REDIS_CLIENT_MISSING');
    await assert.rejects(RedisConnection.open({ url: redis.url, module: '@redis/not-installed-client' }), StoreConfigError);
  });
});
