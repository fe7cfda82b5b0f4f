// X.690 §10 DER (strict) and the RFC 5280 §4.1 / RFC 8017 A.1.1 / RFC 5208 §5 structures a WebCrypto import needs: a certificate's SubjectPublicKeyInfo, an RSA key's size, PKCS#8.
import { WsSecurityError } from '../errors.js';

/** One DER element: its tag, where its header starts, and its contents [start, end). */
export interface DerNode {
  readonly tag: number;
  readonly header: number;
  readonly start: number;
  readonly end: number;
}

export const DER = Object.freeze({ INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 });

/** 1.2.840.113549.1.1.1 rsaEncryption (RFC 8017 A.1), the OID's contents octets. */
const RSA_ENCRYPTION = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);

const invalid = (what: string): WsSecurityError => new WsSecurityError('TOKEN_INVALID', what);

/**
 * Reads the element at `at`, which must end by `limit`.
 * SECURITY: DER only (X.690 §10.1): low tag numbers, definite lengths in the fewest octets, nothing past `limit`;
 * anything else is refused rather than read leniently, so that two parsers cannot see two different keys.
 */
export function readDer(der: Uint8Array, at: number, limit: number): DerNode {
  if (at + 2 > limit) throw invalid('truncated DER');
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw invalid('a DER tag in the high-tag-number form');
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // SPEC: X.690 §10.1: the definite form, in the minimum number of octets (so 0x80 and leading zeros are refused).
    if (n === 0) throw invalid('an indefinite DER length');
    if (n > 4 || start + n > limit) throw invalid('an unsupported DER length');
    if (der[start] === 0) throw invalid('a DER length with a leading zero');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    if (len < 0x80) throw invalid('a DER length in the long form below 128');
    start += n;
  }
  if (start + len > limit) throw invalid('truncated DER');
  return { tag, header: at, start, end: start + len };
}

/** The one element that makes up all of `der` (trailing bytes are refused). */
export function readDerRoot(der: Uint8Array): DerNode {
  const root = readDer(der, 0, der.length);
  if (root.end !== der.length) throw invalid('bytes after the DER element');
  return root;
}

/** The elements inside a constructed element, covering its contents exactly. */
export function derChildren(der: Uint8Array, parent: DerNode): DerNode[] {
  if ((parent.tag & 0x20) === 0) throw invalid('a primitive DER element where a constructed one is expected');
  const out: DerNode[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const node = readDer(der, at, parent.end);
    out.push(node);
    at = node.end;
  }
  return out;
}

/** The element's whole encoding (header and contents). */
export function derBytes(der: Uint8Array, node: DerNode): Uint8Array {
  return der.subarray(node.header, node.end);
}

function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (node === undefined || node.tag !== tag) throw invalid(`${what} is missing or mistyped`);
  return node;
}

function sameBytes(der: Uint8Array, node: DerNode, want: Uint8Array): boolean {
  if (node.end - node.start !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (der[node.start + i] !== want[i]) return false;
  return true;
}

/** Bit length of a positive DER INTEGER (minimal encoding checked). */
function positiveIntegerBits(der: Uint8Array, node: DerNode, what: string): number {
  expectTag(node, DER.INTEGER, what);
  let i = node.start;
  if (i === node.end) throw invalid(`${what} is empty`);
  if (der[i]! & 0x80) throw invalid(`${what} is negative`);
  if (der[i] === 0) {
    // SPEC: X.690 §8.3.2: a leading zero octet only when the next octet's top bit is set.
    if (i + 1 < node.end && (der[i + 1]! & 0x80) === 0) throw invalid(`${what} is not minimally encoded`);
    i++;
  }
  if (i === node.end) return 0;
  return (node.end - i - 1) * 8 + (32 - Math.clz32(der[i]!));
}

/** The algorithm of an AlgorithmIdentifier; rsaEncryption must have NULL parameters (RFC 3279 §2.3.1). */
function isRsaAlgorithm(der: Uint8Array, alg: DerNode, what: string): boolean {
  const [oid, params, ...rest] = derChildren(der, expectTag(alg, DER.SEQUENCE, what));
  if (!sameBytes(der, expectTag(oid, DER.OID, `the ${what} OID`), RSA_ENCRYPTION)) return false;
  if (params === undefined || params.tag !== DER.NULL || params.end !== params.start || rest.length > 0) throw invalid(`the ${what} parameters of rsaEncryption are not NULL`);
  return true;
}

export interface RsaSpki {
  /** The SubjectPublicKeyInfo element's encoding (what `crypto.subtle.importKey('spki', …)` takes). */
  readonly spki: Uint8Array;
  readonly modulusBits: number;
}

/**
 * The RSA public key of a SubjectPublicKeyInfo element: its encoding and modulus size.
 * @throws WsSecurityError `TOKEN_INVALID` (not DER, not an RSA key).
 */
export function rsaSpkiOf(der: Uint8Array, spki: DerNode): RsaSpki {
  const [alg, key, ...rest] = derChildren(der, expectTag(spki, DER.SEQUENCE, 'the SubjectPublicKeyInfo'));
  if (rest.length > 0 || alg === undefined) throw invalid('a SubjectPublicKeyInfo with extra fields');
  if (!isRsaAlgorithm(der, alg, 'public key algorithm')) throw invalid('the public key is not an RSA key');
  const bits = expectTag(key, DER.BIT_STRING, 'the subjectPublicKey');
  if (bits.end === bits.start || der[bits.start] !== 0) throw invalid('the subjectPublicKey has unused bits');
  // SPEC: RFC 8017 A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
  const inner = readDer(der, bits.start + 1, bits.end);
  if (inner.end !== bits.end) throw invalid('bytes after the RSAPublicKey');
  const [n, e, ...more] = derChildren(der, expectTag(inner, DER.SEQUENCE, 'the RSAPublicKey'));
  if (more.length > 0 || e === undefined) throw invalid('an RSAPublicKey with other than two fields');
  const modulusBits = positiveIntegerBits(der, n!, 'the RSA modulus');
  if (positiveIntegerBits(der, e, 'the RSA public exponent') < 2) throw invalid('an RSA public exponent below 3');
  return { spki: derBytes(der, spki), modulusBits };
}

/**
 * The RSA SubjectPublicKeyInfo of an X.509 certificate (DER), the whole input being the one Certificate.
 * SPEC: RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } and
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
 * subjectPublicKeyInfo, … }.
 * @throws WsSecurityError `TOKEN_INVALID`.
 */
export function certificateRsaSpki(der: Uint8Array): RsaSpki {
  const cert = readDerRoot(der);
  const [tbs, sigAlg, sig, ...rest] = derChildren(der, expectTag(cert, DER.SEQUENCE, 'the Certificate'));
  if (rest.length > 0) throw invalid('a Certificate with extra fields');
  expectTag(sigAlg, DER.SEQUENCE, 'the certificate signatureAlgorithm');
  expectTag(sig, DER.BIT_STRING, 'the certificate signatureValue');
  const fields = derChildren(der, expectTag(tbs, DER.SEQUENCE, 'the TBSCertificate'));
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  expectTag(fields[i++], DER.INTEGER, 'the serialNumber');
  for (const what of ['signature', 'issuer', 'validity', 'subject']) expectTag(fields[i++], DER.SEQUENCE, `the certificate ${what}`);
  return rsaSpkiOf(der, expectTag(fields[i], DER.SEQUENCE, 'the subjectPublicKeyInfo'));
}

/**
 * Checks that `der` is one PKCS#8 PrivateKeyInfo (or OneAsymmetricKey) of an RSA key and returns its modulus size.
 * SPEC: RFC 5208 §5: PrivateKeyInfo ::= SEQUENCE { version INTEGER (0), privateKeyAlgorithm, privateKey OCTET STRING, … }
 * holding RFC 8017 A.1.2 RSAPrivateKey ::= SEQUENCE { version, modulus, … }.
 * @throws WsSecurityError `TOKEN_INVALID`.
 */
export function pkcs8RsaModulusBits(der: Uint8Array): number {
  const root = readDerRoot(der);
  const [version, alg, key] = derChildren(der, expectTag(root, DER.SEQUENCE, 'the PrivateKeyInfo'));
  const v = expectTag(version, DER.INTEGER, 'the PrivateKeyInfo version');
  if (v.end - v.start !== 1 || der[v.start]! > 1) throw invalid('an unknown PrivateKeyInfo version');
  if (!isRsaAlgorithm(der, alg!, 'private key algorithm')) throw invalid('the private key is not an RSA key');
  const octets = expectTag(key, DER.OCTET_STRING, 'the privateKey');
  return rsaPrivateKeyModulusBits(der, readDer(der, octets.start, octets.end), octets.end);
}

/** The modulus size of an RSAPrivateKey element that must end at `end`. */
export function rsaPrivateKeyModulusBits(der: Uint8Array, node: DerNode, end: number): number {
  if (node.end !== end) throw invalid('bytes after the RSAPrivateKey');
  const [version, n, ...rest] = derChildren(der, expectTag(node, DER.SEQUENCE, 'the RSAPrivateKey'));
  const v = expectTag(version, DER.INTEGER, 'the RSAPrivateKey version');
  if (v.end - v.start !== 1 || der[v.start]! > 1) throw invalid('an unknown RSAPrivateKey version');
  // SPEC: RFC 8017 A.1.2: eight INTEGERs follow the version (two-prime keys; multi-prime adds otherPrimeInfos).
  if (rest.length < 7) throw invalid('an RSAPrivateKey with missing fields');
  return positiveIntegerBits(der, n!, 'the RSA modulus');
}

/** Wraps an RFC 8017 RSAPrivateKey (PKCS#1) in a PKCS#8 PrivateKeyInfo (RFC 5208 §5), the form WebCrypto imports. */
export function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  rsaPrivateKeyModulusBits(pkcs1, readDerRoot(pkcs1), pkcs1.length);
  const alg = Uint8Array.of(DER.SEQUENCE, 13, DER.OID, 9, ...RSA_ENCRYPTION, DER.NULL, 0);
  const body = [...encodeDer(DER.INTEGER, Uint8Array.of(0)), ...alg, ...encodeDer(DER.OCTET_STRING, pkcs1)];
  return encodeDer(DER.SEQUENCE, Uint8Array.from(body));
}

/** One DER element of `tag` around `contents` (minimal length form). */
export function encodeDer(tag: number, contents: Uint8Array): Uint8Array {
  const n = contents.length;
  const len: number[] = [];
  if (n < 0x80) len.push(n);
  else {
    for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v % 256);
    len.unshift(0x80 | len.length);
  }
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  out.set(contents, 1 + len.length);
  return out;
}
