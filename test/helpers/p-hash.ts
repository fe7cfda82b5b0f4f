// P_SHA1 / P_SHA256 written from RFC 2246 §5 over node:crypto createHmac: the reference independent of src/crypto.
import { createHmac } from 'node:crypto';

export function referencePHash(alg: 'sha1' | 'sha256', secret: Uint8Array, seed: Uint8Array, length: number, offset = 0): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  let a: Buffer = Buffer.from(seed);
  while (total < offset + length) {
    a = createHmac(alg, secret).update(a).digest();
    const block = createHmac(alg, secret).update(a).update(seed).digest();
    chunks.push(block);
    total += block.length;
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(offset, offset + length));
}
