// wssc error hierarchy: one base class with a stable `code`, one subclass per layer (ARCHITECTURE.md, "Fail closed").

/** Base of every error wssc throws on purpose. `code` is stable across versions; messages are not. */
export class WsscError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A crypto argument is unusable: key, IV or length out of range, unknown algorithm, core misuse. */
export class CryptoError extends WsscError {}

/** The WebAssembly core was used before `init()` / `initSync()` finished. */
export class NotInitializedError extends WsscError {
  constructor() {
    super('NOT_INITIALIZED', 'the wasm crypto core is not initialized: call initSync() (Node) or await init() first');
  }
}

const DECRYPTION_FAILED = 'decryption failed';

/**
 * SECURITY: every decryption failure (length, key, padding, format, the XML of the plaintext) is this one
 * error with this one message, so that no caller can build a padding oracle from it.
 */
export class DecryptionError extends WsscError {
  constructor() {
    super('DECRYPTION_FAILED', DECRYPTION_FAILED);
  }
}

/** The input is not acceptable XML: malformed, a DTD, an unsupported encoding, over a configured limit. */
export class XmlError extends WsscError {}

/** Canonicalization or Id resolution failed: unknown or duplicate Id, an unsupported c14n option. */
export class C14nError extends WsscError {}

/** A command-line usage error (exit code 2). */
export class UsageError extends WsscError {}

/**
 * An XML signature was refused (XMLDSig 1.1; xml-security.md §1.5). Codes: `DIGEST_MISMATCH`, `SIGNATURE_MISMATCH`,
 * `ALGORITHM_NOT_ALLOWED` (unknown, weak or key-mismatched algorithm or transform), `HMAC_TRUNCATED`
 * (HMACOutputLength other than the full length), `REFERENCE_URI` (a URI form outside `""` / `#NCName`),
 * `REFERENCE_UNRESOLVED`, `SIGNATURE_STRUCTURE` (element shape, counts or order; non-text digest or signature
 * values), `SIGNATURE_NOT_FOUND`, `KEY_UNUSABLE`.
 */
export class SignatureError extends WsscError {}

/** The input is not an acceptable SOAP 1.1 / 1.2 envelope (root, Header/Body shape). Code `SOAP_ENVELOPE`. */
export class SoapError extends WsscError {}

/**
 * A WS-Security header was refused (WSS 1.1 SOAP Message Security). Codes: `TIMESTAMP_MISSING`, `TIMESTAMP_EXPIRED`
 * (Expires passed, or Created older than the allowed age), `TIMESTAMP_FUTURE` (Created beyond the skew window),
 * `TIMESTAMP_INVALID` (not an xsd:dateTime, Expires before Created, several Timestamps), `SECURITY_HEADER` (missing,
 * duplicated or misordered header elements), `TOKEN_INVALID` (a BinarySecurityToken or SecurityTokenReference that
 * cannot be read), `KEY_MISMATCH` (the token named by the message is not the trusted one).
 */
export class WsSecurityError extends WsscError {}

/**
 * An XML Encryption input or request was refused before any decryption (XML Encryption 1.0; xml-security.md §1.5
 * item 10). Only public facts are reported this way (structure, algorithm, Ids); anything that depends on a key
 * or on ciphertext is a DecryptionError. Codes: `ALGORITHM_NOT_SUPPORTED`, `ENCRYPTED_DATA_STRUCTURE`,
 * `ENCRYPTED_KEY_STRUCTURE`, `UNSUPPORTED_TYPE` (an EncryptedData whose Type cannot be put back in a document),
 * `REFERENCE_URI` (a DataReference other than `#NCName`), `REFERENCE_UNRESOLVED`, `KEY_UNRESOLVED` (no key for an
 * EncryptedData), `KEY_UNUSABLE` (a key of the wrong size or kind for encryption), `DUPLICATE_ID`, `NOT_FOUND`.
 */
export class EncryptionError extends WsscError {}

/**
 * A security context token, derived key token or token reference was refused (WS-SecureConversation 1.3 §3, §7;
 * protocol.md §2.2). Codes: `TOKEN_STRUCTURE` (element shape, order, counts, text, integers, base64),
 * `TOKEN_REFERENCE` (a SecurityTokenReference form outside Reference / KeyIdentifier, or missing),
 * `TOKEN_VERSION` (a namespace of the other WS-SC version, or not the expected one), `DKT_ALGORITHM` (an Algorithm
 * other than the version's P_SHA1), `DKT_PROPERTIES` (a Properties element), `DKT_GENERATION_AND_OFFSET` (both),
 * `DKT_OFFSET_LIMIT` (Offset, or Generation × Length, over the maximum), `DKT_LENGTH_LIMIT` (Length 0 or over the
 * maximum), `DKT_NONCE_MISSING`, `DKT_NONCE_LENGTH` (under the minimum or over the maximum), `DKT_LABEL` (a Label
 * over the maximum length, or refused by the label policy).
 */
export class TokenError extends WsscError {}

/**
 * A WS-Trust RequestSecurityToken(Response) for a security context token was refused (WS-Trust 1.3 §3-§4, §6-§7;
 * protocol.md §1.3-§1.5). Codes: `TRUST_STRUCTURE` (element shape, order, counts), `TRUST_VERSION` (namespaces of
 * two versions mixed, or not the expected version), `REQUEST_TYPE` (not Issue / Renew / Cancel as expected),
 * `TOKEN_TYPE` (a token type other than the SCT), `ENTROPY_MISSING` (the entropy mode needs entropy that is absent),
 * `ENTROPY_LENGTH` (zero-length, too short or too long entropy), `ENTROPY_TYPE` (a BinarySecret Type other than
 * Nonce for entropy), `ENTROPY_MODE` (entropy, a proof token or a computed key that the entropy mode forbids),
 * `COMPUTED_KEY_ALGORITHM` (an unknown ComputedKey / ComputedKeyAlgorithm URI), `KEY_SIZE` (not a multiple of 8 or
 * out of range), `KEY_SIZE_MISMATCH` (KeySize or key length other than the one requested / configured),
 * `LIFETIME` (an unparsable dateTime, or Created not before Expires), `CONTEXT_MISMATCH` (the response's Context is
 * not the request's).
 */
export class TrustError extends WsscError {}

/**
 * A secure session could not be used (WS-SecureConversation 1.3 §8 faults; protocol.md §4.3-§4.5). Client side:
 * `BAD_CONTEXT_TOKEN` (the service does not know the token: establish a new session), `RENEW_NEEDED` (the key
 * expired and one renewal did not help), `SERVER_TOO_BUSY` (a limit was reached: retry later), `MESSAGE_EXPIRED`
 * (a Timestamp outside the skew window: check the clocks), `SECURITY_FAULT` (any other security fault; no detail),
 * `SOAP_FAULT` (an application fault), `HTTP_STATUS` (an HTTP status without a SOAP fault), `REPLY_MISMATCH` (a reply
 * that does not answer the request: RelatesTo, action, identifier), `SESSION_CLOSED` (used after cancel/destroy).
 * Service side: `REPLAY` (a signature value seen before), `REPLAY_CACHE_FULL`, `LIMIT` (pending sessions,
 * negotiations, message size), `STORE` (the token store failed). `retry` says whether the same request may succeed later.
 */
export class SessionError extends WsscError {
  readonly retry: boolean;
  constructor(code: string, message: string, options?: { cause?: unknown; retry?: boolean }) {
    super(code, message, options);
    this.retry = options?.retry ?? false;
  }
}

/**
 * Codes of WsSecurityError the X.509 bootstrap adds (src/wssc/bootstrap.ts; protocol.md §4.1, §5.3):
 * `CERTIFICATE_UNTRUSTED` (a client certificate neither pinned nor issued by a configured CA, outside its validity,
 * or not an RSA key of 1024-4096 bits), `ENDORSING_SIGNATURE_MISSING` (no signature by a client certificate where
 * one is required, or a certificate carried without one), `BOOTSTRAP_MODE` (a mode the service does not accept),
 * `SIGNATURE_COVERAGE` (the Timestamp, Body, a WS-Addressing header, a SignatureConfirmation or the primary
 * signature is not signed), `SIGNATURE_CONFIRMATION` (the response does not confirm exactly the request's
 * signatures), `ENCRYPTION_REQUIRED` (the Body content is not encrypted), `ALGORITHM_SUITE` (a digest or derived
 * key length outside the configured suite).
 */
export const BOOTSTRAP_ERROR_CODES = Object.freeze([
  'CERTIFICATE_UNTRUSTED', 'ENDORSING_SIGNATURE_MISSING', 'BOOTSTRAP_MODE', 'SIGNATURE_COVERAGE', 'SIGNATURE_CONFIRMATION', 'ENCRYPTION_REQUIRED', 'ALGORITHM_SUITE',
] as const);

/**
 * A plug-in of `wssc/adapters` was used in a way it cannot serve (node-soap; adapters/node-soap.ts). Codes:
 * `ENDPOINT_UNKNOWN` (no wsa:To: pass `to`), `ACTION_UNKNOWN` (no SOAP action in the HTTP headers or the envelope),
 * `REQUEST_UNKNOWN` (a reply to a request this adapter did not protect, or whose state was already used or evicted).
 */
export class AdapterError extends WsscError {}

/**
 * A shared (Redis) token store or replay cache cannot be set up (src/wssc/redis-store.ts). Codes:
 * `REDIS_CLIENT_MISSING` (the optional dependency `@redis/client` is not installed), `STORE_URL` (not a
 * `redis://` or `rediss://` URL), `STORE_KEY` (no store key, or one shorter than 32 bytes). Failures at run time
 * (Redis unreachable, a timeout) are SessionError `STORE` with `retry: true`.
 */
export class StoreConfigError extends WsscError {}
