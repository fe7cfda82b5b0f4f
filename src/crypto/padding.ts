// XML Encryption 1.0 §5.2 block padding: emit PKCS#7-style bytes, accept any pad bytes whose last byte is 1..16.
import { DecryptionError } from '../errors.js';

export const AES_BLOCK = 16;

/** Number of pad bytes encryption appends to a plaintext of `length` bytes (1..16). */
export function padLength(length: number): number {
  return AES_BLOCK - (length % AES_BLOCK);
}

/** Writes the pad for a plaintext of `length` bytes into `out` at `at`. */
export function writePad(out: Uint8Array, at: number, length: number): void {
  const n = padLength(length);
  out.fill(n, at, at + n);
}

/**
 * Length of the plaintext inside a decrypted, padded buffer.
 * SPEC: XML-Enc lets the encrypter choose the pad bytes (ISO 10126); only the last byte is read.
 * SECURITY: any failure is the one DecryptionError, never a distinguishable message.
 */
export function unpaddedLength(padded: Uint8Array): number {
  const length = padded.length;
  if (length === 0 || length % AES_BLOCK !== 0) throw new DecryptionError();
  const n = padded[length - 1]!;
  if (n < 1 || n > AES_BLOCK) throw new DecryptionError();
  return length - n;
}
