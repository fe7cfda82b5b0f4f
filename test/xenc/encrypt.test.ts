// buildEncryptedDataBytes and encryptedDataWriter (XML Encryption 1.0 §4.1, bytes written in place) against the
// string construction they replace: UTF-8 of buildEncryptedData, for the same IV.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { auto } from '../../src/crypto/index.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { buildEncryptedData, buildEncryptedDataBytes, encryptedDataWriter, type EncryptedDataOptions } from '../../src/xenc/encrypt.js';
import { TYPE_CONTENT } from '../../src/xenc/algorithms.js';
import { utf8 } from './helpers.js';

/** auto with randomBytes from a seed, so two builds draw the same IV. */
function seeded(seed: number): CryptoProvider {
  let n = seed;
  return { ...auto, randomBytes: (len: number) => Uint8Array.from({ length: len }, () => (n = (n * 1103515245 + 12345) >>> 0) >>> 24) };
}

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

function same(plaintext: Uint8Array, type: string | undefined, options: Omit<EncryptedDataOptions, 'provider'>, seed: number): void {
  const expected = utf8(buildEncryptedData(plaintext, type, { ...options, provider: seeded(seed) }));
  assert.deepEqual(buildEncryptedDataBytes(plaintext, type, { ...options, provider: seeded(seed) }), expected);
  // In a larger output, at an offset, bytes around it untouched.
  const w = encryptedDataWriter(plaintext, type, { ...options, provider: seeded(seed) });
  assert.equal(w.length, expected.length);
  const out = new Uint8Array(w.length + 10).fill(0xee);
  w.write(out, 5);
  assert.deepEqual(out.subarray(5, 5 + w.length), expected);
  assert.ok([...out.subarray(0, 5), ...out.subarray(5 + w.length)].every((x) => x === 0xee));
}

describe('encryptedDataWriter', () => {
  it('writes the UTF-8 of buildEncryptedData for every plaintext length around the base64 groups, with ASCII and non-ASCII markup', () => {
    const markup: Omit<EncryptedDataOptions, 'provider'>[] = [
      { key: KEY },
      { key: KEY, id: '_1', prefix: 'e', keyInfo: '<o:SecurityTokenReference xmlns:o="urn:o"><o:Reference URI="#_3"/></o:SecurityTokenReference>' },
      { key: KEY.subarray(0, 16), id: 'é1', prefix: 'ñ', keyInfo: '<KeyName>clé \u{1F511}</KeyName>' },
      { key: KEY.subarray(0, 24), prefix: '', keyInfo: '<KeyName>\u00e9</KeyName>' },
    ];
    for (const options of markup) {
      for (let n = 0; n < 50; n++) {
        const plaintext = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
        same(plaintext, n % 2 === 0 ? TYPE_CONTENT : undefined, options, n + 1);
      }
    }
    same(new Uint8Array(3), 'urn:t\u00e9&"\t', { key: KEY, prefix: 'xenc' }, 9);
  });

  it('agrees with buildEncryptedData for random plaintexts, Ids, prefixes and KeyInfo (property)', () => {
    const ncname = fc.constantFrom('_1', 'a', 'é', 'x\u0300', '\u4e2d\u6587', 'k.2-3');
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 200 }), ncname, ncname, fc.string({ unit: 'binary', maxLength: 30 }), fc.integer({ min: 1, max: 1 << 30 }),
      (plaintext, id, prefix, keyInfo, seed) => same(plaintext, TYPE_CONTENT, { key: KEY, id, prefix, keyInfo }, seed),
    ), { numRuns: 200 });
  });
});
