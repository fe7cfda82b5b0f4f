// Streaming invariance (ARCHITECTURE.md "split-point by split-point"): any chunking of the input gives the same c14n bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { canonicalize, digestReferences, type CanonicalizeOptions } from '../../src/c14n/index.js';
import { nodeProvider } from '../../src/crypto/index.js';
import { randomDocument, Rng } from './random-document.js';
import { splitAt } from '../helpers/split.js';

const enc = new TextEncoder();


function same(a: Uint8Array, b: Uint8Array, what: string): void {
  if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) {
    assert.fail(`${what}\n  one-shot: ${JSON.stringify(new TextDecoder().decode(b))}\n  chunked:  ${JSON.stringify(new TextDecoder().decode(a))}`);
  }
}

// Multi-byte characters (2, 3 and 4 bytes), CRLF and lone CR in text and attributes, a CDATA section, a comment,
// a PI and character references, so that splits fall inside each of them.
const HANDMADE = enc.encode(
  '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- é -->\r\n<r xmlns="urn:r" xmlns:p="urn:p" p:a="x\r\ny\rz&#13;é😀" b=\'"\'>' +
    'é名😀\r\n\r<![CDATA[<&>]]]]><![CDATA[>\r\n]]>&amp;&#x1F600;<p:c x="1"/><?pi  data\r\n?><!--c😀-->\r</r>\r\n<?after?>',
);

const OPTION_SETS: CanonicalizeOptions[] = [{ withComments: true }, { method: 'inclusive' }, { select: (el) => el.local === 'c' || el.depth === 2, prefixList: '#default p' }];

test('every single split point of a hand-made document gives the one-shot output (three c14n variants)', () => {
  for (const options of OPTION_SETS) {
    const whole = canonicalize(HANDMADE, options);
    for (let i = 0; i <= HANDMADE.length; i++) same(canonicalize(splitAt(HANDMADE, [i]), options), whole, `split at ${i}`);
  }
});

test('byte-by-byte input and every pair of split points within the first 60 bytes', () => {
  const options = { withComments: true };
  const whole = canonicalize(HANDMADE, options);
  same(canonicalize(splitAt(HANDMADE, Array.from({ length: HANDMADE.length - 1 }, (_, i) => i + 1)), options), whole, 'byte by byte');
  for (let i = 0; i < 60; i++) {
    for (let j = i; j < 60; j++) same(canonicalize(splitAt(HANDMADE, [i, j]), options), whole, `split at ${i}, ${j}`);
  }
});

test('every split point of 60 small random documents (exclusive with comments, and a random subtree)', () => {
  const rng = new Rng(0x5b1e7);
  let checked = 0;
  for (let d = 0; d < 60; d++) {
    const { xml, elements } = randomDocument(rng);
    const bytes = enc.encode(xml);
    if (bytes.length > 1500) continue;
    const k = rng.int(elements);
    const wholeDoc = canonicalize(bytes, { withComments: true });
    const select = (): CanonicalizeOptions => {
      let n = 0;
      return { select: () => n++ === k };
    };
    const wholeSub = canonicalize(bytes, select());
    for (let i = 0; i <= bytes.length; i++) {
      same(canonicalize(splitAt(bytes, [i]), { withComments: true }), wholeDoc, `document ${d}, split at ${i}`);
      same(canonicalize(splitAt(bytes, [i]), select()), wholeSub, `document ${d} element ${k}, split at ${i}`);
    }
    checked++;
  }
  assert.ok(checked >= 40, `only ${checked} documents were small enough`);
});

test('random chunkings of the 111 KB Santuario SOAP message give the same Body c14n, digests and byte ranges', () => {
  const bytes = readFileSync(resolve(process.cwd(), '../shared/vectors/santuario/inExcl/plain-soap-1.1.xml'));
  const options: CanonicalizeOptions = { select: (el) => el.name === 'env:Body', withComments: true };
  const whole = canonicalize(bytes, options);
  const rng = new Rng(0xb16);
  for (let round = 0; round < 40; round++) {
    const cuts = new Set<number>();
    const n = round < 20 ? 1 + rng.int(20) : 200 + rng.int(2000);
    for (let i = 0; i < n; i++) cuts.add(1 + rng.int(bytes.length - 1));
    const chunks = splitAt(bytes, [...cuts].sort((a, b) => a - b));
    same(canonicalize(chunks, options), whole, `round ${round} (${chunks.length} chunks)`);
  }
});

test('digestReferences reports the same digests and byte ranges under random chunking', () => {
  const text =
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
    '<s:Header><u:Timestamp u:Id="ts"><u:Created>2024-01-01T00:00:00Z</u:Created></u:Timestamp></s:Header>' +
    `<s:Body u:Id="body"><m xmlns="urn:m" a="é">${'名前😀 text &amp; more\r\n'.repeat(500)}<n Id="inner"/></m></s:Body></s:Envelope>`;
  const bytes = enc.encode(text);
  const refs = [
    { id: 'ts', alg: 'sha1' as const },
    { id: 'body', alg: 'sha256' as const, prefixList: '#default' },
    { id: 'inner', alg: 'sha1' as const, method: 'inclusive' as const },
    { id: '', alg: 'sha1' as const },
  ];
  const provider = nodeProvider();
  const whole = digestReferences(bytes, refs, { provider });
  // The ranges point at the elements: checked against the text itself.
  const at = (s: string): number => enc.encode(text.slice(0, text.indexOf(s))).length;
  assert.equal(whole[0]!.byteStart, at('<u:Timestamp'));
  assert.equal(whole[1]!.byteStart, at('<s:Body'));
  assert.equal(whole[1]!.byteEnd, at('</s:Envelope>'));
  assert.equal(whole[2]!.byteEnd - whole[2]!.byteStart, '<n Id="inner"/>'.length);
  assert.equal(whole[3]!.byteEnd, bytes.length);
  const rng = new Rng(0xd16);
  for (let round = 0; round < 30; round++) {
    const cuts = new Set<number>();
    for (let i = 1 + rng.int(300); i > 0; i--) cuts.add(1 + rng.int(bytes.length - 1));
    const results = digestReferences(splitAt(bytes, [...cuts].sort((a, b) => a - b)), refs, { provider });
    assert.deepEqual(results, whole, `round ${round}`);
  }
});
