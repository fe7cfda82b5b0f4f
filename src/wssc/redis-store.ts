// A farm's shared session state on Redis: the session layer's TokenStore (sealed session-mode SCT state, protocol.md §4.2) and ReplayCache (WSS 1.1 §13 signature-value nonces, protocol.md §4.4), with Redis TTLs and fail-closed errors.
import { auto } from '../crypto/auto.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { decodeBase64Strict, encodeBase64 } from '../encoding/base64.js';
import { SessionError, StoreConfigError } from '../errors.js';
import type { CookieKey } from './cookie.js';
import { StoreSealer } from './redis-seal.js';
import type { ReplayCache } from './replay-cache.js';
import type { StoredSession, TokenStore } from './token-store.js';

/**
 * The one method the store and cache need from a Redis client: a raw command. `RedisConnection` implements it on
 * `@redis/client`; any other client fits through a one-line adapter (ioredis: `(args) => redis.call(...args)`).
 */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisConnectionOptions {
  /** `redis://[[user][:password]@]HOST:PORT[/DB]` or `rediss://…` (TLS). */
  url: string;
  /** Bounds every command and each connection attempt (ms; default 1000). */
  timeoutMs?: number;
  /** Connection state changes, for logs: 'ready' once connected (again), 'down' once when it is lost. */
  onStatus?: (status: 'ready' | 'down', detail?: string) => void;
  /** Module to load (tests only). */
  module?: string;
}

export const DEFAULT_REDIS_TIMEOUT_MS = 1000;
export const DEFAULT_REDIS_PREFIX = 'wssc:';

/** The subset of `@redis/client` used here (its own types are not exposed, so the dependency stays optional). */
interface NodeRedisClient {
  connect(): Promise<unknown>;
  destroy(): void;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly isReady: boolean;
}

type CreateClient = (options: Record<string, unknown>) => NodeRedisClient;

/**
 * Loads `@redis/client` on first use: the browser bundle and users without Redis never load it.
 * @throws StoreConfigError REDIS_CLIENT_MISSING when the optional dependency is not installed.
 */
export async function loadRedisClient(specifier = '@redis/client'): Promise<CreateClient> {
  let mod: { createClient?: CreateClient };
  try {
    // A variable specifier: bundlers leave the import alone instead of pulling node:net into a browser build.
    mod = (await import(specifier)) as { createClient?: CreateClient };
  } catch (err) {
    throw new StoreConfigError('REDIS_CLIENT_MISSING', `the Redis store needs the optional dependency ${specifier}: npm install @redis/client`, { cause: err });
  }
  if (typeof mod.createClient !== 'function') throw new StoreConfigError('REDIS_CLIENT_MISSING', `${specifier} has no createClient()`);
  return mod.createClient;
}

/** Any failure of a Redis call, as the session layer's retryable STORE error (the service answers ServerTooBusy). */
function storeError(err: unknown): SessionError {
  if (err instanceof SessionError) return err;
  const message = err instanceof Error ? err.message || err.name : String(err);
  return new SessionError('STORE', `redis: ${message}`, { cause: err, retry: true });
}

/** Rejects with a retryable STORE error when `p` takes longer than `ms`. */
function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SessionError('STORE', `redis: no answer within ${ms} ms`, { retry: true })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One connection to Redis (node-redis pipelines concurrent commands on it), reconnecting by itself.
 * SECURITY: fail closed. No offline queue: while disconnected a command fails at once instead of waiting, and every
 * command is bounded by `timeoutMs`; either way the caller gets SessionError STORE (retry) and refuses the message.
 */
export class RedisConnection implements RedisCommander {
  readonly timeoutMs: number;
  readonly #client: NodeRedisClient;
  readonly #onStatus: RedisConnectionOptions['onStatus'];
  #down = false;
  #closed = false;

  private constructor(client: NodeRedisClient, timeoutMs: number, onStatus: RedisConnectionOptions['onStatus']) {
    this.#client = client;
    this.timeoutMs = timeoutMs;
    this.#onStatus = onStatus;
  }

  /** Creates the client and starts connecting; does not wait (see waitReady). */
  static async open(options: RedisConnectionOptions): Promise<RedisConnection> {
    const url = parseRedisUrl(options.url);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be positive');
    const createClient = await loadRedisClient(options.module);
    const client = createClient({
      url,
      disableOfflineQueue: true,
      commandOptions: { timeout: timeoutMs },
      // Reconnect for ever, quickly at first: the service refuses messages until the connection is back.
      socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 1000) },
    });
    const conn = new RedisConnection(client, timeoutMs, options.onStatus);
    client.on('error', (err) => conn.#status('down', (err as Error)?.message));
    client.on('ready', () => conn.#status('ready'));
    client.connect().catch((err: unknown) => conn.#status('down', (err as Error)?.message));
    return conn;
  }

  get ready(): boolean {
    return !this.#closed && this.#client.isReady;
  }

  /** Resolves true once connected, false after `ms` without a connection. */
  async waitReady(ms = this.timeoutMs): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.ready) {
      if (this.#closed || Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  sendCommand(args: string[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new SessionError('STORE', 'redis: the connection is closed', { retry: true }));
    let p: Promise<unknown>;
    try {
      p = this.#client.sendCommand(args);
    } catch (err) {
      return Promise.reject(storeError(err));
    }
    return bounded(p, this.timeoutMs).catch((err: unknown) => {
      throw storeError(err);
    });
  }

  /** Drops the connection at once (pending commands fail). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#client.destroy();
    } catch {
      // already gone
    }
  }

  #status(status: 'ready' | 'down', detail?: string): void {
    if (this.#closed) return;
    if (status === 'down') {
      if (this.#down) return;
      this.#down = true;
    } else {
      this.#down = false;
    }
    this.#onStatus?.(status, detail);
  }
}

/** Checks a store URL: `redis://` or `rediss://` with a host, an optional port and an optional `/DB` number. */
export function parseRedisUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreConfigError('STORE_URL', `not a URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new StoreConfigError('STORE_URL', `a store URL is redis://HOST:PORT[/DB], not ${u.protocol}`);
  if (u.hostname === '') throw new StoreConfigError('STORE_URL', 'the store URL has no host');
  if (u.pathname !== '' && u.pathname !== '/' && !/^\/\d{1,5}$/.test(u.pathname)) throw new StoreConfigError('STORE_URL', `the store URL path is a database number, not ${u.pathname}`);
  return url;
}

const utf8 = new TextEncoder();
const base64url = (b: Uint8Array): string => encodeBase64(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const ttlArg = (ttlMs: number): string => String(Math.max(1, Math.ceil(ttlMs)));

/** Runs a Lua script by SHA, loading it on NOSCRIPT (after a Redis restart the script cache is empty). */
async function evalScript(redis: RedisCommander, script: { text: string; sha: string }, keys: string[], args: string[]): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await redis.sendCommand(['EVALSHA', script.sha, ...tail]);
  } catch (err) {
    if (!/NOSCRIPT/.test(String((err as Error)?.message))) throw err;
    return redis.sendCommand(['EVAL', script.text, ...tail]);
  }
}

// SPEC: a cancelled session's key becomes this tombstone (never a sealed value, which starts with '0' or 'urn').
const TOMBSTONE = '!';
const FIRST = '0';
const NONE = '-';

/**
 * The set of a session, atomic on the Redis side. The value is `current ‖ '|' ‖ previous ‖ '|' ‖ sealed`, the key
 * generations' SCT Instances (public: they travel in clear on the wire), so that Redis can order writes:
 * 1 written; 0 the session was cancelled (tombstone): not revived; 2 stale (a node's touch under the key a renewal
 * just retired): the newer state stays; 3 conflict (a renewal that does not chain from the stored key).
 * SECURITY: without this, a request in flight on node B when node A cancels (or renews) the session would write its
 * older copy back and revive the cancelled session, or undo the renewal, on every node.
 */
const SET_SESSION = `
local old = redis.call('GET', KEYS[1])
if old then
  if old == '${TOMBSTONE}' then return 0 end
  local c, p = string.match(old, '^([^|]*)|([^|]*)|')
  if c ~= ARGV[1] and c ~= ARGV[2] then
    if ARGV[1] == p then return 2 end
    return 3
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1`;

export interface RedisTokenStoreOptions {
  /** Key prefix of this service (default `wssc:`): services sharing a Redis must use different prefixes. */
  prefix?: string;
  /** The store key ring (32+ random bytes each): the last key seals, every key opens. The same on every node. */
  keys: CookieKey[];
  provider?: CryptoProvider;
  /** How long a cancelled session's identifier stays refused, against writes from requests in flight (ms; default 5 min). */
  tombstoneMs?: number;
  /** Receives entries that do not open (a foreign ring, tampering); the session is then treated as unknown. */
  onError?: (err: unknown) => void;
}

/**
 * Session-mode token state in Redis, shared by every node of a farm: a token issued by one node is resolved,
 * renewed and cancelled by any.
 * SECURITY: each session is sealed (encrypt-then-MAC under the store key ring, bound to its Redis key) before it
 * leaves the process: Redis, its AOF/RDB files and its replicas never hold a session key in clear.
 * Memory is bounded by TTLs: each entry expires with the session's inactivity timeout or its end (SET … PX).
 */
export class RedisTokenStore implements TokenStore {
  readonly prefix: string;
  readonly #redis: RedisCommander;
  readonly #sealer: StoreSealer;
  readonly #tombstoneMs: number;
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #script: { text: string; sha: string };

  constructor(redis: RedisCommander, options: RedisTokenStoreOptions) {
    this.#redis = redis;
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    const provider = options.provider ?? auto;
    this.#sealer = new StoreSealer(options.keys, provider);
    this.#tombstoneMs = options.tombstoneMs ?? 5 * 60_000;
    this.#onError = options.onError;
    this.#script = { text: SET_SESSION, sha: hex(provider.digest('sha1', utf8.encode(SET_SESSION))) };
  }

  /** The Redis key of a session. */
  keyOf(identifier: string): string {
    return `${this.prefix}sct:${identifier}`;
  }

  async get(identifier: string): Promise<StoredSession | undefined> {
    const key = this.keyOf(identifier);
    const value = await this.#redis.sendCommand(['GET', key]);
    if (value === null || value === undefined || value === TOMBSTONE) return undefined;
    try {
      const text = String(value);
      const at = text.indexOf('|', text.indexOf('|') + 1);
      const sealed = decodeBase64Strict(text.slice(at + 1));
      if (at < 0 || sealed === undefined) throw new SessionError('STORE', 'a stored session is malformed');
      const session = this.#sealer.open(sealed, key);
      if (session.identifier !== identifier) throw new SessionError('STORE', 'a stored session names another identifier');
      return session;
    } catch (err) {
      // SECURITY: an entry that does not open is an unknown token (BadContextToken), never a usable one.
      this.#onError?.(err);
      return undefined;
    }
  }

  async set(session: StoredSession, ttlMs: number): Promise<void> {
    const key = this.keyOf(session.identifier);
    const gen = (i: number): string => (session.keys[i] === undefined ? NONE : session.keys[i]!.instance ?? FIRST);
    const sealed = encodeBase64(this.#sealer.seal(session, key));
    const r = Number(await evalScript(this.#redis, this.#script, [key], [gen(0), gen(1), sealed, ttlArg(ttlMs)]));
    if (r === 3) throw new SessionError('STORE', 'the session was renewed concurrently on another node', { retry: true });
  }

  /** Cancels: the entry becomes a tombstone (SET … XX), so that no node's late write can revive it. */
  async delete(identifier: string): Promise<void> {
    await this.#redis.sendCommand(['SET', this.keyOf(identifier), TOMBSTONE, 'PX', ttlArg(this.#tombstoneMs), 'XX']);
  }

  /** Wipes the store key ring (the Redis entries stay for the other nodes). */
  destroy(): void {
    this.#sealer.destroy();
  }
}

export interface RedisReplayCacheOptions {
  /** Key prefix of this service (default `wssc:`). */
  prefix?: string;
}

/**
 * The replay cache of a farm: one signature value is accepted once across every node.
 * SPEC: one round trip, atomic on the Redis side: `SET key 1 NX PX ttl` succeeds for the first node only, and the
 * entry expires with the replay window (ReplayWindow + 2 × MaxClockSkew, protocol.md §4.4).
 */
export class RedisReplayCache implements ReplayCache {
  readonly prefix: string;
  readonly #redis: RedisCommander;

  constructor(redis: RedisCommander, options: RedisReplayCacheOptions = {}) {
    this.#redis = redis;
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  }

  keyOf(signatureValue: Uint8Array): string {
    return `${this.prefix}rp:${base64url(signatureValue)}`;
  }

  async checkAndAdd(key: Uint8Array, ttlMs: number): Promise<boolean> {
    const r = await this.#redis.sendCommand(['SET', this.keyOf(key), '1', 'NX', 'PX', ttlArg(ttlMs)]);
    return r === 'OK';
  }
}

export interface RedisStoresOptions extends RedisConnectionOptions {
  prefix?: string;
  /** The store key ring; without it only the replay cache is made (cookie-mode services keep no token state). */
  keys?: CookieKey[];
  provider?: CryptoProvider;
  tombstoneMs?: number;
  onError?: (err: unknown) => void;
}

/** One connection, the token store on it (when keys are given) and the replay cache on it. */
export async function createRedisStores(options: RedisStoresOptions): Promise<{ connection: RedisConnection; store?: RedisTokenStore; replayCache: RedisReplayCache }> {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  // Check the keys before connecting, so that a configuration error does not leave a connection open.
  const sealerCheck = options.keys === undefined ? undefined : new StoreSealer(options.keys, options.provider ?? auto);
  sealerCheck?.destroy();
  const connection = await RedisConnection.open(options);
  const replayCache = new RedisReplayCache(connection, { prefix });
  if (options.keys === undefined) return { connection, replayCache };
  const store = new RedisTokenStore(connection, {
    prefix, keys: options.keys,
    ...(options.provider === undefined ? {} : { provider: options.provider }),
    ...(options.tombstoneMs === undefined ? {} : { tombstoneMs: options.tombstoneMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  return { connection, store, replayCache };
}
