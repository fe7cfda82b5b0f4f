// WS-SecureConversation (Feb 2005, 1.3) tokens and WS-Trust SCT messages: versions, SCT, DKT, RST/RSTR, session keys.
export * from './versions.js';
export * from './token-reference.js';
export * from './security-context-token.js';
export * from './derived-key-token.js';
export * from './trust-messages.js';
export * from './session-key.js';
export { FragmentWriter, readBodyElement, type ReadOptions, type TreeElement } from './xml-io.js';
export { TokenError, TrustError } from '../errors.js';
export { algorithmSuite, SUITE_NAMES, type AlgorithmSuite, type SuiteName } from './suites.js';
export type { SessionToken } from './session-token.js';
export { protectMessage, type ProtectOptions } from './protect.js';
export { unprotectMessage, type TokenLookup, type UnprotectOptions, type UnprotectedMessage } from './unprotect.js';
export {
  ENCRYPTED_KEY_VALUE_TYPE, destroyBootstrapState, openBootstrapRequest, openBootstrapResponse, protectBootstrapRequest, protectBootstrapRequestAsync,
  protectBootstrapResponse,
  type BootstrapClientOptions, type BootstrapClientState, type BootstrapMode, type BootstrapServiceOptions, type BootstrapServiceState,
  type TrustConfig, type X509Credentials,
} from './bootstrap.js';
export { defaultRsa, nodeRsa, webCryptoRsa, type RsaBackend, type RsaHash, type RsaSigningKey } from './bootstrap-rsa.js';
export {
  SecureSessionService, echoHandler,
  type ApplicationHandler, type ApplicationReply, type ApplicationRequest, type SecureSessionServiceOptions, type ServiceResponse,
} from './session-service.js';
export { SecureSessionClient, type OpenedReply, type SecureSessionClientOptions } from './session-client.js';
export { inProcessTransport, type Transport, type TransportResponse } from './session-transport.js';
export { defaultCodec, SUITE_KEY_SIZE, type SessionCodec } from './session-codec.js';
export { MemoryTokenStore, wipeSession, type MemoryTokenStoreOptions, type SessionKeyGeneration, type StoredSession, type TokenStore } from './token-store.js';
export { MemoryReplayCache, type MemoryReplayCacheOptions, type ReplayCache } from './replay-cache.js';
export { CookieSealer, type CookieKey } from './cookie.js';
export {
  DEFAULT_CLIENT_SETTINGS, DEFAULT_SERVICE_SETTINGS, clientSettings, replayTtlMs, serviceSettings, type ClientSettings, type ServiceSettings,
} from './settings.js';
export { SessionError } from '../errors.js';
export {
  DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT_MS, RedisConnection, RedisReplayCache, RedisTokenStore, createRedisStores, loadRedisClient, parseRedisUrl,
  type RedisCommander, type RedisConnectionOptions, type RedisReplayCacheOptions, type RedisStoresOptions, type RedisTokenStoreOptions,
} from './redis-store.js';
export { StoreSealer } from './redis-seal.js';
export { StoreConfigError } from '../errors.js';
