// wssc: WS-SecureConversation for Node.js and browsers; everything users need, with no side effects at import.
export * from './crypto/index.js';
export { C14nError, UsageError, XmlError } from './errors.js';
export * from './c14n/index.js';
export * from './dsig/index.js';
export * from './xenc/index.js';
export * from './soap/index.js';
export * from './wss/index.js';
export * from './wssc/index.js';
