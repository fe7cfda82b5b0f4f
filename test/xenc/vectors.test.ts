// The xmlsec XML Encryption vectors of ../shared/vectors/README.md (aleksey-xmlenc-01, merlin-xmlenc-five).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XmlError } from '../../src/errors.js';
import { decryptXml } from '../../src/xenc/index.js';
import { hex, readVector } from '../helpers/vectors.js';
import { assertDecryptionFailed, assertRefused, c14n, text, utf8 } from './helpers.js';

const ALEKSEY: [string, string][] = [
  ['aes128', 'd177f2dc44be15bbff39f5ae4072af3c'],
  ['aes192', '964f43c80d3bc4bfe6e397d46fbcdb2e8cb773484b870f34'],
  ['aes256', '7e908f40b08c642c3d5a2a47f2493527be42a988160616c90cc14f8944b48731'],
];

for (const [alg, key] of ALEKSEY) {
  test(`aleksey-xmlenc-01/enc-${alg}cbc-keyname.xml decrypts to its .data bytes`, () => {
    const r = decryptXml(readVector(`xmlsec/aleksey-xmlenc-01/enc-${alg}cbc-keyname.xml`), { key: hex(key) });
    assert.deepEqual(r.document, readVector(`xmlsec/aleksey-xmlenc-01/enc-${alg}cbc-keyname.data`));
    assert.equal(r.decrypted.length, 1);
    assert.equal(r.decrypted[0]!.type, 'octets');
    assert.equal(r.decrypted[0]!.algorithm, `${alg}-cbc`);
  });

  test(`aleksey-xmlenc-01/enc-${alg}cbc-keyname.xml: a key of the right size but wrong value fails opaquely`, () => {
    const wrong = hex(key);
    wrong[0]! ^= 1;
    assertDecryptionFailed(() => decryptXml(readVector(`xmlsec/aleksey-xmlenc-01/enc-${alg}cbc-keyname.xml`), { key: wrong }));
  });
}

test('the resolver sees the KeyName of the aleksey vectors and picks the key by it', () => {
  const keys = new Map(ALEKSEY.map(([alg, k]) => [`test-${alg}`, hex(k)]));
  for (const [alg] of ALEKSEY) {
    const seen: (string | undefined)[] = [];
    const r = decryptXml(readVector(`xmlsec/aleksey-xmlenc-01/enc-${alg}cbc-keyname.xml`), {
      key: (info) => {
        seen.push(info.keyInfo?.keyName);
        return keys.get(info.keyInfo?.keyName ?? '');
      },
    });
    assert.deepEqual(seen, [`test-${alg}`]);
    assert.equal(text(r.document), `AES ${alg.slice(3)} test`);
  }
});

test('merlin-xmlenc-five/encrypt-data-aes128-cbc.xml decrypts to its .data bytes', () => {
  const r = decryptXml(readVector('xmlsec/merlin-xmlenc-five/encrypt-data-aes128-cbc.xml'), { key: utf8('abcdefghijklmnop') });
  assert.deepEqual(r.document, readVector('xmlsec/merlin-xmlenc-five/encrypt-data-aes128-cbc.data'));
});

test('merlin-xmlenc-five/encrypt-content-aes256-cbc-prop.xml is refused for its internal DTD; without it, it decrypts', () => {
  const input = readVector('xmlsec/merlin-xmlenc-five/encrypt-content-aes256-cbc-prop.xml');
  const key = utf8('abcdefghijklmnopqrstuvwxyz012345');
  assertRefused(() => decryptXml(input, { key }), XmlError, 'XML_DTD');
  const withoutDtd = (s: string): string => s.replace(/<!DOCTYPE test \[\n<!ATTLIST PaymentInfo Id ID #IMPLIED>\n\]>\n/, '');
  const stripped = withoutDtd(text(input));
  assert.ok(!stripped.includes('DOCTYPE'));
  const r = decryptXml(utf8(stripped), { key });
  assert.deepEqual(r.decrypted.map((d) => [d.id, d.type]), [['encrypt-data-0', 'content']]);
  // xmlsec1 re-serializes what it writes (`<Expires …/>` for the plaintext's `<Expires … />`); the infosets agree.
  const expected = withoutDtd(text(readVector('xmlsec/merlin-xmlenc-five/encrypt-content-aes256-cbc-prop.data')));
  assert.equal(c14n(r.document), c14n(expected));
  // Bytes outside the EncryptedData are the input's, byte for byte.
  const at = stripped.indexOf('<EncryptedData');
  assert.equal(text(r.document).slice(0, at), stripped.slice(0, at));
  assert.ok(text(r.document).includes('<Number>1234 567890 12345</Number>'));
});
