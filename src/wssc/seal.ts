// Session state sealed under a key ring (protocol.md §4.2): AES-256-CBC + HMAC-SHA256 encrypt-then-MAC with per-purpose derived keys, the one construction behind cookie-mode SCTs (CookieSealer) and the shared token store (StoreSealer).
import type { CryptoProvider, HmacKey } from '../crypto/provider.js';
import { decodeBase64Strict, encodeBase64 } from '../encoding/base64.js';
import type { SessionError } from '../errors.js';
import type { CookieKey } from './cookie.js';
import type { StoredSession } from './token-store.js';

const VERSION = 1;
const IV_LENGTH = 16;
const MAC_LENGTH = 32;
const MIN_RING_KEY = 32;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** What differs between the users of the construction; the format and the checks do not. */
export interface SealPurpose {
  /** Names the ring in configuration errors: `cookie`, `store`. */
  what: string;
  /**
   * SPEC: one ring key, two purposes: separate AES and HMAC keys derived with HMAC-SHA256 under these labels. Each
   * user has its own pair, so that one ring file used for several never gives two of them the same AES or HMAC key.
   */
  encLabel: string;
  macLabel: string;
  /** The error for a ring that cannot be used (empty, a bad or repeated id, a short key). */
  configError: (message: string) => Error;
  /** The single refusal: a sealed value that does not open says nothing about why. */
  refusal: () => SessionError;
  /** Sealed values longer than this are refused unread. */
  maxLength?: number;
  /**
   * Thrown by seal and open once the ring is destroyed. Without it, open refuses as for an unknown key id and
   * seal throws a TypeError.
   */
  destroyed?: () => Error;
  /**
   * Whether the whole state is sealed (every key generation with its retirement, last use and activity) or only what
   * a cookie carries (one key generation; last use is the creation time and the session is active).
   */
  full: boolean;
}

interface RingEntry {
  idBytes: Uint8Array;
  enc: Uint8Array;
  mac: HmacKey;
}

/**
 * Seals and opens session state with a key ring: the last key seals, every key opens (rotate by appending a key,
 * and drop an old one once what it sealed has expired).
 * SECURITY: encrypt-then-MAC; the MAC covers the version, the key id, the IV and the ciphertext (and a context when
 * one is given) and is checked in constant time before any decryption, so no padding oracle is reachable.
 */
export class SessionSealer {
  readonly #entries: RingEntry[];
  readonly #provider: CryptoProvider;
  readonly #purpose: SealPurpose;

  constructor(ring: readonly CookieKey[], provider: CryptoProvider, purpose: SealPurpose) {
    const { what, configError } = purpose;
    if (ring.length === 0) throw configError(`the ${what} key ring is empty`);
    this.#provider = provider;
    this.#purpose = purpose;
    const encLabel = utf8.encode(purpose.encLabel);
    const macLabel = utf8.encode(purpose.macLabel);
    const ids = new Set<string>();
    this.#entries = ring.map(({ id, key }) => {
      const idBytes = utf8.encode(id);
      if (idBytes.length === 0 || idBytes.length > 64) throw configError(`a ${what} key id is 1..64 UTF-8 bytes`);
      if (ids.has(id)) throw configError(`${what} key id ${id} repeated`);
      ids.add(id);
      if (key.length < MIN_RING_KEY) throw configError(`${what} key ${id} is shorter than ${MIN_RING_KEY} bytes`);
      return { idBytes, enc: provider.hmac('sha256', key, encLabel), mac: provider.hmacKey('sha256', provider.hmac('sha256', key, macLabel)) };
    });
  }

  /**
   * version ‖ idLength ‖ id ‖ IV ‖ AES-256-CBC(JSON state) ‖ HMAC-SHA256(all before), or with a context
   * HMAC-SHA256(len(context) ‖ context ‖ all before).
   */
  seal(state: StoredSession, context?: string): Uint8Array {
    const entries = this.#live();
    const e = entries[entries.length - 1];
    if (e === undefined) throw new TypeError(`the ${this.#purpose.what} sealer was destroyed`);
    const plain = utf8.encode(JSON.stringify(toJson(state, this.#purpose.full)));
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
    out.set(mac(e, context, out.subarray(0, out.length - MAC_LENGTH)), out.length - MAC_LENGTH);
    return out;
  }

  /** @throws the purpose's refusal for anything this ring did not seal (under this context). */
  open(sealed: Uint8Array, context?: string): StoredSession {
    const entries = this.#live();
    const bad = this.#purpose.refusal;
    const max = this.#purpose.maxLength ?? Infinity;
    if (sealed.length < 2 + 1 + IV_LENGTH + 16 + MAC_LENGTH || sealed.length > max || sealed[0] !== VERSION) throw bad();
    const idLength = sealed[1]!;
    const head = 2 + idLength;
    const ctLength = sealed.length - head - IV_LENGTH - MAC_LENGTH;
    if (idLength === 0 || ctLength < 16 || ctLength % 16 !== 0) throw bad();
    const id = sealed.subarray(2, head);
    const e = entries.find((x) => x.idBytes.length === id.length && x.idBytes.every((b, i) => b === id[i]));
    if (e === undefined) throw bad();
    if (!this.#provider.equal(mac(e, context, sealed.subarray(0, sealed.length - MAC_LENGTH)), sealed.subarray(sealed.length - MAC_LENGTH))) throw bad();
    let plain: Uint8Array;
    try {
      plain = this.#provider.aesCbcDecrypt(e.enc, sealed.subarray(head, head + IV_LENGTH), sealed.subarray(head + IV_LENGTH, sealed.length - MAC_LENGTH));
    } catch {
      throw bad();
    }
    try {
      return fromJson(JSON.parse(fromUtf8.decode(plain)), this.#purpose.full);
    } catch {
      throw bad();
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

  #live(): RingEntry[] {
    const { destroyed } = this.#purpose;
    if (this.#entries.length === 0 && destroyed !== undefined) throw destroyed();
    return this.#entries;
  }
}

function mac(e: RingEntry, context: string | undefined, data: Uint8Array): Uint8Array {
  if (context === undefined) return e.mac.mac(data);
  const c = utf8.encode(context);
  const h = e.mac.create();
  h.update(Uint8Array.of(c.length >>> 8, c.length & 0xff)).update(c).update(data);
  return h.digest();
}

const unb64 = (s: string): Uint8Array => {
  const b = decodeBase64Strict(s);
  if (b === undefined) throw new TypeError('base64');
  return b;
};

// Fields a cookie does not carry are left undefined, which JSON.stringify omits.
function toJson(s: StoredSession, full: boolean): unknown {
  return {
    i: s.identifier,
    v: s.version,
    s: s.suite,
    k: s.keys.map((g) => ({ n: g.instance, k: encodeBase64(g.key), e: g.effectiveAt, x: g.expiresAt, r: full ? g.retiredAt : undefined })),
    c: s.createdAt,
    x: s.expiresAt,
    l: full ? s.lastUsedAt : undefined,
    a: full ? s.active : undefined,
    b: s.bootstrap,
    u: s.client,
  };
}

function fromJson(j: unknown, full: boolean): StoredSession {
  const o = j as Record<string, unknown>;
  const num = (v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError('number');
    return v;
  };
  const str = (v: unknown): string => {
    if (typeof v !== 'string') throw new TypeError('string');
    return v;
  };
  // A cookie carries the one key generation it was issued with; the store keeps the current one and a retiring one.
  if (!Array.isArray(o['k']) || o['k'].length < 1 || o['k'].length > (full ? 2 : 1)) throw new TypeError('keys');
  const keys = (o['k'] as Record<string, unknown>[]).map((g) => ({
    ...(g['n'] === undefined ? {} : { instance: str(g['n']) }),
    key: unb64(str(g['k'])),
    effectiveAt: num(g['e']),
    expiresAt: num(g['x']),
    ...(!full || g['r'] === undefined ? {} : { retiredAt: num(g['r']) }),
  }));
  const version = str(o['v']);
  if (version !== 'feb2005' && version !== '1.3') throw new TypeError('version');
  if (full && typeof o['a'] !== 'boolean') throw new TypeError('active');
  const out: StoredSession = {
    identifier: str(o['i']),
    version,
    suite: str(o['s']),
    keys,
    createdAt: num(o['c']),
    expiresAt: num(o['x']),
    lastUsedAt: num(full ? o['l'] : o['c']),
    active: full ? (o['a'] as boolean) : true,
  };
  if (o['b'] !== undefined) out.bootstrap = str(o['b']);
  const u = o['u'] as Record<string, unknown> | undefined;
  if (u !== undefined) out.client = { subject: str(u['subject']), fingerprint: str(u['fingerprint']) };
  return out;
}
