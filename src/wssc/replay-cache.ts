// WSS 1.1 SOAP Message Security §13 (replay): WCF's signature-value nonce cache, expiring and size-bounded (protocol.md §4.4).
import { encodeBase64 } from '../dsig/base64.js';
import { SessionError } from '../errors.js';

/** Remembers what was seen. Async so that a shared (Redis) cache can implement it. */
export interface ReplayCache {
  /** Records `key` for `ttlMs`; false when it was already there (a replay). */
  checkAndAdd(key: Uint8Array, ttlMs: number): Promise<boolean>;
}

export interface MemoryReplayCacheOptions {
  /** Entries at most (WCF ReplayCacheSize: 900 000). */
  maxEntries?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/**
 * An in-process replay cache. Entries expire after their TTL.
 * SECURITY: a full cache refuses new entries (SessionError REPLAY_CACHE_FULL, retry) instead of evicting live ones,
 * which would let an attacker flush a captured message out of the cache and replay it.
 */
export class MemoryReplayCache implements ReplayCache {
  // Insertion order ≈ expiry order when the TTL is constant (the service uses one TTL), so expired entries are at
  // the front and purging stops at the first live one; a full sweep covers mixed TTLs when the cache is full.
  readonly #entries = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: MemoryReplayCacheOptions = {}) {
    this.#max = options.maxEntries ?? 900_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  checkAndAdd(key: Uint8Array, ttlMs: number): Promise<boolean> {
    try {
      return Promise.resolve(this.checkAndAddSync(key, ttlMs));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The synchronous form (the in-memory cache needs no I/O). */
  checkAndAddSync(key: Uint8Array, ttlMs: number): boolean {
    const now = this.#now();
    const k = encodeBase64(key);
    const seen = this.#entries.get(k);
    if (seen !== undefined && seen > now) return false;
    this.#purgeFront(now);
    if (seen !== undefined) this.#entries.delete(k);
    if (this.#entries.size >= this.#max) {
      this.#sweep(now);
      if (this.#entries.size >= this.#max) throw new SessionError('REPLAY_CACHE_FULL', 'the replay cache is full', { retry: true });
    }
    this.#entries.set(k, now + ttlMs);
    return true;
  }

  #purgeFront(now: number): void {
    for (const [k, expires] of this.#entries) {
      if (expires > now) break;
      this.#entries.delete(k);
    }
  }

  #sweep(now: number): void {
    for (const [k, expires] of this.#entries) if (expires <= now) this.#entries.delete(k);
  }

  clear(): void {
    this.#entries.clear();
  }
}
