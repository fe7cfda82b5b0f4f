// XML Encryption 1.0 §4.1 step 3 / §4.2 step 3: the byte ranges of an element and of its content, for splicing.
// The same scanning as the private helpers of src/dsig/sign.ts (endOfStartTag, concat); kept here until they move
// to a shared module.
import { decodeBase64 } from '../dsig/base64.js';
import { DecryptionError, XmlError } from '../errors.js';
import type { XmlElement } from '../xml/events.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

/** SPEC: Namespaces in XML 1.0 [4] NCName (the Id values and prefixes we write or accept in `#id` references). */
export const NCNAME = /^[\p{L}_][\p{L}\p{N}._\-\u00B7\u0300-\u036F\u203F-\u2040]*$/u;

/** Offset just after the `>` of the start tag beginning at `start` (quotes may hold `>`). */
export function endOfStartTag(input: Uint8Array, start: number): number {
  let quote = 0;
  for (let i = start + 1; i < input.length; i++) {
    const c = input[i]!;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === GT) return i + 1;
  }
  throw new XmlError('XML_MALFORMED', 'unterminated start tag');
}

/**
 * The content of a parsed element as a byte range: `[start, end)` between its start and end tags, and whether it
 * was written as an empty-element tag (`<x/>`, whose content is empty and which has no end tag to keep).
 */
export function contentRange(input: Uint8Array, el: XmlElement): { start: number; end: number; selfClosing: boolean } {
  const start = endOfStartTag(input, el.byteStart);
  if (input[start - 2] === SLASH) return { start, end: start, selfClosing: true };
  let end = el.byteEnd - 1;
  while (input[end] !== LT) end--; // the end tag `</name S?>` holds no other '<'
  return { start, end, selfClosing: false };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const x of parts) n += x.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

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
