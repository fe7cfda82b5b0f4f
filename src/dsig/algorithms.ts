// Algorithm identifiers of XMLDSig 1.1 §6 (and RFC 6931 for the xmldsig-more/xmlenc URIs) and wssc's allow-list.
import type { HashAlg } from '../crypto/provider.js';

export const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
export const EXC_C14N_NAMESPACE = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export const C14N = {
  exclusive: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  exclusiveWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  inclusive: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  inclusiveWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
} as const;

export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const DIGEST = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
} as const;

export const SIGNATURE = {
  'hmac-sha1': 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  'hmac-sha256': 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
  'rsa-sha1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
} as const;

export type SignatureAlgorithm = keyof typeof SIGNATURE;

/** What a SignatureMethod URI means: the kind of key it needs and its hash. */
export interface SignatureMethodInfo {
  readonly name: SignatureAlgorithm;
  readonly kind: 'hmac' | 'rsa';
  readonly hash: HashAlg;
}

const SIGNATURE_BY_URI = new Map<string, SignatureMethodInfo>([
  [SIGNATURE['hmac-sha1'], { name: 'hmac-sha1', kind: 'hmac', hash: 'sha1' }],
  [SIGNATURE['hmac-sha256'], { name: 'hmac-sha256', kind: 'hmac', hash: 'sha256' }],
  [SIGNATURE['rsa-sha1'], { name: 'rsa-sha1', kind: 'rsa', hash: 'sha1' }],
  [SIGNATURE['rsa-sha256'], { name: 'rsa-sha256', kind: 'rsa', hash: 'sha256' }],
]);

/** SECURITY: an allow-list; MD5, SHA-512, DSA, ECDSA and anything unknown are simply absent (ALGORITHM_NOT_ALLOWED). */
export function signatureMethod(uri: string): SignatureMethodInfo | undefined {
  return SIGNATURE_BY_URI.get(uri);
}

export function signatureInfo(name: SignatureAlgorithm): SignatureMethodInfo {
  return SIGNATURE_BY_URI.get(SIGNATURE[name])!;
}

export function digestMethod(uri: string): HashAlg | undefined {
  if (uri === DIGEST.sha1) return 'sha1';
  if (uri === DIGEST.sha256) return 'sha256';
  return undefined;
}

export const HASH_BYTES: Readonly<Record<HashAlg, number>> = { sha1: 20, sha256: 32 };

/** A canonicalization URI → method and comment mode; undefined when not allowed. */
export function c14nMethod(uri: string): { method: 'exclusive' | 'inclusive'; withComments: boolean } | undefined {
  switch (uri) {
    case C14N.exclusive:
      return { method: 'exclusive', withComments: false };
    case C14N.exclusiveWithComments:
      return { method: 'exclusive', withComments: true };
    case C14N.inclusive:
      return { method: 'inclusive', withComments: false };
    case C14N.inclusiveWithComments:
      return { method: 'inclusive', withComments: true };
    default:
      return undefined;
  }
}
