// One test per advisory class of xml-security.md §1.4 (A1–A13 where they apply to XMLDSig verification).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { canonicalize } from '../../src/c14n/index.js';
import { nodeProvider } from '../../src/crypto/index.js';
import { DSIG_NAMESPACE, signXml, verifySignature } from '../../src/dsig/index.js';
import { C14nError, SignatureError, XmlError } from '../../src/errors.js';
import { assertRefused, text, unsignedEnvelope, utf8, vector } from './helpers.js';

const SECRET = utf8('secret-hmac-key-0123456789abcdef');
const hmac = { kind: 'hmac' as const, secret: SECRET };
const inSecurity = { select: (el: { local: string }) => el.local === 'Security' };

/** A wssc-signed envelope (Timestamp _0 and Body _1, HMAC-SHA1), as a string to mutate. */
function signed(body?: string): string {
  let doc = unsignedEnvelope();
  if (body !== undefined) doc = doc.replace(/<text>.*<\/text>/, body);
  return text(signXml(utf8(doc), { key: hmac, references: [{ id: '_0' }, { id: '_1' }], parent: inSecurity }));
}

/** Recomputes the SignatureValue over the (edited) SignedInfo, as someone holding the key would; `bytes` truncates. */
function resign(doc: string, bytes?: number): string {
  const si = canonicalize(utf8(doc), { select: (el) => el.uri === DSIG_NAMESPACE && el.local === 'SignedInfo' });
  const mac = nodeProvider().hmac(/hmac-sha256/.test(doc) ? 'sha256' : 'sha1', SECRET, si).subarray(0, bytes);
  return doc.replace(/<ds:SignatureValue>[^<]*</, `<ds:SignatureValue>${Buffer.from(mac).toString('base64')}<`);
}

const verify = (doc: string, key: Parameters<typeof verifySignature>[1]['key'] = hmac) => () => verifySignature(utf8(doc), { key });

test('baseline: the signed envelope verifies and a resigned copy too', () => {
  const doc = signed();
  assert.deepEqual(verifySignature(utf8(doc), { key: hmac }).ids, ['_0', '_1']);
  assert.deepEqual(verifySignature(utf8(resign(doc)), { key: hmac }).ids, ['_0', '_1']);
});

test('A1/A12/A13 wrapping: a second element with the same Id anywhere is refused (DUPLICATE_ID)', () => {
  const doc = signed();
  const body = doc.match(/<s:Body[\s\S]*<\/s:Body>/)![0];
  const evil = body.replace('hello &amp; goodbye', 'transfer all');
  // The signed Body moved into a wrapper header; the evil one in its place.
  const wrapped = doc.replace(body, evil).replace('<s:Header>', `<s:Header><w:Wrapper xmlns:w="urn:w">${body}</w:Wrapper>`);
  assertRefused(verify(wrapped), C14nError, 'DUPLICATE_ID');
  // The same value in another Id attribute form (Id vs wsu:Id) is a duplicate too.
  assertRefused(verify(doc.replace('<a:Action ', '<a:Action Id="_1" ')), C14nError, 'DUPLICATE_ID');
  // Inside ds:Object of the Signature itself (xmldsigjs 4af453b).
  assertRefused(verify(doc.replace('</ds:Signature>', `<ds:Object>${body}</ds:Object></ds:Signature>`)), C14nError, 'DUPLICATE_ID');
});

test('A4: a second SignedInfo, a wrapped SignedInfo, or none is refused (SIGNATURE_STRUCTURE)', () => {
  const doc = signed();
  const si = doc.match(/<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/)![0];
  assertRefused(verify(doc.replace(si, si + si)), SignatureError, 'SIGNATURE_STRUCTURE');
  assertRefused(verify(doc.replace('</ds:Signature>', `<ds:Object>${si}</ds:Object></ds:Signature>`)), SignatureError, 'SIGNATURE_STRUCTURE');
  assertRefused(verify(doc.replace('</ds:Signature>', `<ds:KeyInfo>${si}</ds:KeyInfo></ds:Signature>`)), SignatureError, 'SIGNATURE_STRUCTURE');
  assertRefused(verify(doc.replace(si, '')), SignatureError, 'SIGNATURE_STRUCTURE');
  assertRefused(verify(doc.replace(si, `<w:X xmlns:w="urn:w">${si}</w:X>`)), SignatureError, 'SIGNATURE_STRUCTURE');
  // Order: SignatureValue before SignedInfo.
  const sv = doc.match(/<ds:SignatureValue>[^<]*<\/ds:SignatureValue>/)![0];
  assertRefused(verify(doc.replace(sv, '').replace(si, sv + si)), SignatureError, 'SIGNATURE_STRUCTURE');
});

test('A5: a comment, PI or element inside DigestValue or SignatureValue is refused (SIGNATURE_STRUCTURE)', () => {
  const doc = signed();
  const evilDigest = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  for (const inject of [`<!--${evilDigest}-->`, '<?p x?>', '<ds:X></ds:X>']) {
    assertRefused(verify(resign(doc.replace('<ds:DigestValue>', `<ds:DigestValue>${inject}`))), SignatureError, 'SIGNATURE_STRUCTURE');
    assertRefused(verify(doc.replace('<ds:SignatureValue>', `<ds:SignatureValue>${inject}`)), SignatureError, 'SIGNATURE_STRUCTURE');
  }
  // Junk in base64 is not skipped.
  assertRefused(verify(doc.replace('<ds:SignatureValue>', '<ds:SignatureValue>!')), SignatureError, 'SIGNATURE_STRUCTURE');
});

test('A6/A9: a comment or PI inside signed text: verified, and the digested text is reported whole', () => {
  const doc = signed('<text>admin@evil.com<!---->.example.com <?p not-an-?>admin</text>');
  const r = verifySignature(utf8(doc), { key: hmac, keepCanonical: true });
  const body = r.references.find((x) => x.id === '_1')!;
  assert.match(text(body.canonical!), /<text>admin@evil\.com\.example\.com <\?p not-an-\?>admin<\/text>/);
  assert.equal(text(utf8(doc).subarray(body.byteStart, body.byteEnd)).startsWith('<s:Body'), true);
  // Removing the comment keeps the signature (c14n drops it); removing the PI breaks it.
  assert.deepEqual(verifySignature(utf8(doc.replace('<!---->', '')), { key: hmac }).ids, ['_0', '_1']);
  assertRefused(verify(doc.replace('<?p not-an-?>', '')), SignatureError, 'DIGEST_MISMATCH');
});

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: { export(o: object): string | Buffer }) => String(k.export({ type: 'spki', format: 'pem' }));

test('A2 HMAC key confusion: an HMAC signature keyed with the public key is refused for an RSA verifier', () => {
  const publicPem = pem(rsa.publicKey);
  const forged = text(
    signXml(utf8(unsignedEnvelope()), { key: { kind: 'hmac', secret: utf8(publicPem) }, references: [{ id: '_1' }], parent: inSecurity }),
  );
  assertRefused(verify(forged, { kind: 'rsa', publicKey: publicPem }), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  // And the other way: an RSA signature is not checked against an HMAC secret.
  const rsaSigned = text(signXml(utf8(unsignedEnvelope()), { key: { kind: 'rsa', privateKey: rsa.privateKey }, references: [{ id: '_1' }], parent: inSecurity }));
  assertRefused(verify(rsaSigned, hmac), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  assert.deepEqual(verifySignature(utf8(rsaSigned), { key: { kind: 'rsa', publicKey: publicPem } }).ids, ['_1']);
  // The caller may narrow the algorithms further.
  assertRefused(
    () => verifySignature(utf8(rsaSigned), { key: { kind: 'rsa', publicKey: publicPem }, algorithms: ['rsa-sha1'] }),
    SignatureError,
    'ALGORITHM_NOT_ALLOWED',
  );
});

test('A3: a key or certificate carried in KeyInfo is never trusted', () => {
  const attackerPem = pem(attacker.publicKey);
  const b64Key = attackerPem.replace(/-----[^-]+-----|\s/g, '');
  // Signed with the attacker's key, which the message carries; the verifier trusts another key.
  const forged = text(
    signXml(utf8(unsignedEnvelope()), {
      key: { kind: 'rsa', privateKey: attacker.privateKey },
      references: [{ id: '_1' }],
      parent: inSecurity,
      keyInfo: `<ds:X509Data><ds:X509Certificate>${text(vector('xml-crypto/feide_public.pem')).replace(/-----[^-]+-----|\s/g, '')}</ds:X509Certificate></ds:X509Data><ds:KeyValue><ds:DEREncodedKeyValue>${b64Key}</ds:DEREncodedKeyValue></ds:KeyValue>`,
    }),
  );
  assertRefused(verify(forged, { kind: 'rsa', publicKey: rsa.publicKey }), SignatureError, 'SIGNATURE_MISMATCH');
  // An HMAC key in KeyInfo is ignored as well.
  const evil = utf8('attacker-key');
  const hmacForged = text(
    signXml(utf8(unsignedEnvelope()), { key: { kind: 'hmac', secret: evil }, references: [{ id: '_1' }], parent: inSecurity, keyInfo: '<ds:KeyName>sct-key</ds:KeyName>' }),
  );
  assertRefused(verify(hmacForged), SignatureError, 'SIGNATURE_MISMATCH');
  // No key at all is a usage error, never "use what the message offers".
  assertRefused(() => verifySignature(utf8(forged), { key: undefined as never }), SignatureError, 'KEY_UNUSABLE');
});

test('A11 truncated HMAC: HMACOutputLength below full length is refused even with a correct truncated MAC', () => {
  const doc = signed();
  const withLength = (bits: number) =>
    doc.replace(/(<ds:SignatureMethod [^>]*>)/, `$1<ds:HMACOutputLength>${bits}</ds:HMACOutputLength>`);
  assertRefused(verify(resign(withLength(80), 10)), SignatureError, 'HMAC_TRUNCATED');
  assertRefused(verify(resign(withLength(40), 5)), SignatureError, 'HMAC_TRUNCATED');
  assertRefused(verify(resign(withLength(0), 0)), SignatureError, 'HMAC_TRUNCATED');
  // The full length is accepted (same MAC as without the element).
  assert.deepEqual(verifySignature(utf8(resign(withLength(160))), { key: hmac }).ids, ['_0', '_1']);
  // A short SignatureValue without HMACOutputLength is just a mismatch.
  assertRefused(verify(resign(doc, 10)), SignatureError, 'SIGNATURE_MISMATCH');
});

test('A13: references that resolve to nothing are refused, and nothing-verified never passes', () => {
  const doc = signed();
  assertRefused(verify(resign(doc.replace('URI="#_1"', 'URI="#nowhere"'))), SignatureError, 'REFERENCE_UNRESOLVED');
  const refs = doc.match(/<ds:Reference[\s\S]*<\/ds:Reference>/)![0];
  assertRefused(verify(resign(doc.replace(refs, ''))), SignatureError, 'SIGNATURE_STRUCTURE');
  assertRefused(verify(unsignedEnvelope()), SignatureError, 'SIGNATURE_NOT_FOUND');
});

test('A1/A13: XPath, XSLT and other transforms are refused (ALGORITHM_NOT_ALLOWED)', () => {
  const doc = signed();
  const exc = '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform>';
  for (const t of [
    '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>',
    '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"></xsl:stylesheet></ds:Transform>',
    '<ds:Transform Algorithm="http://www.w3.org/2002/06/xmldsig-filter2"></ds:Transform>',
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#base64"></ds:Transform>',
    '<ds:Transform Algorithm="http://www.w3.org/2002/07/decrypt#XML"></ds:Transform>',
  ]) {
    assertRefused(verify(resign(doc.replace(exc, t))), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  }
  // Two c14n transforms, or enveloped-signature after c14n, are outside the profile.
  assertRefused(verify(resign(doc.replace(exc, exc + exc))), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  const env = '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform>';
  assertRefused(verify(resign(doc.replace(exc, exc + env))), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  // enveloped-signature on a reference that does not contain the Signature.
  assertRefused(verify(resign(doc.replace(exc, env + exc))), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  // MD5 and unknown digests, unknown canonicalization.
  assertRefused(verify(resign(doc.replace('http://www.w3.org/2000/09/xmldsig#sha1', 'http://www.w3.org/2001/04/xmldsig-more#md5'))), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  assertRefused(verify(resign(doc.replace('xml-exc-c14n#"></ds:CanonicalizationMethod>', 'xml-exc-c14n#x"></ds:CanonicalizationMethod>'))), SignatureError, 'ALGORITHM_NOT_ALLOWED');
});

test('A1/A13: external, XPointer, quoted and missing reference URIs are refused (REFERENCE_URI)', () => {
  const doc = signed();
  for (const uri of ['URI="http://evil.example/x.xml"', 'URI="#xpointer(/)"', "URI=\"#xpointer(id('_1'))\"", 'URI="#_1\' or \'1\'=\'1"', 'URI="other.xml#_1"', '']) {
    assertRefused(verify(resign(doc.replace('URI="#_1"', uri))), SignatureError, 'REFERENCE_URI');
  }
});

test('A7/A14/A16: multiple roots, DTDs and malformed input are refused by the one parser (XmlError)', () => {
  const doc = signed();
  assertRefused(verify(`${doc}<s:Envelope xmlns:s="urn:x"></s:Envelope>`), XmlError, 'XML_MALFORMED');
  assertRefused(verify(doc.replace('<s:Envelope', '<!DOCTYPE s:Envelope [<!ENTITY e "x">]><s:Envelope')), XmlError, 'XML_DTD');
  assertRefused(verify(doc.replace('</s:Envelope>', '')), XmlError, 'XML_MALFORMED');
});

test('SignedInfo shape: text, unknown elements or a second SignatureMethod are refused', () => {
  const doc = signed();
  assertRefused(verify(resign(doc.replace('<ds:SignedInfo>', '<ds:SignedInfo>junk'))), SignatureError, 'SIGNATURE_STRUCTURE');
  const sm = doc.match(/<ds:SignatureMethod [^>]*><\/ds:SignatureMethod>/)![0];
  assertRefused(verify(resign(doc.replace(sm, sm + sm))), SignatureError, 'SIGNATURE_STRUCTURE');
  assertRefused(verify(resign(doc.replace('<ds:DigestMethod', '<ds:Extra></ds:Extra><ds:DigestMethod'))), SignatureError, 'SIGNATURE_STRUCTURE');
});
