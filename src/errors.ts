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

/**
 * An XML Encryption input or request was refused before any decryption (XML Encryption 1.0; xml-security.md §1.5
 * item 10). Only public facts are reported this way (structure, algorithm, Ids); anything that depends on a key
 * or on ciphertext is a DecryptionError. Codes: `ALGORITHM_NOT_SUPPORTED`, `ENCRYPTED_DATA_STRUCTURE`,
 * `ENCRYPTED_KEY_STRUCTURE`, `UNSUPPORTED_TYPE` (an EncryptedData whose Type cannot be put back in a document),
 * `REFERENCE_URI` (a DataReference other than `#NCName`), `REFERENCE_UNRESOLVED`, `KEY_UNRESOLVED` (no key for an
 * EncryptedData), `KEY_UNUSABLE` (a key of the wrong size or kind for encryption), `DUPLICATE_ID`, `NOT_FOUND`.
 */
export class EncryptionError extends WsscError {}

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
