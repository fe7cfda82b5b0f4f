// The base64 codecs against Buffer and against their previous implementation (base64-before.ts), on random inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as now from '../../src/encoding/base64.js';
import * as before from './base64-before.js';

const bytesArb = fc.oneof(fc.uint8Array({ maxLength: 300, size: 'max' }), fc.uint8Array({ minLength: 300, maxLength: 5000, size: 'max' }));
// Base64-ish text: the alphabet, padding, XML whitespace, near misses and non-ASCII.
const charArb = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split(''), '=', ' ', '\t', '\r', '\n', '-', '_', '.', '\u0000', 'é', '\u0080', '€');
/** Valid base64 of random bytes, then a few edits (insert / replace / delete) drawn from charArb. */
const textArb = fc
  .tuple(fc.uint8Array({ maxLength: 400, size: 'max' }), fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'replace', 'delete'), charArb), { maxLength: 4 }), fc.boolean())
  .map(([bytes, edits, wrap]) => {
    let s = Buffer.from(bytes).toString('base64');
    if (wrap) s = s.replace(/.{1,76}/g, '$&\r\n');
    for (const [at, op, c] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      s = op === 'insert' ? s.slice(0, i) + c + s.slice(i) : op === 'replace' ? s.slice(0, i) + c + s.slice(i + 1) : s.slice(0, i) + s.slice(i + 1);
    }
    return s;
  });

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): void => {
  if (a === undefined || b === undefined) assert.equal(a, b);
  else assert.deepEqual(Buffer.from(a), Buffer.from(b));
};

test('encoders: the same characters as Buffer and as before, at every length and output offset', () => {
  fc.assert(
    fc.property(bytesArb, fc.nat(7), (bytes, at) => {
      const expected = Buffer.from(bytes).toString('base64');
      assert.equal(now.encodeBase64(bytes), expected);
      assert.equal(now.encodeBase64Public(bytes), expected);
      const out = new Uint8Array(at + expected.length + 8).fill(0xee);
      const end = now.encodeBase64PublicInto(bytes, out, at);
      assert.equal(end, at + expected.length);
      assert.equal(Buffer.from(out.subarray(at, end)).toString('latin1'), expected);
      // Nothing written outside [at, end).
      assert.ok(out.subarray(0, at).every((b) => b === 0xee) && out.subarray(end).every((b) => b === 0xee));
    }),
    { numRuns: 600 },
  );
});

test('encodeBase64PublicInto reads unaligned views of a larger buffer correctly', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 100, maxLength: 3000 }), fc.nat(7), fc.nat(7), (big, from, trim) => {
      const view = big.subarray(from % big.length, Math.max(from % big.length, big.length - trim));
      assert.equal(now.encodeBase64Public(view), Buffer.from(view).toString('base64'));
    }),
    { numRuns: 300 },
  );
});

test('decoders: the same bytes or the same refusal as before, on valid and edited text', () => {
  fc.assert(
    fc.property(textArb, fc.nat(5), (text, shift) => {
      same(now.decodeBase64Strict(text), before.decodeBase64Strict(text));
      same(now.decodeBase64Public(text), before.decodeBase64Public(text));
      // The byte form, at an unaligned offset inside a larger buffer, as a CipherValue inside a message.
      const bytes = Buffer.from(text, 'utf8');
      const src = new Uint8Array(shift + bytes.length + 3).fill(0x3c);
      src.set(bytes, shift);
      same(now.decodeBase64PublicBytes(src, shift, shift + bytes.length), before.decodeBase64PublicBytes(src, shift, shift + bytes.length));
    }),
    { numRuns: 3000 },
  );
});

test('decoders read back what Buffer encodes (long texts take the block loops)', () => {
  fc.assert(
    fc.property(bytesArb, fc.boolean(), (bytes, wrap) => {
      let text = Buffer.from(bytes).toString('base64');
      if (wrap) text = text.replace(/.{1,64}/g, '$&\n');
      const src = Buffer.from(text, 'latin1');
      same(now.decodeBase64Strict(text), bytes);
      same(now.decodeBase64PublicBytes(new Uint8Array(src), 0, src.length), bytes);
    }),
    { numRuns: 600 },
  );
});
