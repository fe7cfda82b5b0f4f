// wssc/wss: the WS-Security 1.0/1.1 header (WSS 1.1 SOAP Message Security): Timestamp, tokens, references, layout, signatures.
export { BASE64_BINARY, SC13_NAMESPACE, SC_FEB2005_NAMESPACE, VALUE_TYPE, WSSE11_NAMESPACE, WSSE_NAMESPACE, WSU_NAMESPACE } from './namespaces.js';
export {
  DEFAULT_SKEW_MS, DEFAULT_TTL_MS, checkTimestamp, checkTimestampTimes, createTimestamp, formatDateTime, parseDateTime, readClock, timestampXml,
  type Clock, type Timestamp, type TimestampCheck,
} from './timestamp.js';
export { parseBinarySecurityToken, x509TokenXml, type BinarySecurityToken } from './binary-security-token.js';
export {
  localId, parseTokenReference, subjectKeyIdentifierReference, thumbprintReference, tokenReferenceXml, x509Reference, type TokenReference,
} from './token-reference.js';
export { certificateDer, subjectKeyIdentifier, thumbprintSha1 } from './x509.js';
export {
  IdAllocator, checkStrictLayout, idAttributeEdit, orderItems, partKind, prepareSecurity, readSecurity, replacePartEdit, securityPartsOfParsed, securityItemEdits, securityScope,
  type PrepareOptions, type Prepared, type SecureEnvelope, type SecurityHeader, type SecurityItem, type SecurityPart, type SecurityPartKind,
} from './security-header.js';
export {
  signEnvelope, verifyEnvelope,
  type EnvelopeSigningKey, type EnvelopeVerificationKey, type SignEnvelopeOptions, type SignedEnvelope, type VerifyEnvelopeOptions,
} from './signature.js';
export { WsSecurityError } from '../errors.js';
