// XML Encryption 1.0 §4.1 step 3 / §4.2 step 3: the byte ranges of an element and of its content, for splicing.
import { decodeBase64 } from '../dsig/base64.js';
import { DecryptionError } from '../errors.js';

/** SPEC: Namespaces in XML 1.0 [4] NCName (the Id values and prefixes we write or accept in `#id` references). */
export const NCNAME = /^[\p{L}_][\p{L}\p{N}._\-\u00B7\u0300-\u036F\u203F-\u2040]*$/u;

export { concat, contentRange, endOfStartTag } from '../xml/splice.js';

/** Escapes an attribute value for a double-quoted attribute. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const utf8Encoder = new TextEncoder();

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes a CipherValue (base64 with XML whitespace) through src/dsig's strict decoder, and also refuses non-zero
 * bits in the last character before `=` padding (RFC 4648 §3.5), which decoders ignore.
 * SECURITY: with those bits ignored, several texts decode to one ciphertext, so a changed CipherValue would still
 * decrypt; every failure here is the one DecryptionError.
 */
export function decodeCipherValue(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(text, 'CipherValue');
  } catch {
    throw new DecryptionError();
  }
  const compact = text.replace(/[ \t\r\n]+/g, '');
  const pad = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  if (pad > 0 && (BASE64_ALPHABET.indexOf(compact[compact.length - pad - 1]!) & (pad === 2 ? 0x0f : 0x03)) !== 0) throw new DecryptionError();
  return bytes;
}
