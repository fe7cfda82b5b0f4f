// Sealed session state for a shared token store (protocol.md §4.2 session-mode state, kept outside the process): the cookie construction (AES-256-CBC + HMAC-SHA256 encrypt-then-MAC under a key ring), full state, bound to its store key.
import { auto } from '../crypto/auto.js';
import type { CryptoProvider, HmacKey } from '../crypto/provider.js';
import { decodeBase64Strict, encodeBase64 } from '../encoding/base64.js';
import { SessionError, StoreConfigError } from '../errors.js';
import type { CookieKey } from './cookie.js';
import type { StoredSession } from './token-store.js';

const VERSION = 1;
const IV_LENGTH = 16;
const MAC_LENGTH = 32;
const MIN_KEY = 32;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

// SPEC: labels distinct from the cookie sealer's, so that one ring file used for both never gives the same AES or
// HMAC key to a cookie and a store entry.
const ENC_LABEL = utf8.encode('wssc store v1 aes-256-cbc');
const MAC_LABEL = utf8.encode('wssc store v1 hmac-sha256');

/** The single refusal: an entry that does not open says nothing about why. */
const badEntry = (): SessionError => new SessionError('STORE', 'a stored session does not open under the store key ring');

interface RingEntry {
  idBytes: Uint8Array;
  enc: Uint8Array;
  mac: HmacKey;
}

/**
 * Seals a whole StoredSession (every key generation, retirement and activity times) under a key ring: the last
 * key seals, every key opens, as the cookie ring does (CookieSealer keeps one key generation only, so it cannot be
 * reused as is). `context` (the store key name) is MACed with the entry.
 * SECURITY: encrypt-then-MAC, the MAC checked in constant time before any decryption. Binding the store key name
 * means a writer to Redis cannot move one session's sealed state under another session's identifier.
 */
export class StoreSealer {
  readonly #entries: RingEntry[];
  readonly #provider: CryptoProvider;

  constructor(ring: readonly CookieKey[], provider: CryptoProvider = auto) {
    if (ring.length === 0) throw new StoreConfigError('STORE_KEY', 'the store key ring is empty');
    this.#provider = provider;
    const ids = new Set<string>();
    this.#entries = ring.map(({ id, key }) => {
      const idBytes = utf8.encode(id);
      if (idBytes.length === 0 || idBytes.length > 64) throw new StoreConfigError('STORE_KEY', 'a store key id is 1..64 UTF-8 bytes');
      if (ids.has(id)) throw new StoreConfigError('STORE_KEY', `store key id ${id} repeated`);
      ids.add(id);
      if (key.length < MIN_KEY) throw new StoreConfigError('STORE_KEY', `store key ${id} is shorter than ${MIN_KEY} bytes`);
      return { idBytes, enc: provider.hmac('sha256', key, ENC_LABEL), mac: provider.hmacKey('sha256', provider.hmac('sha256', key, MAC_LABEL)) };
    });
  }

  /** version ‖ idLength ‖ id ‖ IV ‖ AES-256-CBC(JSON) ‖ HMAC-SHA256(len(context) ‖ context ‖ all before). */
  seal(state: StoredSession, context: string): Uint8Array {
    const e = this.#live().at(-1)!;
    const plain = utf8.encode(JSON.stringify(toJson(state)));
    const iv = this.#provider.randomBytes(IV_LENGTH);
    const ct = this.#provider.aesCbcEncrypt(e.enc, iv, plain);
    plain.fill(0);
    const head = 2 + e.idBytes.length;
    const out = new Uint8Array(head + IV_LENGTH + ct.length + MAC_LENGTH);
    out[0] = VERSION;
    out[1] = e.idBytes.length;
    out.set(e.idBytes, 2);
    out.set(iv, head);
    out.set(ct, head + IV_LENGTH);
    out.set(this.#mac(e, context, out.subarray(0, out.length - MAC_LENGTH)), out.length - MAC_LENGTH);
    return out;
  }

  /** @throws SessionError STORE (not retryable) for anything this ring did not seal under this context. */
  open(sealed: Uint8Array, context: string): StoredSession {
    const entries = this.#live();
    if (sealed.length < 2 + 1 + IV_LENGTH + 16 + MAC_LENGTH || sealed[0] !== VERSION) throw badEntry();
    const idLength = sealed[1]!;
    const head = 2 + idLength;
    const ctLength = sealed.length - head - IV_LENGTH - MAC_LENGTH;
    if (idLength === 0 || ctLength < 16 || ctLength % 16 !== 0) throw badEntry();
    const id = sealed.subarray(2, head);
    const e = entries.find((x) => x.idBytes.length === id.length && x.idBytes.every((b, i) => b === id[i]));
    if (e === undefined) throw badEntry();
    if (!this.#provider.equal(this.#mac(e, context, sealed.subarray(0, sealed.length - MAC_LENGTH)), sealed.subarray(sealed.length - MAC_LENGTH))) throw badEntry();
    let plain: Uint8Array;
    try {
      plain = this.#provider.aesCbcDecrypt(e.enc, sealed.subarray(head, head + IV_LENGTH), sealed.subarray(head + IV_LENGTH, sealed.length - MAC_LENGTH));
    } catch {
      throw badEntry();
    }
    try {
      return fromJson(JSON.parse(fromUtf8.decode(plain)));
    } catch {
      throw badEntry();
    } finally {
      plain.fill(0);
    }
  }

  /** Wipes the derived keys; the sealer is unusable afterwards. */
  destroy(): void {
    for (const e of this.#entries) {
      e.enc.fill(0);
      e.mac.destroy();
    }
    this.#entries.length = 0;
  }

  #live(): RingEntry[] {
    if (this.#entries.length === 0) throw new SessionError('SESSION_CLOSED', 'the store sealer was destroyed');
    return this.#entries;
  }

  #mac(e: RingEntry, context: string, data: Uint8Array): Uint8Array {
    const c = utf8.encode(context);
    const h = e.mac.create();
    h.update(Uint8Array.of(c.length >>> 8, c.length & 0xff)).update(c).update(data);
    return h.digest();
  }
}

const b64 = encodeBase64;
const unb64 = (s: string): Uint8Array => {
  const b = decodeBase64Strict(s);
  if (b === undefined) throw new TypeError('base64');
  return b;
};

function toJson(s: StoredSession): unknown {
  return {
    i: s.identifier,
    v: s.version,
    s: s.suite,
    k: s.keys.map((g) => ({ n: g.instance, k: b64(g.key), e: g.effectiveAt, x: g.expiresAt, r: g.retiredAt })),
    c: s.createdAt,
    x: s.expiresAt,
    l: s.lastUsedAt,
    a: s.active,
    b: s.bootstrap,
    u: s.client,
  };
}

function fromJson(j: unknown): StoredSession {
  const o = j as Record<string, unknown>;
  const num = (v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError('number');
    return v;
  };
  const str = (v: unknown): string => {
    if (typeof v !== 'string') throw new TypeError('string');
    return v;
  };
  if (!Array.isArray(o['k']) || o['k'].length < 1 || o['k'].length > 2) throw new TypeError('keys');
  const keys = (o['k'] as Record<string, unknown>[]).map((g) => ({
    ...(g['n'] === undefined ? {} : { instance: str(g['n']) }),
    key: unb64(str(g['k'])),
    effectiveAt: num(g['e']),
    expiresAt: num(g['x']),
    ...(g['r'] === undefined ? {} : { retiredAt: num(g['r']) }),
  }));
  const version = str(o['v']);
  if (version !== 'feb2005' && version !== '1.3') throw new TypeError('version');
  if (typeof o['a'] !== 'boolean') throw new TypeError('active');
  const out: StoredSession = {
    identifier: str(o['i']),
    version,
    suite: str(o['s']),
    keys,
    createdAt: num(o['c']),
    expiresAt: num(o['x']),
    lastUsedAt: num(o['l']),
    active: o['a'],
  };
  if (o['b'] !== undefined) out.bootstrap = str(o['b']);
  const u = o['u'] as Record<string, unknown> | undefined;
  if (u !== undefined) out.client = { subject: str(u['subject']), fingerprint: str(u['fingerprint']) };
  return out;
}
