// Envelope signatures in the Security header: SOAP 1.1 + WS-Addressing against xmlsec1, X.509 key references, signature choice.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SignatureError, WsSecurityError } from '../../src/errors.js';
import { SOAP11_NAMESPACE, SOAP12_NAMESPACE, WSA_NAMESPACE, addAddressing } from '../../src/soap/index.js';
import { WSU_NAMESPACE, checkStrictLayout, readSecurity, signEnvelope, verifyEnvelope, VALUE_TYPE } from '../../src/wss/index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const dir = mkdtempSync(join(tmpdir(), 'wssc-wss-sig-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;
const SECRET = utf8('secret-hmac-key-0123456789abcdef');
const keyFile = join(dir, 'k.bin');
writeFileSync(keyFile, SECRET);

function pair(name: string) {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { privateKey: readFileSync(key, 'utf8'), certificate: readFileSync(cert, 'utf8'), certFile: cert };
}
const trusted = pair('trusted');
const other = pair('other');

function message(ns: string): Uint8Array {
  const plain = utf8(`<soap:Envelope xmlns:soap="${ns}"><soap:Body><Op xmlns="urn:op"><v>1 &amp; 2</v></Op></soap:Body></soap:Envelope>`);
  return addAddressing(plain, { action: 'urn:op/Do', messageId: 'urn:uuid:9', replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://svc/' });
}

describe('signEnvelope / verifyEnvelope', () => {
  for (const ns of [SOAP11_NAMESPACE, SOAP12_NAMESPACE]) {
    it(`SOAP ${ns === SOAP11_NAMESPACE ? '1.1' : '1.2'}: Timestamp, WS-Addressing headers and Body signed; xmlsec1 agrees`, { skip: hasXmlsec ? false : 'no xmlsec1' }, () => {
      const signed = signEnvelope(message(ns), { key: { kind: 'hmac', secret: SECRET }, addressing: true, timestamp: { now: Date.UTC(2024, 0, 1) } });
      assert.equal(signed.ids.length, 6);
      const r = verifyEnvelope(signed.bytes, { key: { kind: 'hmac', secret: SECRET } });
      assert.deepEqual(r.ids, signed.ids);
      assert.deepEqual(r.references.map((x) => x.element!.local), ['Timestamp', 'Action', 'MessageID', 'ReplyTo', 'To', 'Body']);
      const read = readSecurity(signed.bytes);
      assert.deepEqual(read.security!.parts.map((p) => p.kind), ['timestamp', 'signature']);
      checkStrictLayout(read.security!);
      const file = join(dir, `soap-${ns.length}.xml`);
      writeFileSync(file, signed.bytes);
      const ids = [`${WSU_NAMESPACE}:Timestamp`, `${ns}:Body`, ...['Action', 'MessageID', 'ReplyTo', 'To'].map((n) => `${WSA_NAMESPACE}:${n}`)].flatMap((x) => ['--id-attr:Id', x]);
      const ok = spawnSync('xmlsec1', ['--verify', '--hmackey', keyFile, ...ids, file], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stderr, /References \(ok\/all\): 6\/6/);
    });
  }

  for (const form of ['thumbprint', 'ski'] as const) {
    it(`X.509 by ${form} KeyIdentifier: verifies with the trusted certificate; a KeyIdentifier of another one is KEY_MISMATCH`, () => {
      const signed = signEnvelope(message(SOAP12_NAMESPACE), { key: { kind: 'x509', privateKey: trusted.privateKey, certificate: trusted.certificate }, x509Reference: form });
      const s = text(signed.bytes);
      assert.match(s, new RegExp(`<o:KeyIdentifier ValueType="${form === 'thumbprint' ? VALUE_TYPE.thumbprintSha1 : VALUE_TYPE.x509SubjectKeyIdentifier}"`));
      assert.doesNotMatch(s, /BinarySecurityToken/);
      assert.deepEqual(verifyEnvelope(signed.bytes, { key: { kind: 'x509', certificate: trusted.certificate } }).ids, signed.ids);
      assert.throws(() => verifyEnvelope(signed.bytes, { key: { kind: 'x509', certificate: other.certificate } }), (e: unknown) => e instanceof SignatureError && e.code === 'SIGNATURE_MISMATCH');
      // KeyInfo is outside SignedInfo: changing it leaves the signature valid, but the reference no longer names the trusted certificate.
      const swapped = utf8(s.replace(/(<o:KeyIdentifier [^>]*>)([A-Za-z0-9+/]{4})/, (_m, tag: string, head: string) => `${tag}${head === 'AAAA' ? 'BBBB' : 'AAAA'}`));
      assert.throws(() => verifyEnvelope(swapped, { key: { kind: 'x509', certificate: trusted.certificate } }), (e: unknown) => e instanceof WsSecurityError && e.code === 'KEY_MISMATCH');
    });
  }

  it('an X.509 signature whose KeyInfo references a non-certificate token is KEY_MISMATCH', () => {
    const signed = text(signEnvelope(message(SOAP12_NAMESPACE), { key: { kind: 'x509', privateKey: trusted.privateKey, certificate: trusted.certificate } }).bytes);
    const retargeted = utf8(signed.replace(/<o:Reference URI="#_(\d+)"/, '<o:Reference URI="#_0"'));
    assert.throws(() => verifyEnvelope(retargeted, { key: { kind: 'x509', certificate: trusted.certificate } }), (e: unknown) => e instanceof WsSecurityError && e.code === 'KEY_MISMATCH');
  });

  it('a certificate in ds:X509Data must be the trusted one (KEY_MISMATCH otherwise)', () => {
    const signed = text(signEnvelope(message(SOAP12_NAMESPACE), { key: { kind: 'x509', privateKey: trusted.privateKey, certificate: trusted.certificate }, x509Reference: 'thumbprint' }).bytes);
    const b64 = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
    const withData = (pem: string) => utf8(signed.replace(/<KeyInfo>[\s\S]*<\/KeyInfo>/, `<KeyInfo><X509Data><X509Certificate>${b64(pem)}</X509Certificate></X509Data></KeyInfo>`));
    verifyEnvelope(withData(trusted.certificate), { key: { kind: 'x509', certificate: trusted.certificate } });
    assert.throws(() => verifyEnvelope(withData(other.certificate), { key: { kind: 'x509', certificate: trusted.certificate } }), (e: unknown) => e instanceof WsSecurityError && e.code === 'KEY_MISMATCH');
  });

  it('verifies the Security header\'s Signature even when the Body carries another one', () => {
    const signed = text(signEnvelope(message(SOAP12_NAMESPACE), { key: { kind: 'hmac', secret: SECRET } }).bytes);
    const foreign = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>';
    const doc = utf8(signed.replace('<v>', `${foreign}<v>`).replace('</soap:Body>', '</soap:Body>'));
    // The Body changed, so its digest fails: the point is that the header Signature was the one verified.
    assert.throws(() => verifyEnvelope(doc, { key: { kind: 'hmac', secret: SECRET } }), (e: unknown) => e instanceof SignatureError && e.code === 'DIGEST_MISMATCH');
  });

  it('HMAC KeyInfo as a SecurityTokenReference (WCF: to the derived key)', () => {
    const signed = signEnvelope(message(SOAP12_NAMESPACE), {
      key: { kind: 'hmac', secret: SECRET }, keyInfo: { kind: 'reference', uri: '#_dk1', valueType: VALUE_TYPE.dkFeb2005 },
    });
    assert.match(text(signed.bytes), /<KeyInfo><o:SecurityTokenReference [^>]*><o:Reference URI="#_dk1" ValueType="http:\/\/schemas.xmlsoap.org\/ws\/2005\/02\/sc\/dk"><\/o:Reference><\/o:SecurityTokenReference><\/KeyInfo>/);
    assert.deepEqual(verifyEnvelope(signed.bytes, { key: { kind: 'hmac', secret: SECRET } }).ids, signed.ids);
  });
});
