// WS-SecureConversation 1.3 §3 session state on the service (WCF's SecurityContextSecurityTokenResolver; protocol.md §4.2), behind an async store interface.
import { SessionError } from '../errors.js';
import type { WsscVersionName } from './versions.js';

/** One key generation of a session: the first key, or one made by a renewal. */
export interface SessionKeyGeneration {
  /** The SCT Instance; undefined for the first key. */
  instance?: string;
  /** The SCT secret. */
  key: Uint8Array;
  /** When the key was issued (ms since the epoch). */
  effectiveAt: number;
  /** After this the service answers RenewNeeded (ms). */
  expiresAt: number;
  /** Set when a renewal replaced this key: it is accepted until `retiredAt + rollover`. */
  retiredAt?: number;
}

/** The service's state of one session: plain data, so that another store can serialize it. */
export interface StoredSession {
  /** The SCT Identifier (`urn:uuid:…`), the same for every key generation. */
  identifier: string;
  version: WsscVersionName;
  /** The algorithm suite the session was issued under. */
  suite: string;
  /** Newest first: the current key, then at most the previous one while it rolls over. */
  keys: SessionKeyGeneration[];
  createdAt: number;
  /** The token's own end (ms). */
  expiresAt: number;
  lastUsedAt: number;
  /** An application message has arrived (until then the session is pending: WCF MaxPendingSessions). */
  active: boolean;
  /** The bootstrap that authenticated the client, and the client certificate's subject and SHA-256 fingerprint. */
  bootstrap?: string;
  client?: { subject: string; fingerprint: string };
}

/** Where the service keeps sessions. Async so that a shared store (Redis) can implement it. */
export interface TokenStore {
  get(identifier: string): Promise<StoredSession | undefined>;
  /** Stores (or replaces) the session; it expires after `ttlMs` unless set again. */
  set(session: StoredSession, ttlMs: number): Promise<void>;
  delete(identifier: string): Promise<void>;
  /** Optional synchronous read for in-process stores: lets the service resolve a token without a second pass. */
  peek?(identifier: string): StoredSession | undefined;
  /** Optional: wipe and drop everything (the service calls it from destroy()). */
  destroy?(): void;
}

export interface MemoryTokenStoreOptions {
  /** Sessions held at most; a full store refuses new ones (SessionError LIMIT, retry). Default 100 000. */
  maxEntries?: number;
  now?: () => number;
  /** Expired entries are swept at most this often, from get/set (ms; default 1000). */
  sweepIntervalMs?: number;
}

/** SECURITY: key bytes are zeroed when a session leaves the store (expiry, delete, replacement, destroy). */
export function wipeSession(session: StoredSession, keep?: StoredSession): void {
  for (const g of session.keys) if (keep === undefined || !keep.keys.some((k) => k.key === g.key)) g.key.fill(0);
}

/** The in-process store: a Map with per-entry expiry and a size bound. */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, { session: StoredSession; expiresAt: number }>();
  readonly #max: number;
  readonly #now: () => number;
  readonly #sweepInterval: number;
  #lastSweep = 0;

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.#max = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
    this.#sweepInterval = options.sweepIntervalMs ?? 1000;
  }

  /** Sessions held, expired ones not yet swept included (call sweep() first for an exact count). */
  get size(): number {
    return this.#entries.size;
  }

  peek(identifier: string): StoredSession | undefined {
    const now = this.#now();
    this.#maybeSweep(now);
    const e = this.#entries.get(identifier);
    if (e === undefined) return undefined;
    if (e.expiresAt <= now) {
      this.#drop(identifier, e.session);
      return undefined;
    }
    return e.session;
  }

  get(identifier: string): Promise<StoredSession | undefined> {
    return Promise.resolve(this.peek(identifier));
  }

  set(session: StoredSession, ttlMs: number): Promise<void> {
    const now = this.#now();
    this.#maybeSweep(now);
    const old = this.#entries.get(session.identifier);
    if (old === undefined && this.#entries.size >= this.#max) {
      this.sweep();
      if (this.#entries.size >= this.#max) return Promise.reject(new SessionError('LIMIT', 'the token store is full', { retry: true }));
    }
    if (old !== undefined && old.session !== session) wipeSession(old.session, session);
    // Re-inserting keeps the Map in last-set order.
    this.#entries.delete(session.identifier);
    this.#entries.set(session.identifier, { session, expiresAt: now + ttlMs });
    return Promise.resolve();
  }

  delete(identifier: string): Promise<void> {
    const e = this.#entries.get(identifier);
    if (e !== undefined) this.#drop(identifier, e.session);
    return Promise.resolve();
  }

  /** Drops (and wipes) every expired session now. */
  sweep(): void {
    const now = this.#now();
    this.#lastSweep = now;
    for (const [id, e] of this.#entries) if (e.expiresAt <= now) this.#drop(id, e.session);
  }

  destroy(): void {
    for (const e of this.#entries.values()) wipeSession(e.session);
    this.#entries.clear();
  }

  #maybeSweep(now: number): void {
    if (now - this.#lastSweep >= this.#sweepInterval) this.sweep();
  }

  #drop(identifier: string, session: StoredSession): void {
    this.#entries.delete(identifier);
    wipeSession(session);
  }
}
