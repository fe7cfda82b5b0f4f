// Published XMLDSig vectors (xmlsec HMAC, xml-crypto, the WCF capture) as ../shared/vectors/README.md describes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifySignature } from '../../src/dsig/index.js';
import { C14nError, SignatureError } from '../../src/errors.js';
import { assertRefused, text, utf8, vector } from './helpers.js';

const hmac = (secret: Uint8Array) => ({ kind: 'hmac' as const, secret });
const SCT_KEY = new Uint8Array(Buffer.from('H/N/QJpAIzvX652dTmpSKfx5jvchdVlWNaSPiPkNuP8=', 'base64'));

const verifying: [string, string, string][] = [
  ['xmlsec/phaos-xmldsig-three/signature-hmac-sha1-exclusive-c14n-enveloped.xml', 'test', ''],
  ['xmlsec/merlin-xmldsig-twenty-three/signature-enveloping-hmac-sha1.xml', 'secret', 'object'],
  ['xmlsec/aleksey-xmldsig-01/enveloping-sha1-hmac-sha1.xml', 'secret', 'object'],
  ['xmlsec/aleksey-xmldsig-01/enveloping-sha256-hmac-sha256.xml', 'secret', 'object'],
  ['xmlsec/xmldsig11-interop-2012/signature-enveloping-hmac-sha256.xml', 'testkey', 'DSig.Object_I08V3cMJvHneFuSSVRb87A22'],
  // HMACOutputLength 160 = the full SHA-1 length: accepted.
  ['xmlsec/xmldsig11-interop-2012/signature-enveloping-hmac-sha1-truncated160.xml', 'testkey', 'DSig.Object_1yVYtKFlTlcmDIr0WP37Bw22'],
];
for (const [file, key, id] of verifying) {
  test(`xmlsec vector verifies: ${file}`, () => {
    const r = verifySignature(vector(file), { key: hmac(utf8(key)) });
    assert.deepEqual(r.ids, [id]);
    assertRefused(() => verifySignature(vector(file), { key: hmac(utf8(key + 'x')) }), SignatureError, 'SIGNATURE_MISMATCH');
  });
}

const refused: [string, string, string][] = [
  ['xmlsec/xmldsig11-interop-2012/signature-enveloping-hmac-sha1-truncated40.xml', 'testkey', 'HMAC_TRUNCATED'],
  ['xmlsec/phaos-xmldsig-three/signature-hmac-md5-c14n-enveloping.xml', 'test', 'ALGORITHM_NOT_ALLOWED'],
  // POLICY (src/dsig/signed-info.ts): HMACOutputLength 80 is refused like every truncation.
  ['xmlsec/merlin-xmldsig-twenty-three/signature-enveloping-hmac-sha1-40.xml', 'secret', 'HMAC_TRUNCATED'],
  ['xmlsec/aleksey-xmldsig-01/enveloping-sha1-hmac-sha1-64.xml', 'secret', 'HMAC_TRUNCATED'],
  ['xmlsec/aleksey-xmldsig-01/enveloping-sha256-hmac-sha256-64.xml', 'secret', 'HMAC_TRUNCATED'],
  // HMAC-SHA512 is outside the allow-list: refused as unsupported, with the typed error.
  ['xmlsec/xmldsig11-interop-2012/signature-enveloping-hmac-sha512.xml', 'testkey', 'ALGORITHM_NOT_ALLOWED'],
];
for (const [file, key, code] of refused) {
  test(`xmlsec vector refused (${code}): ${file}`, () => {
    assertRefused(() => verifySignature(vector(file), { key: hmac(utf8(key)) }), SignatureError, code);
  });
}

test('xml-crypto hmac_signature.xml verifies with hmac.key, fails with hmac-foobar.key', () => {
  const doc = vector('xml-crypto/hmac_signature.xml');
  const r = verifySignature(doc, { key: hmac(vector('xml-crypto/hmac.key')), keepCanonical: true });
  assert.deepEqual(r.ids, ['']);
  assert.equal(r.references[0]!.element, null);
  assert.deepEqual(r.references[0]!.transforms, ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#']);
  assert.equal(text(r.references[0]!.canonical!), '<test:Root xmlns:test="urn:test"></test:Root>');
  assertRefused(() => verifySignature(doc, { key: hmac(vector('xml-crypto/hmac-foobar.key')) }), SignatureError, 'SIGNATURE_MISMATCH');
});

for (const [file, digest] of [
  ['wcf/app-request.xml', 'Ez9dbXPzjM7hrzmienuYWiT3QDE='],
  ['wcf/cancel-request.xml', '3Mt6VCsGhHlkMnsrDBTWGQSUX/o='],
] as const) {
  test(`WCF capture ${file} verifies with the SCT key and fails when the Timestamp changes`, () => {
    const doc = vector(file);
    const r = verifySignature(doc, { key: hmac(SCT_KEY) });
    assert.deepEqual(r.ids, ['_0']);
    const ref = r.references[0]!;
    assert.equal(ref.element?.local, 'Timestamp');
    assert.equal(Buffer.from(ref.digest).toString('base64'), digest);
    assert.match(text(doc.subarray(ref.byteStart, ref.byteEnd)), /^<u:Timestamp u:Id="_0">.*<\/u:Timestamp>$/);
    // One byte of the signed Created value.
    const at = text(doc).indexOf('<u:Created>') + '<u:Created>'.length + 3;
    const tampered = doc.slice();
    tampered[at] = tampered[at] === 0x34 ? 0x35 : 0x34;
    assertRefused(() => verifySignature(tampered, { key: hmac(SCT_KEY) }), SignatureError, 'DIGEST_MISMATCH');
    const wrongKey = SCT_KEY.slice();
    wrongKey[0]! ^= 1;
    assertRefused(() => verifySignature(doc, { key: hmac(wrongKey) }), SignatureError, 'SIGNATURE_MISMATCH');
  });
}

const feide = { kind: 'rsa' as const, publicKey: text(vector('xml-crypto/feide_public.pem')) };
const parentIs = (local: string) => (_sig: unknown, parent: { local: string } | null) => parent?.local === local;

test('xml-crypto valid_saml.xml (positive control) verifies both signatures with the trusted certificate', () => {
  const doc = vector('xml-crypto/valid_saml.xml');
  assert.deepEqual(verifySignature(doc, { key: feide, signature: parentIs('Response') }).ids, ['pfx94e4a319-b6f7-4a40-25d1-01fcb642e4c5']);
  assert.deepEqual(verifySignature(doc, { key: feide, signature: parentIs('Assertion') }).ids, ['pfx66496e6c-3c29-230d-6d47-b245434b872d']);
  // Without a selection the two signatures are ambiguous.
  assertRefused(() => verifySignature(doc, { key: feide }), SignatureError, 'SIGNATURE_STRUCTURE');
});

const attacks: [string, string, typeof SignatureError | typeof C14nError, string][] = [
  ['saml_multiple_signed_info_nodes.xml', 'Assertion', SignatureError, 'SIGNATURE_STRUCTURE'],
  ['saml_wrapped_signed_info_node.xml', 'Assertion', SignatureError, 'SIGNATURE_STRUCTURE'],
  ['invalid_saml_no_signed_info.xml', 'Response', SignatureError, 'SIGNATURE_STRUCTURE'],
  ['valid_saml_with_digest_comment.xml', 'Assertion', SignatureError, 'SIGNATURE_STRUCTURE'],
  ['valid_saml_signature_wrapping.xml', 'Assertion', C14nError, 'DUPLICATE_ID'],
  ['id_with_quotes.xml', 'Assertion', SignatureError, 'REFERENCE_URI'],
];
for (const [file, parent, cls, code] of attacks) {
  test(`xml-crypto attack file refused (${code}): ${file}`, () => {
    const doc = vector(`xml-crypto/${file}`);
    assertRefused(() => verifySignature(doc, { key: feide, signature: parentIs(parent) }), cls, code);
  });
}

for (const file of ['signature_with_inclusivenamespaces.xml', 'signature_with_inclusivenamespaces_lines.xml', 'signature_with_inclusivenamespaces_lines_windows.xml']) {
  test(`xml-crypto ${file} (PrefixList xs, LF and CRLF) verifies with its certificate`, () => {
    const key = { kind: 'rsa' as const, publicKey: text(vector('xml-crypto/signature_with_inclusivenamespaces.pem')) };
    const r = verifySignature(vector(`xml-crypto/${file}`), { key });
    assert.deepEqual(r.ids, ['id8132302868541019755414121']);
    assertRefused(() => verifySignature(vector(`xml-crypto/${file}`), { key: feide }), SignatureError, 'SIGNATURE_MISMATCH');
  });
}
