// The table-driven base64 for public data (ciphertext) gives exactly the constant-time functions' results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64Public, decodeBase64PublicBytes, decodeBase64Strict, encodeBase64, encodeBase64Public } from '../../src/encoding/base64.js';

function random(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

test('encodeBase64Public = encodeBase64, and decodeBase64Public reads it back', () => {
  for (let n = 0; n < 70; n++) {
    const bytes = random(n, n + 1);
    const s = encodeBase64Public(bytes);
    assert.equal(s, encodeBase64(bytes));
    assert.deepEqual(decodeBase64Public(s), bytes);
  }
});

test('decodeBase64Public = decodeBase64Strict on valid, mutated and whitespace-laden text', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n-_.é€\u0000';
  let checked = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const r = random(64, seed * 7919);
    let s = encodeBase64(random(r[0]! % 40, seed));
    // Mutations: insert, replace or delete characters anywhere.
    const edits = r[1]! % 4;
    for (let e = 0; e < edits; e++) {
      const at = s.length === 0 ? 0 : r[2 + e]! % (s.length + 1);
      const c = alphabet[r[10 + e]! % alphabet.length]!;
      const op = r[20 + e]! % 3;
      s = op === 0 ? s.slice(0, at) + c + s.slice(at) : op === 1 ? s.slice(0, at) + c + s.slice(at + 1) : s.slice(0, at) + s.slice(at + 1);
    }
    assert.deepEqual(decodeBase64Public(s), decodeBase64Strict(s), JSON.stringify(s));
    assert.deepEqual(fromBytes(s, seed), decodeBase64Strict(s), JSON.stringify(s));
    checked++;
  }
  for (const s of ['', '====', 'QQ==', 'QR==', 'QQ=', 'QUJD', 'QUJD\nRA==', 'QUJDRA==QQ==', ' QUJD', 'QUJ\u00e9', 'QUJDRE', 'QUJDR===']) {
    assert.deepEqual(decodeBase64Public(s), decodeBase64Strict(s), JSON.stringify(s));
    assert.deepEqual(fromBytes(s, 0), decodeBase64Strict(s), JSON.stringify(s));
  }
  assert.equal(checked, 3000);
});

/** decodeBase64PublicBytes of `s` as UTF-8, placed inside other bytes (a CipherValue inside its message), as a copy. */
function fromBytes(s: string, seed: number): Uint8Array | undefined {
  const text = new TextEncoder().encode(s);
  const before = seed % 5;
  const src = new Uint8Array(before + text.length + 3).fill(0x41);
  src.set(text, before);
  const out = decodeBase64PublicBytes(src, before, before + text.length);
  return out === undefined ? undefined : out.slice();
}

test('decodeBase64PublicBytes = decodeBase64Strict on line-wrapped and mutated base64', () => {
  const ws = [' ', '\t', '\n', '\r\n', '  \n '];
  let checked = 0;
  for (let seed = 1; seed <= 2000; seed++) {
    const r = random(64, seed * 104729);
    const b64 = encodeBase64(random(r[0]! % 200, seed));
    // Whitespace every `line` characters (XML Schema allows it anywhere), at the ends too.
    const line = 1 + (r[1]! % 80);
    const w = ws[r[2]! % ws.length]!;
    let s = r[3]! % 2 === 0 ? w : '';
    for (let i = 0; i < b64.length; i += line) s += b64.slice(i, i + line) + (i + line < b64.length || r[4]! % 2 === 0 ? w : '');
    if (r[5]! % 3 === 0 && s.length > 0) {
      const at = r[6]! % s.length;
      s = s.slice(0, at) + '=A-é&#\u0000'[r[7]! % 7]! + s.slice(at + 1);
    }
    assert.deepEqual(fromBytes(s, seed), decodeBase64Strict(s), JSON.stringify(s));
    checked++;
  }
  assert.equal(checked, 2000);
});

/** An independent reading of strict base64: XML whitespace dropped, the canonical RFC 4648 form, else undefined. */
function oracle(s: string): Uint8Array | undefined {
  const clean = s.replace(/[ \t\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*(|=|==)$/.test(clean) || clean.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(clean, 'base64');
  return bytes.toString('base64') === clean ? new Uint8Array(bytes) : undefined;
}

test('decodeBase64Strict = an independent oracle (Buffer, canonical form) on valid, spaced and mutated text', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n-_.é€\u0000';
  for (let seed = 1; seed <= 4000; seed++) {
    const r = random(64, seed * 6151);
    let s = encodeBase64(random(r[0]! % 50, seed));
    const edits = r[1]! % 5;
    for (let e = 0; e < edits; e++) {
      const at = s.length === 0 ? 0 : r[2 + e]! % (s.length + 1);
      const c = alphabet[r[10 + e]! % alphabet.length]!;
      const op = r[20 + e]! % 3;
      s = op === 0 ? s.slice(0, at) + c + s.slice(at) : op === 1 ? s.slice(0, at) + c + s.slice(at + 1) : s.slice(0, at) + s.slice(at + 1);
    }
    assert.deepEqual(decodeBase64Strict(s), oracle(s), JSON.stringify(s));
  }
  for (const s of ['', '====', 'QQ==', 'QR==', 'QQ=', 'QUJD', 'QUJD\nRA==', 'QUJDRA==QQ==', ' QUJD', 'QUJ\u00e9', 'QUJDRE', 'QUJDR===', '====QUJD', 'QQ==QUJD', 'Q U J D', 'QUJD\u0141QUJD', 'QUJDQUJ\u0100']) {
    assert.deepEqual(decodeBase64Strict(s), oracle(s), JSON.stringify(s));
  }
});
