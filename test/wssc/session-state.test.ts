// Session state on the service: WCF default settings, the replay cache, the token store and cookie sealing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionError } from '../../src/errors.js';
import { CookieSealer } from '../../src/wssc/cookie.js';
import { MemoryReplayCache } from '../../src/wssc/replay-cache.js';
import { DEFAULT_CLIENT_SETTINGS, DEFAULT_SERVICE_SETTINGS, clientSettings, replayTtlMs, serviceSettings } from '../../src/wssc/settings.js';
import { MemoryTokenStore, type StoredSession } from '../../src/wssc/token-store.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

function session(identifier: string, key = new Uint8Array(32).fill(7)): StoredSession {
  return {
    identifier, version: 'feb2005', suite: 'basic256', keys: [{ key, effectiveAt: 0, expiresAt: 15 * HOUR }],
    createdAt: 0, expiresAt: 24 * HOUR, lastUsedAt: 0, active: false,
  };
}

describe('session settings', () => {
  it('default to WCF code defaults (protocol.md §4.3)', () => {
    const s = DEFAULT_SERVICE_SETTINGS;
    assert.equal(s.detectReplays, true);
    assert.equal(s.replayWindowMs, 5 * MIN);
    assert.equal(s.maxClockSkewMs, 5 * MIN);
    assert.equal(s.replayCacheSize, 900_000);
    assert.equal(s.maxPendingSessions, 128);
    assert.equal(s.maxConcurrentNegotiations, 128);
    assert.equal(s.negotiationTimeoutMs, MIN);
    assert.equal(s.inactivityTimeoutMs, 2 * MIN);
    assert.equal(s.sessionKeyRenewalIntervalMs, 15 * HOUR);
    assert.equal(s.sessionKeyRolloverIntervalMs, 5 * MIN);
    assert.equal(s.issuedCookieLifetimeMs, 10 * HOUR);
    assert.equal(s.maxCachedCookies, 1000);
    assert.equal(s.maxMessageBytes, 4 * 1024 * 1024);
    assert.equal(DEFAULT_CLIENT_SETTINGS.sessionKeyRenewalIntervalMs, 10 * HOUR);
    // The client's replay cache is WCF's size too: 10 000 entries of 15 minutes ran out under steady load.
    assert.equal(DEFAULT_CLIENT_SETTINGS.replayCacheSize, 900_000);
    assert.equal(replayTtlMs(s), 15 * MIN);
  });

  it('are configurable; unknown names and negative values are refused', () => {
    assert.equal(serviceSettings({ maxPendingSessions: 3 }).maxPendingSessions, 3);
    assert.equal(serviceSettings({ maxPendingSessions: 3 }).inactivityTimeoutMs, 2 * MIN);
    assert.equal(clientSettings({ renewMarginMs: 5 }).renewMarginMs, 5);
    assert.throws(() => serviceSettings({ replayWindowMs: -1 }), RangeError);
    assert.throws(() => serviceSettings({ nope: 1 } as never), RangeError);
  });
});

describe('MemoryReplayCache', () => {
  it('refuses a key seen within its TTL and accepts it after', async () => {
    let now = 1000;
    const c = new MemoryReplayCache({ now: () => now });
    const k = new Uint8Array([1, 2, 3]);
    assert.equal(await c.checkAndAdd(k, 100), true);
    assert.equal(await c.checkAndAdd(k, 100), false);
    assert.equal(await c.checkAndAdd(new Uint8Array([1, 2, 4]), 100), true);
    now += 101;
    assert.equal(await c.checkAndAdd(k, 100), true);
    assert.equal(c.size, 1, 'expired entries are purged');
  });

  it('when full, refuses new entries (retryable) rather than evicting live ones', async () => {
    let now = 0;
    const c = new MemoryReplayCache({ maxEntries: 2, now: () => now });
    await c.checkAndAdd(new Uint8Array([1]), 1000);
    await c.checkAndAdd(new Uint8Array([2]), 1000);
    await assert.rejects(c.checkAndAdd(new Uint8Array([3]), 1000), (e: unknown) => e instanceof SessionError && e.code === 'REPLAY_CACHE_FULL' && e.retry);
    assert.equal(await c.checkAndAdd(new Uint8Array([1]), 1000), false, 'the live entry is still there');
    now = 1001;
    assert.equal(await c.checkAndAdd(new Uint8Array([3]), 1000), true);
  });
});

describe('MemoryTokenStore', () => {
  it('expires entries after their TTL and wipes their keys', async () => {
    let now = 0;
    const store = new MemoryTokenStore({ now: () => now });
    const key = new Uint8Array(32).fill(9);
    await store.set(session('urn:uuid:a', key), 100);
    assert.equal((await store.get('urn:uuid:a'))?.identifier, 'urn:uuid:a');
    now = 100;
    assert.equal(await store.get('urn:uuid:a'), undefined);
    assert.ok(key.every((b) => b === 0), 'key wiped');
    assert.equal(store.size, 0);
  });

  it('sweeps idle sessions, is bounded, deletes with a wipe, and destroy() wipes everything', async () => {
    let now = 0;
    const store = new MemoryTokenStore({ now: () => now, maxEntries: 2 });
    const k1 = new Uint8Array(32).fill(1);
    const k2 = new Uint8Array(32).fill(2);
    await store.set(session('urn:uuid:1', k1), 50);
    await store.set(session('urn:uuid:2', k2), 500);
    await assert.rejects(store.set(session('urn:uuid:3'), 50), (e: unknown) => e instanceof SessionError && e.code === 'LIMIT');
    now = 60;
    store.sweep();
    assert.equal(store.size, 1);
    assert.ok(k1.every((b) => b === 0));
    await store.set(session('urn:uuid:3'), 50);
    await store.delete('urn:uuid:2');
    assert.ok(k2.every((b) => b === 0));
    const k3 = store.peek('urn:uuid:3')!.keys[0]!.key;
    store.destroy();
    assert.equal(store.size, 0);
    assert.ok(k3.every((b) => b === 0));
  });

  it('replacing a session wipes only the keys the new state no longer holds', async () => {
    const store = new MemoryTokenStore();
    const s1 = session('urn:uuid:r', new Uint8Array(32).fill(5));
    await store.set(s1, 1000);
    const newer = new Uint8Array(32).fill(6);
    const renewed: StoredSession = { ...s1, keys: [{ key: newer, effectiveAt: 1, expiresAt: 2, instance: 'urn:uuid:i' }, { ...s1.keys[0]!, retiredAt: 1 }] };
    await store.set(renewed, 1000);
    assert.ok(s1.keys[0]!.key.every((b) => b === 5), 'the rolled-over key is kept');
    await store.set({ ...renewed, keys: [renewed.keys[0]!] }, 1000);
    assert.ok(s1.keys[0]!.key.every((b) => b === 0), 'the dropped key is wiped');
  });
});

describe('CookieSealer', () => {
  const ring = [{ id: 'k1', key: new Uint8Array(32).fill(1) }, { id: 'k2', key: new Uint8Array(32).fill(2) }];

  it('seals with the newest key and opens with any key of the ring', () => {
    const s = session('urn:uuid:c', new Uint8Array(32).fill(3));
    s.client = { subject: 'CN=client', fingerprint: 'AA:BB' };
    s.bootstrap = 'mutual-certificate';
    const sealed = new CookieSealer(ring).seal(s);
    assert.equal(new TextDecoder().decode(sealed.subarray(2, 4)), 'k2');
    const opened = new CookieSealer([ring[1]!, { id: 'k3', key: new Uint8Array(32).fill(9) }]).open(sealed);
    assert.equal(opened.identifier, 'urn:uuid:c');
    assert.deepEqual(opened.keys[0]!.key, new Uint8Array(32).fill(3));
    assert.deepEqual(opened.client, s.client);
    assert.equal(opened.bootstrap, 'mutual-certificate');
    assert.equal(opened.expiresAt, s.expiresAt);
    const other = new CookieSealer([{ id: 'k2', key: new Uint8Array(32).fill(8) }]);
    assert.throws(() => other.open(sealed), (e: unknown) => e instanceof SessionError && e.code === 'BAD_COOKIE');
  });

  it('refuses every single-byte change and truncation with the same error', () => {
    const sealer = new CookieSealer(ring);
    const sealed = sealer.seal(session('urn:uuid:t'));
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i]! ^= 0x01;
      assert.throws(() => sealer.open(bad), (e: unknown) => e instanceof SessionError && e.code === 'BAD_COOKIE' && e.message === 'the security context cookie cannot be opened', `byte ${i}`);
    }
    assert.throws(() => sealer.open(sealed.subarray(0, sealed.length - 1)), SessionError);
    assert.throws(() => sealer.open(new Uint8Array(0)), SessionError);
  });

  it('refuses weak rings', () => {
    assert.throws(() => new CookieSealer([]), RangeError);
    assert.throws(() => new CookieSealer([{ id: 'a', key: new Uint8Array(16) }]), RangeError);
    assert.throws(() => new CookieSealer([{ id: 'a', key: new Uint8Array(32) }, { id: 'a', key: new Uint8Array(32) }]), RangeError);
  });
});
