// Cookie-mode SCTs (WCF requireCancellation=false, `dnse:Cookie`; protocol.md §4.2): session state sealed under a shared key ring, AES-256-CBC + HMAC-SHA256 encrypt-then-MAC.
import { auto } from '../crypto/auto.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { SessionError } from '../errors.js';
import { SessionSealer, type SealPurpose } from './seal.js';
import type { StoredSession } from './token-store.js';

/** One key of the ring. `id` is written in clear into each cookie so that the right key opens it. */
export interface CookieKey {
  id: string;
  /** At least 32 random bytes. */
  key: Uint8Array;
}

const COOKIE: SealPurpose = {
  what: 'cookie',
  encLabel: 'wssc cookie v1 aes-256-cbc',
  macLabel: 'wssc cookie v1 hmac-sha256',
  configError: (message) => new RangeError(message),
  refusal: () => new SessionError('BAD_COOKIE', 'the security context cookie cannot be opened'),
  maxLength: 8192,
  full: false,
};

/**
 * Seals and opens session state with a key ring: the last key seals, every key opens (rotate by appending a key,
 * and drop an old one once the cookies it sealed have expired). The construction is SessionSealer's; a cookie
 * carries one key generation and no activity times.
 */
export class CookieSealer {
  readonly #sealer: SessionSealer;

  constructor(ring: readonly CookieKey[], provider: CryptoProvider = auto) {
    this.#sealer = new SessionSealer(ring, provider, COOKIE);
  }

  /** version ‖ idLength ‖ id ‖ IV ‖ AES-256-CBC(JSON state) ‖ HMAC-SHA256(all before). */
  seal(state: StoredSession): Uint8Array {
    return this.#sealer.seal(state);
  }

  /** @throws SessionError BAD_COOKIE for anything that is not a cookie this ring sealed. */
  open(cookie: Uint8Array): StoredSession {
    return this.#sealer.open(cookie);
  }

  /** Wipes the derived keys. */
  destroy(): void {
    this.#sealer.destroy();
  }
}
