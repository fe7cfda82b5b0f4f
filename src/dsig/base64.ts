// Strict base64 of XMLDSig 1.1 §6.2 / RFC 2045 for DigestValue and SignatureValue (whitespace allowed, nothing else).
import { decodeBase64Strict, encodeBase64 } from '../encoding/base64.js';
import { SignatureError } from '../errors.js';

export { encodeBase64 };

/** SECURITY: decodes only canonical base64 (alphabet, padding, zero spare bits); Buffer.from would skip junk. */
export function decodeBase64(text: string, what: string): Uint8Array {
  const bytes = decodeBase64Strict(text);
  if (bytes === undefined) throw new SignatureError('SIGNATURE_STRUCTURE', `${what} is not valid base64`);
  return bytes;
}
