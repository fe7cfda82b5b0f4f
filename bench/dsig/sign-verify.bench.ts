// XMLDSig 1.1 signing and verification of WS-Security SOAP messages: wssc (HMAC-SHA1, RSA-SHA256 X.509) vs xml-crypto 6.3.2 HMAC-SHA1.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { signEnvelope, verifyEnvelope } from '../../src/wss/signature.js';
import { compare, formatSize, type BenchOptions, type Row } from '../harness.js';
import { soapMessage } from '../c14n/soap-message.js';

export const SIZES = [2 * 1024, 64 * 1024, 1024 * 1024];

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const HMAC_SHA1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
/** Timestamp, Body, then the four WS-Addressing headers. */
const IDS = ['_0', '_1', '_2', '_3', '_4', '_5'];
const LOCALS = ['Timestamp', 'Body', 'Action', 'MessageID', 'ReplyTo', 'To'];

/** The c14n bench message with the four WS-Addressing headers WCF signs, each with a wsu:Id. */
export function dsigMessage(bytes: number): Uint8Array {
  const s = new TextDecoder().decode(soapMessage(bytes))
    .replace('<a:Action s:mustUnderstand="1">', '<a:Action u:Id="_2" s:mustUnderstand="1">')
    .replace('<a:MessageID>', '<a:MessageID u:Id="_3">')
    .replace('</a:MessageID>', '</a:MessageID><a:ReplyTo u:Id="_4"><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>')
    .replace('<a:To s:mustUnderstand="1">', '<a:To u:Id="_5" s:mustUnderstand="1">');
  return new TextEncoder().encode(s);
}

const SECRET = new TextEncoder().encode('bench-hmac-key-0123456789abcdef!');
const SECRET_BUFFER = Buffer.from(SECRET);

/** An RSA-2048 key (parsed once) and its self-signed certificate. */
export interface RsaFixture {
  privateKey: KeyObject;
  publicKey: KeyObject;
  certificate: string;
}

function wsscHmacSign(bytes: Uint8Array): Uint8Array {
  return signEnvelope(bytes, { key: { kind: 'hmac', secret: SECRET }, algorithm: 'hmac-sha1', digest: 'sha1', references: IDS, timestamp: false }).bytes;
}

function wsscHmacVerify(bytes: Uint8Array): boolean {
  return verifyEnvelope(bytes, { key: { kind: 'hmac', secret: SECRET } }).ids.length === IDS.length;
}

function wsscRsaSign(bytes: Uint8Array, rsa: RsaFixture): Uint8Array {
  return signEnvelope(bytes, {
    key: { kind: 'x509', privateKey: rsa.privateKey, certificate: rsa.certificate }, algorithm: 'rsa-sha256', digest: 'sha1', references: IDS, timestamp: false,
  }).bytes;
}

function wsscRsaVerify(bytes: Uint8Array, rsa: RsaFixture): boolean {
  return verifyEnvelope(bytes, { key: { kind: 'x509', certificate: rsa.certificate, publicKey: rsa.publicKey } }).ids.length === IDS.length;
}

/** xml-crypto as its README shows it: string in, DOM, one XPath per reference, Signature appended to the Security header. */
function xmlCryptoSign(xml: string): string {
  const sig = new SignedXml({ privateKey: SECRET_BUFFER, signatureAlgorithm: HMAC_SHA1, canonicalizationAlgorithm: EXC_C14N, idMode: 'wssecurity' });
  // SECURITY (xml-crypto A2 fix): HMAC is off unless enabled, and enabling it disables the RSA methods.
  sig.enableHMAC();
  for (const local of LOCALS) sig.addReference({ xpath: `//*[local-name(.)='${local}']`, transforms: [EXC_C14N], digestAlgorithm: SHA1 });
  sig.computeSignature(xml, { location: { reference: "//*[local-name(.)='Security']", action: 'append' } });
  return sig.getSignedXml();
}

function xmlCryptoVerify(xml: string): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = doc.getElementsByTagNameNS(DSIG, 'Signature')[0];
  if (node === undefined) throw new Error('no Signature');
  // For HMAC, checkSignature uses getCertFromKeyInfo() || publicCert || privateKey as the secret: give the secret.
  const sig = new SignedXml({ privateKey: SECRET_BUFFER });
  sig.enableHMAC();
  sig.loadSignature(node as unknown as Node);
  return sig.checkSignature(xml) && sig.getSignedReferences().length === IDS.length;
}

/**
 * Sign and verify at each size. Before timing, each side's HMAC output is verified by the other side (and the RSA
 * output by wssc), so the timed work is known to produce interoperable signatures.
 */
export async function dsigBenches(opts: BenchOptions, rsa: RsaFixture = rsaFixture(), sizes: readonly number[] = opts.quick ? SIZES.slice(0, 2) : SIZES): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of sizes) {
    const bytes = dsigMessage(size);
    const xml = new TextDecoder().decode(bytes);
    const label = formatSize(size);
    const ours = wsscHmacSign(bytes);
    const theirs = xmlCryptoSign(xml);
    const oursRsa = wsscRsaSign(bytes, rsa);
    const ok = xmlCryptoVerify(new TextDecoder().decode(ours)) && wsscHmacVerify(new TextEncoder().encode(theirs)) &&
      wsscHmacVerify(ours) && xmlCryptoVerify(theirs) && wsscRsaVerify(oursRsa, rsa);
    if (!ok) throw new Error(`bench dsig ${label}: the signatures do not verify across implementations; not timing`);
    // Outputs differ in layout (prefixes, Signature position), so the cross-check above replaces byte equality.
    const signedOk = (out: unknown): boolean => {
      const b = out instanceof Uint8Array ? out : new TextEncoder().encode(String(out));
      return new TextDecoder().decode(b).includes('#rsa-sha256') ? wsscRsaVerify(b, rsa) : wsscHmacVerify(b);
    };
    rows.push(...(await compare({
      suite: 'dsig', operation: 'sign', size: label, bytes: bytes.length,
      impls: {
        'wssc-hmac': () => wsscHmacSign(bytes),
        'xml-crypto-hmac': () => xmlCryptoSign(xml),
        'wssc-rsa': () => wsscRsaSign(bytes, rsa),
      },
      same: (a, b) => signedOk(a) && signedOk(b),
    }, opts)));
    const theirsBytes = new TextEncoder().encode(theirs);
    rows.push(...(await compare({
      suite: 'dsig', operation: 'verify', size: label, bytes: bytes.length,
      impls: {
        // SPEC: each verifier checks the same document (xml-crypto's signature; wssc-rsa its own RSA signature).
        'wssc-hmac': () => wsscHmacVerify(theirsBytes),
        'xml-crypto-hmac': () => xmlCryptoVerify(theirs),
        'wssc-rsa': () => wsscRsaVerify(oursRsa, rsa),
      },
    }, opts)));
  }
  return rows;
}

/** A fresh RSA-2048 key with a self-signed certificate (openssl issues it, once per run; node:crypto cannot). */
export function rsaFixture(): RsaFixture {
  const dir = mkdtempSync(join(tmpdir(), 'wssc-bench-rsa-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=wssc-bench', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const certificate = readFileSync(cert, 'utf8');
    return { privateKey: createPrivateKey(readFileSync(key)), publicKey: createPublicKey(certificate), certificate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  // Standalone: `node build/bench/dsig/sign-verify.bench.js [--quick]`.
  const rows = await dsigBenches({ quick: process.argv.includes('--quick'), onTask: (r) => process.stderr.write(`${r.name}: ${r.extra}\n`) });
  for (const r of rows) process.stdout.write(`${r.name}\t${r.value.toPrecision(4)} µs\t${r.extra}\n`);
}
