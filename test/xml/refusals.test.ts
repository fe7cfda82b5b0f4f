// The refusals of xml-security.md §1.5 item 1 and §4: each with its typed error, in one chunk and byte by byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalize, digestReferences } from '../../src/c14n/index.js';
import { nodeProvider } from '../../src/crypto/index.js';
import { C14nError, XmlError } from '../../src/errors.js';
import type { XmlHandler } from '../../src/xml/events.js';
import type { XmlLimits } from '../../src/xml/limits.js';
import { XmlParser } from '../../src/xml/parser.js';

const enc = new TextEncoder();
const bytes = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc.encode(s) : s);

/** Counts events; parses `input` in one chunk, then again byte by byte; both must throw XmlError `code`. */
function refuse(input: string | Uint8Array, code: string, limits?: Partial<XmlLimits>): void {
  const data = bytes(input);
  for (const chunked of [false, true]) {
    let events = 0;
    const handler: XmlHandler = {
      startElement: () => void events++,
      endElement: () => void events++,
      text: () => void events++,
      comment: () => void events++,
      processingInstruction: () => void events++,
    };
    const parser = new XmlParser(handler, limits === undefined ? {} : { limits });
    let error: unknown;
    try {
      if (chunked) for (let i = 0; i < data.length; i++) parser.write(data.subarray(i, i + 1));
      else parser.write(data);
      parser.end();
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof XmlError, `${chunked ? 'byte by byte' : 'one chunk'}: expected XmlError ${code}, got ${String(error)}`);
    assert.equal((error as XmlError).code, code, `${chunked ? 'byte by byte' : 'one chunk'}: ${(error as Error).message}`);
    // The first error is final: the parser keeps refusing and reports nothing more.
    const seen = events;
    assert.throws(() => parser.write(enc.encode('<more/>')), (e) => e === error);
    assert.throws(() => parser.end(), (e) => e === error);
    assert.equal(events, seen);
  }
}

test('DOCTYPE: plain, internal subset, billion laughs, external entity, after a comment', () => {
  refuse('<!DOCTYPE a><a/>', 'XML_DTD');
  refuse('<?xml version="1.0"?>\n<!DOCTYPE a [<!ATTLIST a b CDATA "default">]><a/>', 'XML_DTD');
  const laughs = ['<!ENTITY lol "lol">'];
  for (let i = 1; i < 10; i++) laughs.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  refuse(`<!DOCTYPE lolz [${laughs.join('')}]><lolz>&lol9;</lolz>`, 'XML_DTD');
  refuse('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', 'XML_DTD');
  refuse('<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>', 'XML_DTD');
  refuse('<!-- c --><!DOCTYPE a><a/>', 'XML_DTD');
});

test('DOCTYPE: nothing is reported past it even when the DTD is huge and arrives in one chunk', () => {
  refuse(`<!DOCTYPE a [${'<!-- padding -->'.repeat(10000)}]><a>${'x'.repeat(1000)}</a>`, 'XML_DTD');
});

test('well-formedness: two roots, unbound prefixes, duplicate attributes, < in attributes, undeclared entities', () => {
  refuse('<a/><b/>', 'XML_MALFORMED');
  refuse('<a></a>text', 'XML_MALFORMED');
  refuse('<p:a/>', 'XML_MALFORMED');
  refuse('<a p:b="1"/>', 'XML_MALFORMED');
  // QNames whose local part does not start a name (libxml2: "Failed to parse QName").
  refuse('<p:1 xmlns:p="urn:a"/>', 'XML_MALFORMED');
  refuse('<a xmlns:p="urn:a" p:-x="1"/>', 'XML_MALFORMED');
  refuse('<p:\u00b7a xmlns:p="urn:a"/>', 'XML_MALFORMED');
  refuse('<a b="1" b="2"/>', 'XML_MALFORMED');
  refuse('<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>', 'XML_MALFORMED');
  refuse('<a b="x<y"/>', 'XML_MALFORMED');
  refuse('<a>&e;</a>', 'XML_MALFORMED');
  refuse('<a>&#0;</a>', 'XML_MALFORMED');
  refuse('<a>]]></a>', 'XML_MALFORMED');
  refuse('<a><b></a></b>', 'XML_MALFORMED');
  refuse('<a>', 'XML_MALFORMED');
  refuse('', 'XML_MALFORMED');
  refuse('<a/><?xml version="1.0"?>', 'XML_MALFORMED');
  refuse('<a xmlns:xml="urn:not-xml"/>', 'XML_MALFORMED');
  refuse('<a xmlns:p=""/>', 'XML_MALFORMED');
  refuse('<a><?pi?x?></a>', 'XML_MALFORMED');
  refuse('<a>\u0001</a>', 'XML_MALFORMED');
});

test('namespace URIs: relative, padded and non-ASCII ones are refused', () => {
  refuse('<a xmlns:p="relative/path"/>', 'XML_NAMESPACE');
  refuse('<a xmlns="../up"/>', 'XML_NAMESPACE');
  refuse('<a xmlns="#frag"/>', 'XML_NAMESPACE');
  refuse('<a xmlns:p=" urn:x"/>', 'XML_NAMESPACE');
  refuse('<a xmlns:p="urn:é"/>', 'XML_NAMESPACE');
  refuse('<a xmlns:p="urn:a b"/>', 'XML_NAMESPACE');
});

test('encoding: invalid UTF-8 in each form, UTF-16, declared non-UTF-8, XML 1.1', () => {
  const doc = (middle: number[]): Uint8Array => new Uint8Array([...enc.encode('<a>'), ...middle, ...enc.encode('</a>')]);
  refuse(doc([0x80]), 'XML_ENCODING'); // lone continuation byte
  refuse(doc([0xc0, 0x80]), 'XML_ENCODING'); // overlong NUL
  refuse(doc([0xe0, 0x80, 0xaf]), 'XML_ENCODING'); // overlong '/'
  refuse(doc([0xed, 0xa0, 0x80]), 'XML_ENCODING'); // UTF-8-encoded surrogate
  refuse(doc([0xf4, 0x90, 0x80, 0x80]), 'XML_ENCODING'); // beyond U+10FFFF
  refuse(doc([0xc3]), 'XML_ENCODING'); // truncated inside the text
  refuse(doc([0xff]), 'XML_ENCODING');
  refuse(new Uint8Array([...enc.encode('<a/>'), 0xe2, 0x82]), 'XML_ENCODING'); // truncated at the end
  refuse(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e, 0x00]), 'XML_ENCODING');
  refuse(new Uint8Array([0xfe, 0xff, 0x00, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e]), 'XML_ENCODING');
  refuse('<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 'XML_ENCODING');
  refuse('<?xml version="1.0" encoding="UTF-16"?><a/>', 'XML_ENCODING');
  refuse('<?xml version="1.1"?><a/>', 'XML_VERSION');
});

test('limits: size, depth, attributes, names, text (also streamed), comments, attribute values', () => {
  refuse(`<a>${'x'.repeat(200)}</a>`, 'XML_LIMIT', { maxBytes: 100 });
  refuse(`${'<a>'.repeat(11)}${'</a>'.repeat(11)}`, 'XML_LIMIT', { maxDepth: 10 });
  refuse(`<a ${Array.from({ length: 11 }, (_, i) => `b${i}="1"`).join(' ')}/>`, 'XML_LIMIT', { maxAttributes: 10 });
  refuse(`<a xmlns:${'p'.repeat(6)}="urn:x" ${Array.from({ length: 10 }, (_, i) => `b${i}="1"`).join(' ')}/>`, 'XML_LIMIT', { maxAttributes: 10 });
  refuse(`<${'n'.repeat(65)}/>`, 'XML_LIMIT', { maxNameLength: 64 });
  refuse(`<a ${'n'.repeat(65)}="1"/>`, 'XML_LIMIT', { maxNameLength: 64 });
  refuse(`<a>${'x'.repeat(101)}</a>`, 'XML_LIMIT', { maxTextLength: 100 });
  refuse(`<a>${'x&amp;'.repeat(60)}</a>`, 'XML_LIMIT', { maxTextLength: 100 });
  refuse(`<a><![CDATA[${'x'.repeat(101)}]]></a>`, 'XML_LIMIT', { maxTextLength: 100 });
  refuse(`<a><!--${'x'.repeat(101)}--></a>`, 'XML_LIMIT', { maxTextLength: 100 });
  refuse(`<a b="${'x'.repeat(101)}"/>`, 'XML_LIMIT', { maxAttributeValueLength: 100 });
  // The same documents within the limits are accepted.
  assert.doesNotThrow(() => canonicalize(enc.encode(`<a>${'x'.repeat(100)}</a>`), { limits: { maxTextLength: 100 } }));
  assert.doesNotThrow(() => canonicalize(enc.encode(`${'<a>'.repeat(10)}${'</a>'.repeat(10)}`), { limits: { maxDepth: 10 } }));
});

test('default limits: depth 257 and a 1025-character name are refused', () => {
  refuse(`${'<a>'.repeat(257)}${'</a>'.repeat(257)}`, 'XML_LIMIT');
  refuse(`<${'n'.repeat(1025)}/>`, 'XML_LIMIT');
});

test('Ids: a duplicate (wsu:Id, Id, ID, xml:id in any mix) is a C14nError, also when not referenced', () => {
  const wsu = 'xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"';
  const provider = nodeProvider();
  for (const [first, second] of [['u:Id', 'u:Id'], ['u:Id', 'Id'], ['Id', 'ID'], ['ID', 'xml:id'], ['xml:id', 'u:Id']]) {
    const doc = enc.encode(`<r ${wsu}><a ${first}="x"/><b ${second}="x"/><c Id="y"/></r>`);
    assert.throws(() => digestReferences(doc, [{ id: 'x', alg: 'sha1' }], { provider }), { name: 'C14nError', code: 'DUPLICATE_ID' });
    assert.throws(() => digestReferences(doc, [{ id: 'y', alg: 'sha1' }], { provider }), { name: 'C14nError', code: 'DUPLICATE_ID' });
    assert.throws(() => canonicalize(doc, { id: 'y' }), { name: 'C14nError', code: 'DUPLICATE_ID' });
  }
  // An Id attribute in another namespace is not an Id.
  const other = enc.encode('<r xmlns:o="urn:o"><a o:Id="x"/><b Id="x"/></r>');
  assert.equal(digestReferences(other, [{ id: 'x', alg: 'sha1' }], { provider })[0]!.name, 'b');
});

test('Ids: an unknown Id is a C14nError ID_NOT_FOUND; bad options are C14nErrors', () => {
  const doc = enc.encode('<r Id="a"/>');
  assert.throws(() => canonicalize(doc, { id: 'b' }), { name: 'C14nError', code: 'ID_NOT_FOUND' });
  assert.throws(() => digestReferences(doc, [{ id: 'b', alg: 'sha1' }], { provider: nodeProvider() }), (e) => e instanceof C14nError && e.code === 'ID_NOT_FOUND');
  assert.throws(() => canonicalize(doc, { method: 'inclusive', prefixList: 'a' }), { name: 'C14nError', code: 'C14N_OPTION' });
  assert.throws(() => canonicalize(doc, { prefixList: 'a:b' }), { name: 'C14nError', code: 'C14N_PREFIX_LIST' });
});
