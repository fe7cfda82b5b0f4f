// XML Encryption 1.0 §4.1/§4.2 round trips in SOAP 1.1 and 1.2 envelopes, namespace context, and the typed refusals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { C14nError, EncryptionError, XmlError } from '../../src/errors.js';
import { buildEncryptedData, buildReferenceList, decryptXml, encryptXml, readReferenceLists, TYPE_CONTENT, TYPE_ELEMENT } from '../../src/xenc/index.js';
import { assertDecryptionFailed, assertRefused, envelope, SOAP11, SOAP12, text, utf8 } from './helpers.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
const KEY16 = KEY.subarray(0, 16);
const KEY24 = KEY.subarray(0, 24);

for (const [name, soap] of [['1.1', SOAP11], ['1.2', SOAP12]] as const) {
  describe(`SOAP ${name}`, () => {
    const doc = utf8(envelope(soap));
    for (const key of [KEY16, KEY24, KEY]) {
      test(`Body content, AES-${key.length * 8}: exact bytes back, EncryptedData the only child of Body`, () => {
        const enc = encryptXml(doc, { key, target: { id: '_1' }, content: true, id: 'ED-1' });
        const s = text(enc);
        assert.ok(!s.includes('secret') && !s.includes('Echo'));
        assert.match(s, /<s:Body u:Id="_1"><xenc:EncryptedData xmlns:xenc="http:\/\/www\.w3\.org\/2001\/04\/xmlenc#" Id="ED-1" Type="http:\/\/www\.w3\.org\/2001\/04\/xmlenc#Content">/);
        assert.match(s, /<\/xenc:EncryptedData><\/s:Body><\/s:Envelope>$/);
        const d = decryptXml(enc, { key });
        assert.deepEqual(d.document, doc);
        assert.equal(d.decrypted.length, 1);
        const item = d.decrypted[0]!;
        assert.deepEqual([item.id, item.type, item.algorithm], ['ED-1', 'content', `aes${key.length * 8}-cbc`]);
        assert.equal(text(d.document.subarray(item.byteStart, item.byteEnd)), text(doc).match(/<s:Body u:Id="_1">(.*)<\/s:Body>/)![1]);
      });

      test(`Body child element, AES-${key.length * 8}: the prefixes declared on Envelope are in scope again`, () => {
        const enc = encryptXml(doc, { key, target: { select: (el) => el.local === 'Echo' } });
        assert.match(text(enc), /<s:Body u:Id="_1"><xenc:EncryptedData [^>]*Type="http:\/\/www\.w3\.org\/2001\/04\/xmlenc#Element">/);
        assert.deepEqual(decryptXml(enc, { key }).document, doc);
      });
    }

    test('the Body element itself (Type Element) and the whole Header content, in one document', () => {
      const one = encryptXml(doc, { key: KEY, target: { select: (el) => el.local === 'Header' }, content: true, id: 'h' });
      const two = encryptXml(one, { key: KEY, target: { id: '_1' }, id: 'b' });
      assert.ok(!text(two).includes('urn:to') && !text(two).includes('Body'));
      const d = decryptXml(two, { key: KEY });
      assert.deepEqual(d.document, doc);
      assert.deepEqual(d.decrypted.map((x) => [x.id, x.type]), [['h', 'content'], ['b', 'element']]);
    });
  });
}

describe('namespace context of the decrypted fragment', () => {
  test('a plaintext that uses a prefix the parent does not have in scope is refused opaquely', () => {
    // Encrypt under one context, then move the EncryptedData to a parent without `m:`.
    const enc = text(encryptXml(utf8(envelope(SOAP12)), { key: KEY, target: { select: (el) => el.local === 'Echo' } }));
    const ed = enc.match(/<xenc:EncryptedData[\s\S]*<\/xenc:EncryptedData>/)![0];
    assertDecryptionFailed(() => decryptXml(utf8(`<root xmlns:t="urn:text">${ed}</root>`), { key: KEY }));
    // With `m:` and `t:` bound in the new parent it is fine (the bytes do not carry their context).
    const ok = decryptXml(utf8(`<root xmlns:m="urn:other" xmlns:t="urn:text">${ed}</root>`), { key: KEY });
    assert.match(text(ok.document), /^<root xmlns:m="urn:other" xmlns:t="urn:text"><m:Echo xmlns="urn:default"/);
  });

  test('declarations on the EncryptedData itself do not leak into the plaintext context', () => {
    const ed = buildEncryptedData(utf8('<p:x/>'), TYPE_ELEMENT, { key: KEY, prefix: 'p' });
    assertDecryptionFailed(() => decryptXml(utf8(`<root>${ed}</root>`), { key: KEY }));
    assert.equal(text(decryptXml(utf8(`<root xmlns:p="urn:p">${ed}</root>`), { key: KEY }).document), '<root xmlns:p="urn:p"><p:x/></root>');
  });

  test('the default namespace of the parent applies to unprefixed plaintext, and a redeclared one is undone', () => {
    const doc = utf8('<a xmlns="urn:a"><b xmlns="urn:b"><c>1</c></b><d/></a>');
    const enc = encryptXml(doc, { key: KEY, target: { select: (el) => el.local === 'b' }, content: true });
    assert.deepEqual(decryptXml(enc, { key: KEY }).document, doc);
  });

  for (const [label, plaintext, type] of [
    ['two elements for Type Element', '<a/><b/>', TYPE_ELEMENT],
    ['text beside the element for Type Element', 'x<a/>', TYPE_ELEMENT],
    ['a comment beside the element for Type Element', '<a/><!--c-->', TYPE_ELEMENT],
    ['no element for Type Element', '   ', TYPE_ELEMENT],
    ['an unclosed tag', '<a>', TYPE_CONTENT],
    ['a stray end tag that would close the parent', '</parent><evil/><parent>', TYPE_CONTENT],
    ['an end tag of the fragment wrapper', 'x</_>', TYPE_CONTENT],
    ['an XML declaration', '<?xml version="1.0"?><a/>', TYPE_ELEMENT],
    ['a DOCTYPE', '<!DOCTYPE a><a/>', TYPE_ELEMENT],
    ['an undeclared entity', '<a>&ent;</a>', TYPE_CONTENT],
    ['invalid UTF-8', '\u0000', TYPE_CONTENT],
  ] as const) {
    test(`plaintext with ${label} is the one DecryptionError`, () => {
      const pt = label === 'invalid UTF-8' ? Uint8Array.of(0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e) : utf8(plaintext);
      const ed = buildEncryptedData(pt, type, { key: KEY });
      assertDecryptionFailed(() => decryptXml(utf8(`<parent>${ed}</parent>`), { key: KEY }));
    });
  }

  test('Content plaintext may be text, comments, PIs and several elements', () => {
    const ed = buildEncryptedData(utf8('a<!--c--><?p d?><x/><y>&amp;</y>'), TYPE_CONTENT, { key: KEY });
    assert.equal(text(decryptXml(utf8(`<parent>${ed}</parent>`), { key: KEY }).document), '<parent>a<!--c--><?p d?><x/><y>&amp;</y></parent>');
  });

  test('a document-element EncryptedData of Type Element becomes the document element', () => {
    const ed = buildEncryptedData(utf8('<r xmlns="urn:r"><c/></r>'), TYPE_ELEMENT, { key: KEY });
    assert.equal(text(decryptXml(utf8(`<?xml version="1.0"?>\n${ed}`), { key: KEY }).document), '<?xml version="1.0"?>\n<r xmlns="urn:r"><c/></r>');
  });
});

describe('selection: all, by Id, ReferenceList', () => {
  const doc = utf8(envelope(SOAP12, '<m:A u:Id="a">1</m:A><m:B u:Id="b">2</m:B><m:C u:Id="c">3</m:C>'));
  const enc = [['a', 'EA'], ['b', 'EB'], ['c', 'EC']].reduce((d, [id, ed]) => encryptXml(d, { key: KEY, target: { id: id! }, id: ed! }), doc);

  test('all of them by default, in document order', () => {
    const d = decryptXml(enc, { key: KEY });
    assert.deepEqual(d.document, doc);
    assert.deepEqual(d.decrypted.map((x) => x.id), ['EA', 'EB', 'EC']);
  });

  test('only the Ids asked for; the others stay encrypted', () => {
    const d = decryptXml(enc, { key: KEY, ids: ['EC', 'EA'] });
    const s = text(d.document);
    assert.ok(s.includes('<m:A u:Id="a">1</m:A>') && s.includes('<m:C u:Id="c">3</m:C>'));
    assert.ok(s.includes('Id="EB"') && !s.includes('<m:B'));
    assert.deepEqual(d.decrypted.map((x) => x.id), ['EA', 'EC']);
  });

  test('a ReferenceList built, placed in the header, read back and used', () => {
    const list = buildReferenceList(['EB', 'EC']);
    assert.equal(list, '<xenc:ReferenceList xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:DataReference URI="#EB"/><xenc:DataReference URI="#EC"/></xenc:ReferenceList>');
    const withList = utf8(text(enc).replace('<s:Header>', `<s:Header>${list}`));
    const lists = readReferenceLists(withList);
    assert.equal(lists.length, 1);
    assert.deepEqual(lists[0]!.ids, ['EB', 'EC']);
    assert.equal(lists[0]!.encryptedKeyId, null);
    const d = decryptXml(withList, { key: KEY, ids: lists[0]!.ids });
    assert.deepEqual(d.decrypted.map((x) => x.id), ['EB', 'EC']);
  });

  test('an Id that names no EncryptedData, or a non-EncryptedData element, is refused', () => {
    assertRefused(() => decryptXml(enc, { key: KEY, ids: ['nope'] }), EncryptionError, 'REFERENCE_UNRESOLVED');
    assertRefused(() => decryptXml(enc, { key: KEY, ids: ['_1'] }), EncryptionError, 'REFERENCE_UNRESOLVED');
  });

  test('a duplicated Id anywhere in the document is refused (wrapping)', () => {
    const dup = utf8(text(enc).replace('<s:Header>', '<s:Header><x Id="EB"/>'));
    assertRefused(() => decryptXml(dup, { key: KEY, ids: ['EB'] }), C14nError, 'DUPLICATE_ID');
  });

  test('ReferenceList entries other than #NCName DataReferences are refused', () => {
    for (const bad of ['<xenc:DataReference URI="EB"/>', '<xenc:DataReference URI="#a b"/>', '<xenc:DataReference URI="http://x/#EB"/>', '<xenc:KeyReference URI="#k"/>']) {
      const list = `<xenc:ReferenceList xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">${bad}</xenc:ReferenceList>`;
      assertRefused(() => readReferenceLists(utf8(list)), EncryptionError, 'REFERENCE_URI');
    }
    assertRefused(() => buildReferenceList(['#EB']), EncryptionError, 'REFERENCE_URI');
  });
});

describe('refusals with typed errors', () => {
  const ed = (method: string, extra = ''): string =>
    `<p xmlns:x="http://www.w3.org/2001/04/xmlenc#"><x:EncryptedData Type="${TYPE_CONTENT}">${method}${extra}<x:CipherData><x:CipherValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</x:CipherValue></x:CipherData></x:EncryptedData></p>`;
  const method = (alg: string): string => `<x:EncryptionMethod Algorithm="${alg}"/>`;

  for (const alg of [
    'http://www.w3.org/2001/04/xmlenc#tripledes-cbc',
    'http://www.w3.org/2009/xmlenc11#aes128-gcm',
    'http://www.w3.org/2001/04/xmlenc#kw-aes128',
    'http://www.w3.org/2001/04/xmlenc#aes128-cbc ',
    '',
  ]) {
    test(`EncryptionMethod ${JSON.stringify(alg)} → ALGORITHM_NOT_SUPPORTED`, () => {
      assertRefused(() => decryptXml(utf8(ed(method(alg))), { key: KEY16 }), EncryptionError, 'ALGORITHM_NOT_SUPPORTED');
    });
  }

  test('one unsupported EncryptedData among good ones fails the whole document (no silent pass-through)', () => {
    const good = buildEncryptedData(utf8('<ok/>'), TYPE_ELEMENT, { key: KEY16, id: 'good' });
    const doc = utf8(ed(method('http://www.w3.org/2001/04/xmlenc#tripledes-cbc')).replace('<p ', `<p>${good}<q `).replace('</p>', '</q></p>'));
    assertRefused(() => decryptXml(doc, { key: KEY16 }), EncryptionError, 'ALGORITHM_NOT_SUPPORTED');
    // Asking for only the good one leaves the other in place.
    const d = decryptXml(doc, { key: KEY16, ids: ['good'] });
    assert.ok(text(d.document).startsWith('<p><ok/><q '));
  });

  test('structure: no EncryptionMethod, CipherReference, extra children, non-text CipherValue', () => {
    const aes = method('http://www.w3.org/2001/04/xmlenc#aes128-cbc');
    const cases = [
      ed(''),
      ed(aes).replace(/<x:CipherValue>.*<\/x:CipherValue>/, '<x:CipherReference URI="http://example/c"/>'),
      ed(aes, '<x:Bogus/>'),
      ed(aes).replace('<x:CipherValue>AAAA', '<x:CipherValue><!--c-->AAAA'),
      ed(aes).replace('<x:CipherValue>AAAA', '<x:CipherValue><b/>AAAA'),
      ed(`<x:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"><x:KeySize>128</x:KeySize></x:EncryptionMethod>`),
      ed(aes).replace('<x:CipherData>', 'text<x:CipherData>'),
      ed(aes).replace('<x:EncryptedData ', '<x:EncryptedData Id="not an ncname" '),
    ];
    for (const c of cases) assertRefused(() => decryptXml(utf8(c), { key: KEY16 }), EncryptionError, 'ENCRYPTED_DATA_STRUCTURE');
  });

  test('an EncryptedData without an XML Type inside a document → UNSUPPORTED_TYPE', () => {
    for (const type of [undefined, 'http://www.w3.org/2001/04/xmlenc#EncryptedKey', 'urn:other']) {
      const e = buildEncryptedData(utf8('<a/>'), type, { key: KEY16 });
      assertRefused(() => decryptXml(utf8(`<p>${e}</p>`), { key: KEY16 }), EncryptionError, 'UNSUPPORTED_TYPE');
    }
  });

  test('no EncryptedData → NOT_FOUND; a resolver without a key → KEY_UNRESOLVED unless skipped', () => {
    assertRefused(() => decryptXml(utf8(envelope(SOAP12)), { key: KEY }), EncryptionError, 'NOT_FOUND');
    const two = utf8(`<p>${buildEncryptedData(utf8('<a/>'), TYPE_ELEMENT, { key: KEY16, id: 'e1' })}${buildEncryptedData(utf8('<b/>'), TYPE_ELEMENT, { key: KEY, id: 'e2' })}</p>`);
    const resolver = (info: { algorithm: string }) => (info.algorithm === 'aes128-cbc' ? KEY16 : undefined);
    assertRefused(() => decryptXml(two, { key: resolver }), EncryptionError, 'KEY_UNRESOLVED');
    const d = decryptXml(two, { key: resolver, skipUnresolved: true });
    assert.ok(text(d.document).startsWith('<p><a/><xenc:EncryptedData'));
    assertRefused(() => decryptXml(two, { key: () => undefined, skipUnresolved: true }), EncryptionError, 'KEY_UNRESOLVED');
  });

  test('the input document is refused as the XML layer refuses it', () => {
    const e = buildEncryptedData(utf8('<a/>'), TYPE_ELEMENT, { key: KEY16 });
    assertRefused(() => decryptXml(utf8(`<!DOCTYPE p><p>${e}</p>`), { key: KEY16 }), XmlError, 'XML_DTD');
    assertRefused(() => decryptXml(utf8(`<p>${e}</p><q/>`), { key: KEY16 }), XmlError, 'XML_MALFORMED');
  });

  test('encryption: bad keys, algorithms, Ids, prefixes and targets', () => {
    const doc = utf8(envelope(SOAP12));
    assertRefused(() => encryptXml(doc, { key: new Uint8Array(20), target: { id: '_1' } }), EncryptionError, 'KEY_UNUSABLE');
    assertRefused(() => encryptXml(doc, { key: KEY16, algorithm: 'aes256-cbc', target: { id: '_1' } }), EncryptionError, 'KEY_UNUSABLE');
    assertRefused(() => encryptXml(doc, { key: KEY16, algorithm: 'des-cbc' as never, target: { id: '_1' } }), EncryptionError, 'ALGORITHM_NOT_SUPPORTED');
    assertRefused(() => encryptXml(doc, { key: KEY16, target: { id: 'missing' } }), EncryptionError, 'NOT_FOUND');
    assertRefused(() => encryptXml(doc, { key: KEY16, target: { select: () => false } }), EncryptionError, 'NOT_FOUND');
    assertRefused(() => encryptXml(doc, { key: KEY16, target: { id: '_1' }, id: '_1' }), EncryptionError, 'DUPLICATE_ID');
    assertRefused(() => encryptXml(doc, { key: KEY16, target: { id: '_1' }, id: '1x' }), EncryptionError, 'ENCRYPTED_DATA_STRUCTURE');
    assertRefused(() => encryptXml(doc, { key: KEY16, target: { id: '_1' }, prefix: 'a:b' }), EncryptionError, 'ENCRYPTED_DATA_STRUCTURE');
    assertRefused(() => encryptXml(doc, { key: KEY16, target: { id: '_1' }, prefix: 'xmlns' }), EncryptionError, 'ENCRYPTED_DATA_STRUCTURE');
  });
});

describe('encryption details', () => {
  test('a fresh IV every time: the same plaintext never gives the same CipherValue', () => {
    const doc = utf8(envelope(SOAP12));
    const values = new Set<string>();
    for (let i = 0; i < 50; i++) values.add(text(encryptXml(doc, { key: KEY, target: { id: '_1' }, content: true })).match(/<xenc:CipherValue>(.*)<\/xenc:CipherValue>/)![1]!);
    assert.equal(values.size, 50);
  });

  test('the IV comes from the provider, and CipherValue is base64(IV ‖ AES-CBC ciphertext)', async () => {
    const { createDecipheriv } = await import('node:crypto');
    const { auto } = await import('../../src/crypto/index.js');
    const iv = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);
    const provider = { ...auto, randomBytes: (n: number) => (assert.equal(n, 16), iv.slice()) };
    const doc = utf8('<a><b>payload</b></a>');
    const enc = text(encryptXml(doc, { key: KEY, target: { select: (el) => el.local === 'b' }, provider }));
    const bytes = Buffer.from(enc.match(/<xenc:CipherValue>(.*)<\/xenc:CipherValue>/)![1]!, 'base64');
    assert.deepEqual(new Uint8Array(bytes.subarray(0, 16)), iv);
    const d = createDecipheriv('aes-256-cbc', KEY, iv);
    assert.equal(Buffer.concat([d.update(bytes.subarray(16)), d.final()]).toString(), '<b>payload</b>');
  });

  test('an empty-element target gets an end tag around its encrypted (empty) content', () => {
    const doc = utf8('<a><b  x="1" /></a>');
    const enc = text(encryptXml(doc, { key: KEY, target: { select: (el) => el.local === 'b' }, content: true }));
    assert.match(enc, /^<a><b {2}x="1" ><xenc:EncryptedData .*<\/xenc:EncryptedData><\/b><\/a>$/);
    assert.equal(text(decryptXml(utf8(enc), { key: KEY }).document), '<a><b  x="1" ></b></a>');
  });

  test('the KeyInfo fragment is written inside a ds:KeyInfo and reported to the resolver', () => {
    const str = '<o:SecurityTokenReference xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><o:Reference URI="#_dk1"/></o:SecurityTokenReference>';
    const enc = encryptXml(utf8(envelope(SOAP12)), { key: KEY, target: { id: '_1' }, content: true, keyInfo: str, id: 'ED' });
    assert.ok(text(enc).includes(`<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">${str}</KeyInfo>`));
    const seen: string[] = [];
    decryptXml(enc, { key: (info) => (seen.push(...info.keyInfo!.referenceUris, info.id!), KEY) });
    assert.deepEqual(seen, ['#_dk1', 'ED']);
  });

  test('bytes outside the encrypted range are copied unchanged (no re-serialization)', () => {
    const doc = utf8(`<?xml version='1.0'?>\n<!-- c --><a  b = 'x' >\r\n<c/><d>&#x41;</d>\n</a>\n`);
    const enc = encryptXml(doc, { key: KEY, target: { select: (el) => el.local === 'c' } });
    const s = text(enc);
    assert.ok(s.startsWith(`<?xml version='1.0'?>\n<!-- c --><a  b = 'x' >\r\n<xenc:EncryptedData`));
    assert.ok(s.endsWith(`</xenc:EncryptedData><d>&#x41;</d>\n</a>\n`));
    assert.deepEqual(decryptXml(enc, { key: KEY }).document, doc);
  });
});
