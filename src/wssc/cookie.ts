// Cookie-mode SCTs (WCF requireCancellation=false, `dnse:Cookie`; protocol.md §4.2): session state sealed under a shared key ring, AES-256-CBC + HMAC-SHA256 encrypt-then-MAC.
import { auto } from '../crypto/auto.js';
import type { CryptoProvider, HmacKey } from '../crypto/provider.js';
import { SessionError } from '../errors.js';
import type { StoredSession } from './token-store.js';

/** One key of the ring. `id` is written in clear into each cookie so that the right key opens it. */
export interface CookieKey {
  id: string;
  /** At least 32 random bytes. */
  key: Uint8Array;
}

const VERSION = 1;
const IV_LENGTH = 16;
const MAC_LENGTH = 32;
const MIN_RING_KEY = 32;
const MAX_COOKIE = 8192;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

// SPEC: one ring key, two purposes: separate AES and HMAC keys derived with HMAC-SHA256 and distinct labels.
const ENC_LABEL = utf8.encode('wssc cookie v1 aes-256-cbc');
const MAC_LABEL = utf8.encode('wssc cookie v1 hmac-sha256');

/** The single refusal: a cookie that does not open says nothing about why. */
const badCookie = (): SessionError => new SessionError('BAD_COOKIE', 'the security context cookie cannot be opened');

interface RingEntry {
  id: string;
  idBytes: Uint8Array;
  enc: Uint8Array;
  mac: HmacKey;
}

/**
 * Seals and opens session state with a key ring: the last key seals, every key opens (rotate by appending a key,
 * and drop an old one once the cookies it sealed have expired).
 * SECURITY: encrypt-then-MAC; the MAC covers the version, the key id, the IV and the ciphertext and is checked in
 * constant time before any decryption, so no padding oracle is reachable.
 */
export class CookieSealer {
  readonly #entries: RingEntry[];
  readonly #provider: CryptoProvider;

  constructor(ring: readonly CookieKey[], provider: CryptoProvider = auto) {
    if (ring.length === 0) throw new RangeError('the cookie key ring is empty');
    this.#provider = provider;
    const ids = new Set<string>();
    this.#entries = ring.map(({ id, key }) => {
      const idBytes = utf8.encode(id);
      if (idBytes.length === 0 || idBytes.length > 64) throw new RangeError('a cookie key id is 1..64 UTF-8 bytes');
      if (ids.has(id)) throw new RangeError(`cookie key id ${id} repeated`);
      ids.add(id);
      if (key.length < MIN_RING_KEY) throw new RangeError(`cookie key ${id} is shorter than ${MIN_RING_KEY} bytes`);
      return {
        id,
        idBytes,
        enc: provider.hmac('sha256', key, ENC_LABEL),
        mac: provider.hmacKey('sha256', provider.hmac('sha256', key, MAC_LABEL)),
      };
    });
  }

  /** version ‖ idLength ‖ id ‖ IV ‖ AES-256-CBC(JSON state) ‖ HMAC-SHA256(all before). */
  seal(state: StoredSession): Uint8Array {
    const e = this.#entries[this.#entries.length - 1]!;
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
    out.set(e.mac.mac(out.subarray(0, out.length - MAC_LENGTH)), out.length - MAC_LENGTH);
    return out;
  }

  /** @throws SessionError BAD_COOKIE for anything that is not a cookie this ring sealed. */
  open(cookie: Uint8Array): StoredSession {
    if (cookie.length < 2 + 1 + IV_LENGTH + 16 + MAC_LENGTH || cookie.length > MAX_COOKIE || cookie[0] !== VERSION) throw badCookie();
    const idLength = cookie[1]!;
    const head = 2 + idLength;
    const ctLength = cookie.length - head - IV_LENGTH - MAC_LENGTH;
    if (idLength === 0 || ctLength < 16 || ctLength % 16 !== 0) throw badCookie();
    const id = cookie.subarray(2, head);
    const e = this.#entries.find((x) => x.idBytes.length === id.length && x.idBytes.every((b, i) => b === id[i]));
    if (e === undefined) throw badCookie();
    const mac = e.mac.mac(cookie.subarray(0, cookie.length - MAC_LENGTH));
    if (!this.#provider.equal(mac, cookie.subarray(cookie.length - MAC_LENGTH))) throw badCookie();
    let plain: Uint8Array;
    try {
      plain = this.#provider.aesCbcDecrypt(e.enc, cookie.subarray(head, head + IV_LENGTH), cookie.subarray(head + IV_LENGTH, cookie.length - MAC_LENGTH));
    } catch {
      throw badCookie();
    }
    try {
      return fromJson(JSON.parse(fromUtf8.decode(plain)));
    } catch {
      throw badCookie();
    } finally {
      plain.fill(0);
    }
  }

  /** Wipes the derived keys. */
  destroy(): void {
    for (const e of this.#entries) {
      e.enc.fill(0);
      e.mac.destroy();
    }
    this.#entries.length = 0;
  }
}

const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const unb64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

function toJson(s: StoredSession): unknown {
  return {
    i: s.identifier,
    v: s.version,
    s: s.suite,
    k: s.keys.map((g) => ({ n: g.instance, k: b64(g.key), e: g.effectiveAt, x: g.expiresAt })),
    c: s.createdAt,
    x: s.expiresAt,
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
  if (!Array.isArray(o['k']) || o['k'].length !== 1) throw new TypeError('keys');
  const keys = (o['k'] as Record<string, unknown>[]).map((g) => ({
    ...(g['n'] === undefined ? {} : { instance: str(g['n']) }),
    key: unb64(str(g['k'])),
    effectiveAt: num(g['e']),
    expiresAt: num(g['x']),
  }));
  const version = str(o['v']);
  if (version !== 'feb2005' && version !== '1.3') throw new TypeError('version');
  const out: StoredSession = {
    identifier: str(o['i']),
    version,
    suite: str(o['s']),
    keys,
    createdAt: num(o['c']),
    expiresAt: num(o['x']),
    lastUsedAt: num(o['c']),
    active: true,
  };
  if (o['b'] !== undefined) out.bootstrap = str(o['b']);
  const u = o['u'] as Record<string, unknown> | undefined;
  if (u !== undefined) out.client = { subject: str(u['subject']), fingerprint: str(u['fingerprint']) };
  return out;
}
