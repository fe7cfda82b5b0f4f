// Sealed session state for a shared token store (protocol.md §4.2 session-mode state, kept outside the process): the cookie construction (AES-256-CBC + HMAC-SHA256 encrypt-then-MAC under a key ring), full state, bound to its store key.
import { auto } from '../crypto/auto.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { SessionError, StoreConfigError } from '../errors.js';
import type { CookieKey } from './cookie.js';
import { SessionSealer, type SealPurpose } from './seal.js';
import type { StoredSession } from './token-store.js';

const STORE: SealPurpose = {
  what: 'store',
  // SPEC: labels distinct from the cookie sealer's, so that one ring file used for both never gives the same AES or
  // HMAC key to a cookie and a store entry.
  encLabel: 'wssc store v1 aes-256-cbc',
  macLabel: 'wssc store v1 hmac-sha256',
  configError: (message) => new StoreConfigError('STORE_KEY', message),
  refusal: () => new SessionError('STORE', 'a stored session does not open under the store key ring'),
  destroyed: () => new SessionError('SESSION_CLOSED', 'the store sealer was destroyed'),
  full: true,
};

/**
 * Seals a whole StoredSession (every key generation, retirement and activity times) under a key ring: the last
 * key seals, every key opens, as the cookie ring does (CookieSealer keeps one key generation only, so it cannot be
 * reused as is; both are SessionSealer). `context` (the store key name) is MACed with the entry.
 * SECURITY: encrypt-then-MAC, the MAC checked in constant time before any decryption. Binding the store key name
 * means a writer to Redis cannot move one session's sealed state under another session's identifier.
 */
export class StoreSealer {
  readonly #sealer: SessionSealer;

  constructor(ring: readonly CookieKey[], provider: CryptoProvider = auto) {
    this.#sealer = new SessionSealer(ring, provider, STORE);
  }

  /** version ‖ idLength ‖ id ‖ IV ‖ AES-256-CBC(JSON) ‖ HMAC-SHA256(len(context) ‖ context ‖ all before). */
  seal(state: StoredSession, context: string): Uint8Array {
    return this.#sealer.seal(state, context);
  }

  /** @throws SessionError STORE (not retryable) for anything this ring did not seal under this context. */
  open(sealed: Uint8Array, context: string): StoredSession {
    return this.#sealer.open(sealed, context);
  }

  /** Wipes the derived keys; the sealer is unusable afterwards. */
  destroy(): void {
    this.#sealer.destroy();
  }
}
