// RFC 5280 §6 path validation reduced to what the bootstrap's TrustConfig says: a certificate issued by a configured CA, or a pinned one.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { WsSecurityError } from '../errors.js';
import { certificateDer } from '../wss/x509.js';

/** Client certificates the service accepts: those a configured CA issued, or these very certificates. */
export interface TrustConfig {
  /** Issuing CA certificates (PEM or DER), each a trust anchor. */
  ca?: (string | Uint8Array)[];
  /** Certificates (PEM or DER) trusted as they are, compared byte for byte. */
  pinned?: (string | Uint8Array)[];
}

/** A TrustConfig parsed once. */
export interface PreparedTrust {
  readonly ca: readonly X509Certificate[];
  readonly pinned: readonly Uint8Array[];
}

type NodeCrypto = typeof import('node:crypto');

/** node:crypto where it exists; looked up at run time so that browser bundles never import `node:` statically. */
export function nodeCrypto(): NodeCrypto {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const mod = get?.('node:crypto') as NodeCrypto | undefined;
  if (mod === undefined) throw new WsSecurityError('KEY_UNUSABLE', 'the X.509 bootstrap needs node:crypto (Node.js >= 20.16)');
  return mod;
}

const untrusted = (m: string): WsSecurityError => new WsSecurityError('CERTIFICATE_UNTRUSTED', m);

/** Parses the configuration; a certificate that cannot be read is the caller's error (RangeError). */
export function prepareTrust(trust: TrustConfig | undefined): PreparedTrust {
  const c = nodeCrypto();
  const parse = (pemOrDer: string | Uint8Array, what: string): X509Certificate => {
    try {
      return new c.X509Certificate(certificateDer(pemOrDer));
    } catch (err) {
      throw new RangeError(`unreadable ${what} certificate: ${(err as Error).message}`);
    }
  };
  return {
    ca: (trust?.ca ?? []).map((x) => parse(x, 'CA')),
    pinned: (trust?.pinned ?? []).map((x) => new Uint8Array(parse(x, 'pinned').raw)),
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

function within(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

/** SPEC: WCF accepts asymmetric keys of 1024 to 4096 bits (protocol.md §3). */
export function checkRsaKey(key: KeyObject, what: string): void {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined || bits < 1024 || bits > 4096) {
    throw untrusted(`the ${what} key is not an RSA key of 1024 to 4096 bits`);
  }
}

/**
 * The certificate `der`, parsed, when the configuration trusts it at `now`: pinned byte for byte, or issued and
 * signed by one of the configured CAs (itself a CA, valid at `now`); valid at `now`; an RSA key of 1024–4096 bits.
 * SECURITY (xml-security.md §1.5 item 4): the message only names the certificate; the decision is the configuration's.
 * @throws WsSecurityError `CERTIFICATE_UNTRUSTED`, `TOKEN_INVALID` (not a certificate).
 */
export function checkTrusted(der: Uint8Array, trust: PreparedTrust, now: number): X509Certificate {
  const c = nodeCrypto();
  let cert: X509Certificate;
  try {
    cert = new c.X509Certificate(der);
  } catch {
    throw new WsSecurityError('TOKEN_INVALID', 'the BinarySecurityToken holds no readable X.509 certificate');
  }
  const raw = new Uint8Array(cert.raw);
  let trusted = trust.pinned.some((p) => equalBytes(p, raw));
  if (!trusted) {
    trusted = trust.ca.some((ca) => ca.ca && within(ca, now) && cert.checkIssued(ca) && cert.verify(ca.publicKey));
  }
  if (!trusted) throw untrusted('the client certificate is neither pinned nor issued by a configured CA');
  if (!within(cert, now)) throw untrusted('the client certificate is not valid at this time');
  checkRsaKey(cert.publicKey, 'client certificate');
  return cert;
}
