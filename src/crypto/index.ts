// wssc/crypto: the provider seam of CONTRACT.md (initSync, init, wasm, js, auto, nodeProvider).
export type { CryptoProvider, HashAlg, Hasher, HmacKey } from './provider.js';
export { initSync, init } from './wasm/loader.js';
export { wasm } from './wasm/provider.js';
export { js } from './js/provider.js';
export { auto, CROSSOVER } from './auto.js';
export { nodeProvider } from './node/provider.js';
export { constantTimeEqual } from './equal.js';
export { CryptoError, DecryptionError, NotInitializedError, WsscError } from '../errors.js';
