// X.509 (RFC 5280 §4.1, §4.2.1.2) facts the WSS X.509 Token Profile 1.1 §3.2 needs: DER from PEM, thumbprint, SubjectKeyIdentifier.
import { auto } from '../crypto/index.js';
import { decodeBase64 } from '../dsig/base64.js';
import { WsSecurityError } from '../errors.js';

const invalid = (message: string): WsSecurityError => new WsSecurityError('TOKEN_INVALID', message);

/** The DER bytes of the first `CERTIFICATE` block of a PEM text, or the input itself when it is DER already. */
export function certificateDer(pemOrDer: string | Uint8Array): Uint8Array {
  const text = typeof pemOrDer === 'string' ? pemOrDer : pemOrDer[0] === 0x30 ? null : new TextDecoder().decode(pemOrDer);
  if (text === null) return pemOrDer as Uint8Array;
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(text);
  if (m === null) throw invalid('no PEM CERTIFICATE block');
  try {
    return decodeBase64(m[1]!, 'certificate');
  } catch {
    throw invalid('the PEM CERTIFICATE block is not base64');
  }
}

/** SHA-1 of the certificate's DER (the ThumbprintSHA1 key identifier). */
export function thumbprintSha1(der: Uint8Array): Uint8Array {
  return auto.digest('sha1', der);
}

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw invalid('truncated DER');
  const tag = der[at]!;
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw invalid('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    start += n;
  }
  if (start + len > limit) throw invalid('truncated DER');
  return { tag, start, end: start + len };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const t = readTlv(der, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

// 2.5.29.14 id-ce-subjectKeyIdentifier
const SKI_OID = Uint8Array.of(0x55, 0x1d, 0x0e);

/**
 * The SubjectKeyIdentifier extension value (the key identifier octets), or undefined when the certificate has none.
 * SPEC: X.509 Token Profile 1.1 §3.2.1: the KeyIdentifier holds exactly these octets, base64-encoded.
 */
export function subjectKeyIdentifier(der: Uint8Array): Uint8Array | undefined {
  const cert = readTlv(der, 0, der.length);
  const tbs = children(der, cert)[0];
  if (tbs === undefined || tbs.tag !== 0x30) throw invalid('not an X.509 certificate');
  // SPEC: RFC 5280 §4.1: extensions are the [3] EXPLICIT field of TBSCertificate.
  const ext = children(der, tbs).find((t) => t.tag === 0xa3);
  if (ext === undefined) return undefined;
  const list = children(der, ext)[0];
  if (list === undefined) return undefined;
  for (const e of children(der, list)) {
    const [oid, ...rest] = children(der, e);
    if (oid === undefined || oid.tag !== 0x06) continue;
    const id = der.subarray(oid.start, oid.end);
    if (id.length !== 3 || id[0] !== SKI_OID[0] || id[1] !== SKI_OID[1] || id[2] !== SKI_OID[2]) continue;
    const value = rest[rest.length - 1]!; // critical BOOLEAN may precede the OCTET STRING
    const inner = readTlv(der, value.start, value.end);
    if (inner.tag !== 0x04) throw invalid('malformed SubjectKeyIdentifier');
    return der.slice(inner.start, inner.end);
  }
  return undefined;
}
