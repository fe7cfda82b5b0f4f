// Published c14n and digest vectors: Santuario (C14N/Exc-C14N expected files), xmlsec merlin-exc-c14n-one, a WCF capture.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { canonicalize, digestReferences } from '../../src/c14n/index.js';
import { nodeProvider } from '../../src/crypto/index.js';
import type { XmlElement } from '../../src/xml/events.js';

const VECTORS = resolve(process.cwd(), '../shared/vectors');
const read = (path: string): Uint8Array => readFileSync(resolve(VECTORS, path));
const byName = (name: string) => (el: XmlElement): boolean => el.name === name;
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const enc = new TextEncoder();

function assertBytes(actual: Uint8Array, expected: Uint8Array): void {
  const dec = new TextDecoder();
  assert.equal(dec.decode(actual), dec.decode(expected));
  assert.equal(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), 0);
}

const santuario: [string, string, Parameters<typeof canonicalize>[1]][] = [
  ['inExcl/example2_2_1.xml', 'inExcl/example2_2_c14nized_exclusive.xml', { select: byName('n1:elem2') }],
  ['inExcl/example2_2_2.xml', 'inExcl/example2_2_c14nized_exclusive.xml', { select: byName('n1:elem2') }],
  ['inExcl/example2_2_3.xml', 'inExcl/example2_2_3_c14nized_exclusive.xml', { select: byName('p') }],
  ['inExcl/example2_4.xml', 'inExcl/example2_4_c14nized.xml', { select: byName('etsi:elem2') }],
  ['inExcl/plain-soap-1.1.xml', 'inExcl/plain-soap-c14nized.xml', { select: byName('env:Body'), withComments: true }],
  // The inclusive outputs of the same inputs: ancestor namespaces and xml:* attributes are imported.
  ['inExcl/example2_2_1.xml', 'inExcl/example2_2_1_c14nized.xml', { select: byName('n1:elem2'), method: 'inclusive' }],
  ['inExcl/example2_2_2.xml', 'inExcl/example2_2_2_c14nized.xml', { select: byName('n1:elem2'), method: 'inclusive' }],
  ['in/32_input.xml', 'in/32_c14n.xml', { method: 'inclusive' }],
];

for (const [input, expected, options] of santuario) {
  test(`santuario ${input} → ${expected} (${options?.method ?? 'exclusive'}${options?.withComments ? ', with comments' : ''})`, () => {
    assertBytes(canonicalize(read(`santuario/${input}`), options), read(`santuario/${expected}`));
  });
}

test('santuario in/36_input.xml (ISO-8859-1) is refused: non-UTF-8 input is not decoded', () => {
  assert.throws(() => canonicalize(read('santuario/in/36_input.xml'), { method: 'inclusive' }), { name: 'XmlError', code: 'XML_ENCODING' });
});

test('xmlsec merlin-exc-c14n-one: the four reference digests (PrefixList "bar #default", with and without comments)', () => {
  const doc = read('xmlsec/merlin-exc-c14n-one/exc-signature.xml');
  // SPEC: the URIs are #xpointer(id('to-be-signed')), which keep comments under #WithComments (XMLDSig §4.4.3.3).
  const results = digestReferences(
    doc,
    [
      { id: 'to-be-signed', alg: 'sha1' },
      { id: 'to-be-signed', alg: 'sha1', prefixList: 'bar #default' },
      { id: 'to-be-signed', alg: 'sha1', withComments: true },
      { id: 'to-be-signed', alg: 'sha1', prefixList: 'bar #default', withComments: true },
    ],
    { provider: nodeProvider() },
  );
  assert.deepEqual(results.map((r) => b64(r.digest)), [
    '7yOTjUu+9oEhShgyIIXDLjQ08aY=',
    '09xMy0RTQM1Q91demYe/0F6AGXo=',
    'ZQH+SkCN8c5y0feAr+aRTZDwyvY=',
    'a1cTqBgbqpUt6bMJN4C6zFtnoyo=',
  ]);
  // The reported byte range is exactly the dsig:Object element of the input.
  const text = new TextDecoder().decode(doc.subarray(results[0]!.byteStart, results[0]!.byteEnd));
  assert.match(text, /^<dsig:Object Id="to-be-signed">[\s\S]*<\/dsig:Object>$/);
  assert.equal(results[0]!.name, 'dsig:Object');
});

for (const [file, digest] of [['app-request.xml', 'Ez9dbXPzjM7hrzmienuYWiT3QDE='], ['cancel-request.xml', '3Mt6VCsGhHlkMnsrDBTWGQSUX/o=']] as const) {
  test(`wcf ${file}: the Timestamp digest of the capture (default provider and node:crypto)`, () => {
    const [viaAuto] = digestReferences(read(`wcf/${file}`), [{ id: '_0', alg: 'sha1' }]);
    assert.equal(b64(viaAuto!.digest), digest);
    const [viaNode] = digestReferences(read(`wcf/${file}`), [{ id: '_0', alg: 'sha1' }], { provider: nodeProvider() });
    assert.equal(b64(viaNode!.digest), digest);
  });
}

// The RST of the capture is not in the vectors (its certificate was truncated); the README gives the a:To header's
// canonical form and digest and the Timestamp's values. The envelope below places them as WCF does (namespaces on
// s:Envelope), so only the canonical form is under test.
const RST_ENVELOPE = enc.encode(
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" ' +
    'xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header>' +
    '<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/02/trust/RST/SCT</a:Action>' +
    '<a:To s:mustUnderstand="1" u:Id="_1">https://localhost:60867/WSHttpWcfService/basichttp.svc</a:To>' +
    '<o:Security s:mustUnderstand="1" xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    '<u:Timestamp u:Id="_0"><u:Created>2024-02-14T02:05:51.482Z</u:Created><u:Expires>2024-02-14T02:10:51.482Z</u:Expires></u:Timestamp>' +
    '</o:Security></s:Header><s:Body/></s:Envelope>',
);

test('wcf RST: a:To canonicalizes to the form in the capture, with its SHA-1', () => {
  const expected =
    '<a:To xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope" ' +
    'xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" u:Id="_1" ' +
    's:mustUnderstand="1">https://localhost:60867/WSHttpWcfService/basichttp.svc</a:To>';
  assertBytes(canonicalize(RST_ENVELOPE, { id: '_1' }), enc.encode(expected));
  const [to, timestamp] = digestReferences(RST_ENVELOPE, [{ id: '_1', alg: 'sha1' }, { id: '_0', alg: 'sha1' }], { provider: nodeProvider() });
  assert.equal(b64(to!.digest), 'N83cBDD7qUhDg579CZ98aA8LplI=');
  assert.equal(b64(timestamp!.digest), 'jl957D9ajY2i6C98yyoX4tYsohU=');
});
