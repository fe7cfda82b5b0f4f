// XML Encryption 1.0 §3.5 EncryptedKey with RSA-OAEP-MGF1P (§5.4.2): the X.509 bootstrap, round trip and refusals.
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, privateDecrypt, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { EncryptionError } from '../../src/errors.js';
import {
  buildEncryptedData,
  buildEncryptedKey,
  decryptXml,
  encryptXml,
  readReferenceLists,
  RSA_OAEP_MGF1P,
  TYPE_ELEMENT,
  unwrapEncryptedKey,
  unwrapKey,
  wrapKey,
} from '../../src/xenc/index.js';
import { assertDecryptionFailed, assertRefused, envelope, SOAP11, text, utf8 } from './helpers.js';

const pair = (): { publicKey: KeyObject; privateKey: KeyObject } => generateKeyPairSync('rsa', { modulusLength: 2048 });
const alice = pair();
const mallory = pair();

test('buildEncryptedKey wraps a fresh AES-256 key that node:crypto OAEP-SHA1 unwraps; the XML has the expected shape', () => {
  const { key, xml } = buildEncryptedKey({ recipient: alice.publicKey, id: 'EK1', references: ['ED1', 'ED2'] });
  assert.equal(key.length, 32);
  assert.match(xml, new RegExp(`^<xenc:EncryptedKey xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="EK1"><xenc:EncryptionMethod Algorithm="${RSA_OAEP_MGF1P}">`));
  assert.match(xml, /<xenc:ReferenceList><xenc:DataReference URI="#ED1"\/><xenc:DataReference URI="#ED2"\/><\/xenc:ReferenceList><\/xenc:EncryptedKey>$/);
  const wrapped = Buffer.from(xml.match(/<xenc:CipherValue>(.*)<\/xenc:CipherValue>/)![1]!, 'base64');
  assert.equal(wrapped.length, 256);
  const independent = privateDecrypt({ key: alice.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped);
  assert.deepEqual(new Uint8Array(independent), key);
  const { key: unwrapped, encryptedKey } = unwrapEncryptedKey(utf8(xml), alice.privateKey);
  assert.deepEqual(unwrapped, key);
  assert.deepEqual(encryptedKey.references, ['ED1', 'ED2']);
  assert.equal(encryptedKey.id, 'EK1');
  // A fresh key each time.
  assert.notDeepEqual(buildEncryptedKey({ recipient: alice.publicKey }).key, key);
  assert.equal(buildEncryptedKey({ recipient: alice.publicKey, algorithm: 'aes128-cbc' }).key.length, 16);
});

test('bootstrap round trip: EncryptedKey with a ReferenceList in the header, Body content encrypted with its key (PEM keys)', () => {
  const publicPem = alice.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const privatePem = alice.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const plain = envelope(SOAP11);
  const { key, xml } = buildEncryptedKey({ recipient: publicPem, id: 'EK', references: ['ED'] });
  const encrypted = encryptXml(utf8(plain.replace('<s:Header>', `<s:Header>${xml}`)), { key, target: { id: '_1' }, content: true, id: 'ED' });
  assert.ok(!text(encrypted).includes('secret'));
  assert.deepEqual(readReferenceLists(encrypted).map((l) => [l.encryptedKeyId, l.ids]), [['EK', ['ED']]]);
  const d = decryptXml(encrypted, { key: { privateKey: privatePem } });
  assert.equal(text(d.document), plain.replace('<s:Header>', `<s:Header>${xml}`));
  assert.deepEqual(d.decrypted.map((x) => x.id), ['ED']);
  // The same through unwrapEncryptedKey + a plain key.
  assert.deepEqual(decryptXml(encrypted, { key: unwrapEncryptedKey(encrypted, alice.privateKey).key }).document, d.document);
});

test('bootstrap round trip: EncryptedKey inside the EncryptedData KeyInfo, and one referenced from KeyInfo by Id', () => {
  const { key, xml } = buildEncryptedKey({ recipient: alice.publicKey, algorithm: 'aes128-cbc' });
  const inner = buildEncryptedData(utf8('<m:x xmlns:m="urn:m">1</m:x>'), TYPE_ELEMENT, { key, keyInfo: xml });
  assert.equal(text(decryptXml(utf8(`<r>${inner}</r>`), { key: { privateKey: alice.privateKey } }).document), '<r><m:x xmlns:m="urn:m">1</m:x></r>');

  const ek = buildEncryptedKey({ recipient: alice.publicKey, id: 'EKref' });
  const str = '<o:SecurityTokenReference xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><o:Reference URI="#EKref"/></o:SecurityTokenReference>';
  const referenced = buildEncryptedData(utf8('<y/>'), TYPE_ELEMENT, { key: ek.key, keyInfo: str });
  assert.equal(text(decryptXml(utf8(`<r><h>${ek.xml}</h>${referenced}</r>`), { key: { privateKey: alice.privateKey } }).document), `<r><h>${ek.xml}</h><y/></r>`);
});

test('the wrong private key, or a changed wrapped key, is the one DecryptionError', () => {
  const { key, xml } = buildEncryptedKey({ recipient: alice.publicKey, id: 'EK', references: ['ED'] });
  const doc = encryptXml(utf8(`<r><h>${xml}</h><b><c>data</c></b></r>`), { key, target: { select: (el) => el.local === 'c' }, id: 'ED' });
  assertDecryptionFailed(() => decryptXml(doc, { key: { privateKey: mallory.privateKey } }));
  assertDecryptionFailed(() => unwrapEncryptedKey(doc, mallory.privateKey));
  const s = text(doc);
  const at = s.indexOf('<xenc:CipherValue>') + '<xenc:CipherValue>'.length + 10;
  const changed = utf8(s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1));
  assertDecryptionFailed(() => decryptXml(changed, { key: { privateKey: alice.privateKey } }));
  assertDecryptionFailed(() => unwrapKey(new Uint8Array(256), alice.privateKey));
  // A wrapped key of a size that is no AES key.
  assertDecryptionFailed(() => unwrapKey(wrapKey(new Uint8Array(20), alice.publicKey), alice.privateKey));
});

test('EncryptedKey refusals: RSA 1.5, other OAEP digests, structure, unusable keys, ambiguity', () => {
  const { xml } = buildEncryptedKey({ recipient: alice.publicKey, id: 'EK' });
  const rsa15 = xml.replace(RSA_OAEP_MGF1P, 'http://www.w3.org/2001/04/xmlenc#rsa-1_5');
  assertRefused(() => unwrapEncryptedKey(utf8(rsa15), alice.privateKey), EncryptionError, 'ALGORITHM_NOT_SUPPORTED');
  const sha256 = xml.replace('xmldsig#sha1', 'xmlenc#sha256');
  assertRefused(() => unwrapEncryptedKey(utf8(sha256), alice.privateKey), EncryptionError, 'ALGORITHM_NOT_SUPPORTED');
  const extra = xml.replace('</xenc:EncryptedKey>', '<xenc:Bogus/></xenc:EncryptedKey>');
  assertRefused(() => unwrapEncryptedKey(utf8(extra), alice.privateKey), EncryptionError, 'ENCRYPTED_KEY_STRUCTURE');
  assertRefused(() => unwrapEncryptedKey(utf8(xml), alice.publicKey), EncryptionError, 'KEY_UNUSABLE');
  assertRefused(() => buildEncryptedKey({ recipient: alice.privateKey }), EncryptionError, 'KEY_UNUSABLE');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assertRefused(() => buildEncryptedKey({ recipient: ec.publicKey }), EncryptionError, 'KEY_UNUSABLE');
  assertRefused(() => unwrapEncryptedKey(utf8(`<r>${xml}${xml.replace('Id="EK"', 'Id="EK2"')}</r>`), alice.privateKey), EncryptionError, 'NOT_FOUND');
  assert.equal(unwrapEncryptedKey(utf8(`<r>${xml}${xml.replace('Id="EK"', 'Id="EK2"')}</r>`), alice.privateKey, { id: 'EK2' }).encryptedKey.id, 'EK2');
  // Two EncryptedKeys claiming one EncryptedData: refused rather than picked.
  const a = buildEncryptedKey({ recipient: alice.publicKey, id: 'K1', references: ['ED'] });
  const b = buildEncryptedKey({ recipient: alice.publicKey, id: 'K2', references: ['ED'] });
  const ed = buildEncryptedData(utf8('<z/>'), TYPE_ELEMENT, { key: a.key, id: 'ED' });
  assertRefused(() => decryptXml(utf8(`<r>${a.xml}${b.xml}${ed}</r>`), { key: { privateKey: alice.privateKey } }), EncryptionError, 'KEY_UNRESOLVED');
  // No EncryptedKey for an EncryptedData in privateKey mode.
  assertRefused(() => decryptXml(utf8(`<r>${ed}</r>`), { key: { privateKey: alice.privateKey } }), EncryptionError, 'KEY_UNRESOLVED');
});

test('an EncryptedKey with OAEPparams (an OAEP label) round trips; a wrong label fails opaquely', () => {
  const label = utf8('wssc-label');
  const key = new Uint8Array(32).fill(9);
  const wrapped = Buffer.from(wrapKey(key, alice.publicKey, label)).toString('base64');
  const xml = (params: string): string =>
    `<xenc:EncryptedKey xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:EncryptionMethod Algorithm="${RSA_OAEP_MGF1P}">` +
    `<xenc:OAEPparams>${params}</xenc:OAEPparams></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>${wrapped}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>`;
  assert.deepEqual(unwrapEncryptedKey(utf8(xml(Buffer.from(label).toString('base64'))), alice.privateKey).key, key);
  assertDecryptionFailed(() => unwrapEncryptedKey(utf8(xml(Buffer.from('other').toString('base64'))), alice.privateKey));
});
