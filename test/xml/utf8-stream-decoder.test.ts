// Streaming UTF-8 decoding (RFC 3629) against one-shot TextDecoder: every split of valid and invalid byte strings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Utf8StreamDecoder } from '../../src/xml/utf8-stream-decoder.js';

/** Decodes `bytes` cut at `cuts`; returns the text and checks that the reported byte lengths add up. */
function decodeChunked(bytes: Uint8Array, cuts: number[]): string {
  const d = new Utf8StreamDecoder();
  let text = '';
  let counted = 0;
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    const part = d.decode(bytes.subarray(at, c));
    counted += d.lastByteLength;
    // Each returned string stands for exactly the bytes it was decoded from.
    assert.equal(Buffer.byteLength(part, 'utf8'), d.lastByteLength);
    text += part;
    at = c;
  }
  d.end();
  assert.equal(counted, bytes.length);
  return text;
}

const reference = (bytes: Uint8Array): string | null => {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
};

const SAMPLE = new TextEncoder().encode('\uFEFFa é 名 😀 \u{10FFFF} \uE000 \uFFFD z');

test('every split point (and every pair) of a mixed 1–4 byte sample decodes like TextDecoder', () => {
  const expected = reference(SAMPLE)!;
  for (let i = 0; i <= SAMPLE.length; i++) {
    for (let j = i; j <= SAMPLE.length; j++) assert.equal(decodeChunked(SAMPLE, [i, j]), expected, `cuts ${i}, ${j}`);
  }
});

test('property: random byte strings, random cuts: same text as TextDecoder, or XML_ENCODING when it refuses', () => {
  // Bytes biased towards UTF-8 structure so that valid and subtly invalid sequences both occur.
  const byte = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 0xc0, max: 0xff }));
  fc.assert(
    fc.property(fc.array(byte, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), (arr, rawCuts) => {
      const bytes = new Uint8Array(arr);
      const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
      const expected = reference(bytes);
      if (expected === null) {
        assert.throws(() => decodeChunked(bytes, cuts), { name: 'XmlError', code: 'XML_ENCODING' });
      } else {
        assert.equal(decodeChunked(bytes, cuts), expected);
      }
    }),
    { numRuns: 3000 },
  );
});

test('property: any string round-trips through any chunking', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), (s, rawCuts) => {
      const bytes = new TextEncoder().encode(s);
      const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
      assert.equal(decodeChunked(bytes, cuts), reference(bytes));
    }),
    { numRuns: 2000 },
  );
});
