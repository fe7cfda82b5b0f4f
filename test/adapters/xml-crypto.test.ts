// useWsscAlgorithms on xml-crypto's SignedXml: byte-identical signatures, xmlsec1 HMAC-SHA256 interop, key-confusion safety.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { SignedXml } from 'xml-crypto';
import { DOMParser } from '@xmldom/xmldom';
import { useWsscAlgorithms } from '../../src/adapters/index.js';

const ORACLES = resolve(process.cwd(), '../shared/oracles');
const U = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const S = 'http://www.w3.org/2003/05/soap-envelope';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const dir = mkdtempSync(join(tmpdir(), 'wssc-xmlcrypto-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DOC = `<s:Envelope xmlns:s="${S}" xmlns:u="${U}"><s:Header><u:Timestamp u:Id="_0"><u:Created>2026-01-01T00:00:00Z</u:Created></u:Timestamp></s:Header><s:Body u:Id="_1"><Echo xmlns="http://tempuri.org/">héllo &amp; €</Echo></s:Body></s:Envelope>`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const HMAC_KEY = Buffer.from('xml-crypto adapter test key, public');

function sign(setup: (sig: SignedXml) => void, algorithm: string, digest: string, key: string | Buffer): string {
  const sig = new SignedXml({ privateKey: key, signatureAlgorithm: algorithm, canonicalizationAlgorithm: EXC });
  setup(sig);
  for (const id of ['_0', '_1']) sig.addReference({ xpath: `//*[@*[local-name(.)='Id']='${id}']`, transforms: [EXC], digestAlgorithm: digest });
  sig.computeSignature(DOC, { location: { reference: "//*[local-name(.)='Header']", action: 'append' } });
  return sig.getSignedXml();
}

function verify(setup: (sig: SignedXml) => void, xml: string, key: string | Buffer): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!;
  const sig = new SignedXml({ publicCert: key });
  setup(sig);
  sig.loadSignature(node as unknown as Node);
  return sig.checkSignature(xml);
}

/** xml-crypto reports a failed check by returning false or by throwing, depending on where it fails. */
function accepted(setup: (sig: SignedXml) => void, xml: string, key: string | Buffer): boolean {
  try {
    return verify(setup, xml, key);
  } catch {
    return false;
  }
}

test('RSA-SHA1 with SHA-1 digests: byte-identical to xml-crypto alone, and each verifies the other', () => {
  const theirs = sign(() => {}, 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1', RSA_PEM);
  const ours = sign((s) => useWsscAlgorithms(s), 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1', RSA_PEM);
  assert.equal(ours, theirs);
  assert.equal(verify((s) => useWsscAlgorithms(s), theirs, RSA_PEM), true);
});

test('HMAC-SHA1: byte-identical to xml-crypto with enableHMAC(), and a changed byte fails', () => {
  const theirs = sign((s) => s.enableHMAC(), 'http://www.w3.org/2000/09/xmldsig#hmac-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1', HMAC_KEY);
  const ours = sign((s) => useWsscAlgorithms(s, { hmac: true }), 'http://www.w3.org/2000/09/xmldsig#hmac-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1', HMAC_KEY);
  assert.equal(ours, theirs);
  assert.equal(verify((s) => useWsscAlgorithms(s, { hmac: true }), theirs, HMAC_KEY), true);
  assert.equal(accepted((s) => useWsscAlgorithms(s, { hmac: true }), theirs.replace('héllo', 'hallo'), HMAC_KEY), false);
  assert.equal(accepted((s) => useWsscAlgorithms(s, { hmac: true }), theirs, Buffer.from('another key')), false);
});

test('HMAC-SHA256 (which xml-crypto lacks) verifies a signature made by xmlsec1', { skip: spawnSync('xmlsec1', ['--version']).status === 0 ? false : 'xmlsec1 missing' }, () => {
  const keyFile = join(dir, 'k.bin');
  writeFileSync(keyFile, HMAC_KEY);
  const out = join(dir, 'signed.xml');
  const r = spawnSync('xmlsec1', ['--sign', '--hmackey:sct-key', keyFile, '--id-attr:Id', `${U}:Timestamp`, '--id-attr:Id', `${S}:Body`,
    '--output', out, resolve(ORACLES, 'sign256-tmpl.xml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const signed = readFileSync(out, 'utf8');
  assert.match(signed, /xmldsig-more#hmac-sha256/);
  assert.equal(verify((s) => useWsscAlgorithms(s, { hmac: true }), signed, HMAC_KEY), true);
  assert.equal(accepted((s) => useWsscAlgorithms(s, { hmac: true }), signed.replace('hello', 'jello'), HMAC_KEY), false);
});

test('key confusion: without hmac: true no HMAC class is registered; with it, RSA is gone', () => {
  const hmacSigned = sign((s) => useWsscAlgorithms(s, { hmac: true }), 'http://www.w3.org/2000/09/xmldsig#hmac-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1', HMAC_KEY);
  // An attacker who knows the RSA public key "signs" with it as an HMAC secret: refused unless HMAC was asked for.
  assert.throws(() => verify((s) => useWsscAlgorithms(s), hmacSigned, HMAC_KEY), /hmac-sha1|not supported|signature algorithm/i);
  const sig = useWsscAlgorithms(new SignedXml(), { hmac: true }) as SignedXml;
  assert.deepEqual(Object.keys(sig.SignatureAlgorithms).sort(), [
    'http://www.w3.org/2000/09/xmldsig#hmac-sha1', 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
  ]);
});
