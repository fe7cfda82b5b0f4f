// WS-SecureConversation 1.3 §7-§8 message protection as one seam: the symmetric session codec and the X.509 bootstrap the service and client call.
import {
  destroyBootstrapState, openBootstrapRequest, openBootstrapResponse, protectBootstrapRequest, protectBootstrapResponse,
  type BootstrapClientOptions, type BootstrapClientState, type BootstrapServiceOptions, type BootstrapServiceState,
} from './bootstrap.js';
import { protectMessage, type ProtectOptions } from './protect.js';
import type { SuiteName } from './suites.js';
import { unprotectMessage, type UnprotectOptions, type UnprotectedMessage } from './unprotect.js';

export type { BootstrapClientOptions, BootstrapClientState, BootstrapMode, BootstrapServiceOptions, BootstrapServiceState, X509Credentials, TrustConfig } from './bootstrap.js';
export type { ProtectOptions } from './protect.js';
export type { SessionToken } from './session-token.js';
export type { SuiteName } from './suites.js';
export type { TokenLookup, UnprotectOptions, UnprotectedMessage } from './unprotect.js';

/** SCT key size in bits per suite (protocol.md §2.5: DefaultSymmetricKeyLength). */
export const SUITE_KEY_SIZE: Readonly<Record<SuiteName, number>> = Object.freeze({ basic256: 256, basic128: 128, basic256sha256: 256, basic128sha256: 128 });

/** Everything the service and client need from the message layers; injectable so each side can be tested alone. */
export interface SessionCodec {
  protectMessage(envelope: Uint8Array, options: ProtectOptions): Uint8Array;
  unprotectMessage(bytes: Uint8Array, options: UnprotectOptions): UnprotectedMessage;
  protectBootstrapRequest(envelope: Uint8Array, options: BootstrapClientOptions): { message: Uint8Array; state: BootstrapClientState };
  openBootstrapRequest(bytes: Uint8Array, options: BootstrapServiceOptions): { envelope: Uint8Array; state: BootstrapServiceState };
  protectBootstrapResponse(envelope: Uint8Array, state: BootstrapServiceState, options: BootstrapServiceOptions): Uint8Array;
  openBootstrapResponse(bytes: Uint8Array, state: BootstrapClientState): Uint8Array;
  /** Wipes the bootstrap keys a state holds. */
  destroyBootstrapState?(state: BootstrapClientState | BootstrapServiceState): void;
}

const DEFAULT_CODEC: SessionCodec = Object.freeze({
  protectMessage, unprotectMessage, protectBootstrapRequest, openBootstrapRequest, protectBootstrapResponse, openBootstrapResponse, destroyBootstrapState,
});

/** The codec of src/wssc: protect.ts / unprotect.ts (engineer A) and bootstrap.ts (engineer B). */
export function defaultCodec(): SessionCodec {
  return DEFAULT_CODEC;
}
