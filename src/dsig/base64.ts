// Strict base64 of XMLDSig 1.1 §6.2 / RFC 2045 for DigestValue and SignatureValue (whitespace allowed, nothing else).
import { SignatureError } from '../errors.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** SECURITY: decodes only canonical-alphabet base64; Buffer.from would silently skip junk characters. */
export function decodeBase64(text: string, what: string): Uint8Array {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (!BASE64.test(compact)) throw new SignatureError('SIGNATURE_STRUCTURE', `${what} is not valid base64`);
  const binary = atob(compact);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  // PERF: atob/btoa exist in Node >= 16 and every browser; chunks keep String.fromCharCode's argument count small.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
