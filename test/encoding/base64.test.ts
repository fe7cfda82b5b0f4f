// RFC 4648 §4 base64 with XML whitespace: the encoders against Buffer, the strict decoders against an independent reading.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBase64Public, decodeBase64PublicBytes, decodeBase64Strict, encodeBase64, encodeBase64Public, encodeBase64PublicInto } from '../../src/encoding/base64.js';

/** An independent reading of strict base64: XML whitespace dropped, the canonical RFC 4648 form, else undefined. */
function oracle(s: string): Uint8Array | undefined {
  const clean = s.replace(/[ \t\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*(|=|==)$/.test(clean) || clean.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(clean, 'base64');
  return bytes.toString('base64') === clean ? new Uint8Array(bytes) : undefined;
}

/** decodeBase64PublicBytes of `s` as UTF-8, `shift` bytes into other bytes (a CipherValue inside its message). */
function fromBytes(s: string, shift: number): Uint8Array | undefined {
  const text = new TextEncoder().encode(s);
  const src = new Uint8Array(shift + text.length + 3).fill(0x3c);
  src.set(text, shift);
  return decodeBase64PublicBytes(src, shift, shift + text.length);
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined, what: string): void => {
  if (a === undefined || b === undefined) assert.equal(a, b, what);
  else assert.deepEqual(Buffer.from(a), Buffer.from(b), what);
};

/** Every decoder against the oracle. */
function decodesAsOracle(s: string, shift: number): void {
  const expected = oracle(s);
  const what = JSON.stringify(s);
  same(decodeBase64Strict(s), expected, what);
  same(decodeBase64Public(s), expected, what);
  same(fromBytes(s, shift), expected, what);
}

const bytesArb = fc.oneof(fc.uint8Array({ maxLength: 300, size: 'max' }), fc.uint8Array({ minLength: 300, maxLength: 5000, size: 'max' }));
const spaceArb = fc.constantFrom(' ', '\t', '\n', '\r\n', '  \n ');
// Base64-ish characters: the alphabet, padding, XML whitespace, near misses and non-ASCII.
const charArb = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split(''), '=', ' ', '\t', '\r', '\n', '-', '_', '.', '&', '#', '\u0000', 'é', '\u0080', '€');
/** Valid base64 of random bytes, perhaps line-wrapped, then a few edits (insert / replace / delete). */
const textArb = fc
  .tuple(
    fc.uint8Array({ maxLength: 400, size: 'max' }),
    fc.option(fc.tuple(fc.integer({ min: 1, max: 80 }), spaceArb)),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'replace', 'delete'), charArb), { maxLength: 4 }),
  )
  .map(([bytes, wrap, edits]) => {
    let s = Buffer.from(bytes).toString('base64');
    if (wrap !== null) s = s.replace(new RegExp(`.{1,${wrap[0]}}`, 'g'), `$&${wrap[1]}`);
    for (const [at, op, c] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      s = op === 'insert' ? s.slice(0, i) + c + s.slice(i) : op === 'replace' ? s.slice(0, i) + c + s.slice(i + 1) : s.slice(0, i) + s.slice(i + 1);
    }
    return s;
  });

test('encoders: the same characters as Buffer, at every length and output offset', () => {
  fc.assert(
    fc.property(bytesArb, fc.nat(7), (bytes, at) => {
      const expected = Buffer.from(bytes).toString('base64');
      assert.equal(encodeBase64(bytes), expected);
      assert.equal(encodeBase64Public(bytes), expected);
      const out = new Uint8Array(at + expected.length + 8).fill(0xee);
      const end = encodeBase64PublicInto(bytes, out, at);
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
      assert.equal(encodeBase64Public(view), Buffer.from(view).toString('base64'));
    }),
    { numRuns: 300 },
  );
});

test('decoders: the oracle\'s bytes or its refusal, on valid, line-wrapped and edited text at any offset', () => {
  fc.assert(fc.property(textArb, fc.nat(5), decodesAsOracle), { numRuns: 3000 });
  const edges = ['', '====', 'QQ==', 'QR==', 'QQ=', 'QUJD', 'QUJD\nRA==', 'QUJDRA==QQ==', ' QUJD', 'QUJ\u00e9', 'QUJDRE', 'QUJDR===',
    '====QUJD', 'QQ==QUJD', 'Q U J D', 'QQ= =', 'QUJD\u0141QUJD', 'QUJDQUJ\u0100'];
  for (const s of edges) decodesAsOracle(s, 0);
});

test('decoders read back what Buffer encodes (long texts take the block loops)', () => {
  fc.assert(
    fc.property(bytesArb, fc.option(spaceArb), fc.nat(5), (bytes, space, shift) => {
      let text = Buffer.from(bytes).toString('base64');
      if (space !== null) text = text.replace(/.{1,64}/g, `$&${space}`);
      same(decodeBase64Strict(text), bytes, 'strict');
      same(fromBytes(text, shift), bytes, 'bytes');
    }),
    { numRuns: 600 },
  );
});
