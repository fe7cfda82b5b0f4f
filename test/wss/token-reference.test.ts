// SecurityTokenReference forms (Reference, KeyIdentifier SKI / ThumbprintSHA1) and BinarySecurityToken round trips.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SubtreeCollector } from '../../src/dsig/tree.js';
import { WsSecurityError } from '../../src/errors.js';
import { XmlParser } from '../../src/xml/parser.js';
import {
  VALUE_TYPE, certificateDer, parseBinarySecurityToken, parseTokenReference, subjectKeyIdentifier, subjectKeyIdentifierReference,
  thumbprintReference, tokenReferenceXml, x509Reference, x509TokenXml, type TokenReference,
} from '../../src/wss/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wssc-str-'));
after(() => rmSync(dir, { recursive: true, force: true }));
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=test', '-days', '1',
  '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
const pem = readFileSync(join(dir, 'cert.pem'), 'utf8');
const der = certificateDer(pem);

function tree(xml: string) {
  const c = new SubtreeCollector((_el, inside) => !inside);
  const p = new XmlParser(c);
  p.write(new TextEncoder().encode(xml));
  p.end();
  return c.roots[0]!;
}

describe('SecurityTokenReference', () => {
  it('the certificate helpers agree with node:crypto and openssl', () => {
    assert.deepEqual(Buffer.from(der), new X509Certificate(pem).raw);
    const ski = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectKeyIdentifier', '-in', join(dir, 'cert.pem')], { encoding: 'utf8' });
    const hex = /([0-9A-F]{2}(?::[0-9A-F]{2})+)/.exec(ski)![1]!.replace(/:/g, '').toLowerCase();
    assert.equal(Buffer.from(subjectKeyIdentifier(der)!).toString('hex'), hex);
  });

  const forms: [string, TokenReference][] = [
    ['direct reference', x509Reference('bst-1')],
    ['reference to an SCT by URI with TokenType and Id', { kind: 'reference', uri: 'urn:uuid:40859149', valueType: VALUE_TYPE.sctFeb2005, tokenType: VALUE_TYPE.sctFeb2005, id: 'str1' }],
    ['ThumbprintSHA1', thumbprintReference(der)],
    ['X509SubjectKeyIdentifier', subjectKeyIdentifierReference(der)],
  ];
  for (const [name, ref] of forms) {
    it(`${name}: written and read back the same`, () => {
      const back = parseTokenReference(tree(tokenReferenceXml(ref)));
      assert.deepEqual(back, ref);
    });
  }

  it('the thumbprint is SHA-1 of the DER', () => {
    const ref = thumbprintReference(der);
    assert.equal(ref.kind === 'keyIdentifier' && Buffer.from(ref.value).toString('hex'), createHash('sha1').update(der).digest('hex'));
    assert.match(tokenReferenceXml(ref), /ValueType="http:\/\/docs.oasis-open.org\/wss\/oasis-wss-soap-message-security-1.1#ThumbprintSHA1" EncodingType="[^"]+#Base64Binary"/);
  });

  it('refuses other shapes', () => {
    const O = 'xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"';
    for (const xml of [
      `<o:SecurityTokenReference ${O}/>`,
      `<o:SecurityTokenReference ${O}><o:Reference URI="#a"/><o:Reference URI="#b"/></o:SecurityTokenReference>`,
      `<o:SecurityTokenReference ${O}><o:Reference/></o:SecurityTokenReference>`,
      `<o:SecurityTokenReference ${O}><o:KeyIdentifier ValueType="x">not base64!</o:KeyIdentifier></o:SecurityTokenReference>`,
      `<o:SecurityTokenReference ${O}><o:Embedded/></o:SecurityTokenReference>`,
    ]) assert.throws(() => parseTokenReference(tree(xml)), WsSecurityError, xml);
  });
});

describe('BinarySecurityToken', () => {
  it('X509v3 round trip', () => {
    const bst = parseBinarySecurityToken(tree(x509TokenXml(der, 'X1')));
    assert.equal(bst.id, 'X1');
    assert.equal(bst.valueType, VALUE_TYPE.x509v3);
    assert.deepEqual(Buffer.from(bst.value), Buffer.from(der));
  });
});
