// WS-SecurityPolicy 1.2 §6.1 algorithm suites as WCF uses them for secure sessions (protocol.md §2.5, §3).
import type { HashAlg } from '../crypto/provider.js';

export type SuiteName = 'basic256' | 'basic128' | 'basic256sha256' | 'basic128sha256';

export interface AlgorithmSuite {
  name: SuiteName;
  digest: HashAlg;
  signature: 'hmac-sha1' | 'hmac-sha256';
  asymmetricSignature: 'rsa-sha1' | 'rsa-sha256';
  encryption: 'aes128-cbc' | 'aes256-cbc';
  /** Derived signing key length in bytes (Basic256: 24, as WCF derives it). */
  signatureKeyLength: number;
  /** Derived encryption key length in bytes. */
  encryptionKeyLength: number;
  /** SCT key size in bits (WCF's DefaultSymmetricKeyLength). */
  keySize: number;
}

const SUITES: Readonly<Record<SuiteName, AlgorithmSuite>> = Object.freeze({
  basic256: Object.freeze({
    name: 'basic256', digest: 'sha1', signature: 'hmac-sha1', asymmetricSignature: 'rsa-sha1', encryption: 'aes256-cbc',
    signatureKeyLength: 24, encryptionKeyLength: 32, keySize: 256,
  }),
  basic128: Object.freeze({
    name: 'basic128', digest: 'sha1', signature: 'hmac-sha1', asymmetricSignature: 'rsa-sha1', encryption: 'aes128-cbc',
    signatureKeyLength: 16, encryptionKeyLength: 16, keySize: 128,
  }),
  basic256sha256: Object.freeze({
    name: 'basic256sha256', digest: 'sha256', signature: 'hmac-sha256', asymmetricSignature: 'rsa-sha256', encryption: 'aes256-cbc',
    signatureKeyLength: 24, encryptionKeyLength: 32, keySize: 256,
  }),
  basic128sha256: Object.freeze({
    name: 'basic128sha256', digest: 'sha256', signature: 'hmac-sha256', asymmetricSignature: 'rsa-sha256', encryption: 'aes128-cbc',
    signatureKeyLength: 16, encryptionKeyLength: 16, keySize: 128,
  }),
}) as Readonly<Record<SuiteName, AlgorithmSuite>>;

export const SUITE_NAMES: readonly SuiteName[] = Object.freeze(['basic256', 'basic128', 'basic256sha256', 'basic128sha256']);

/** The suite's algorithms and key lengths. @throws RangeError for an unknown name. */
export function algorithmSuite(name: SuiteName): AlgorithmSuite {
  const suite = (SUITES as Record<string, AlgorithmSuite | undefined>)[name];
  if (suite === undefined) throw new RangeError(`unknown algorithm suite ${JSON.stringify(name)} (${SUITE_NAMES.join(', ')})`);
  return suite;
}
