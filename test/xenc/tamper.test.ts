// Tampering with CipherValue (XML Encryption 1.0 §6.1 / xenc-core1 "sec-edata-attacks"): one opaque error, no output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecryptionError } from '../../src/errors.js';
import { decryptXml, encryptXml, type DecryptResult } from '../../src/xenc/index.js';
import { envelope, SOAP11, SOAP12, text, utf8 } from './helpers.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 0x11 * (i + 1));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * CBC is malleable: a change to the IV flips the same bits of the first plaintext block and decrypts without error.
 * So the payload opens with a 16-byte element name, where any change breaks well-formedness; in a real message a
 * signature over the EncryptedData or its plaintext carries this guarantee (xml-security.md §1.5 item 10).
 */
const PAYLOAD = '<m:EncryptedBodyPayload m:v="1"><m:text>tamper me</m:text></m:EncryptedBodyPayload>';

/** A deterministic generator (xorshift32), so a failing position can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Every character of the CipherValue at `index` replaced by `replacement`. */
function tamper(doc: string, index: number, replacement: string): string {
  const open = doc.indexOf('<xenc:CipherValue>') + '<xenc:CipherValue>'.length;
  return doc.slice(0, open + index) + replacement + doc.slice(open + index + 1);
}

function cipherValue(doc: string): string {
  return doc.match(/<xenc:CipherValue>([^<]*)<\/xenc:CipherValue>/)![1]!;
}

/** Runs decryption expecting the one DecryptionError; returns its message (and fails the test on any output). */
function failure(doc: string, key = KEY): string {
  let result: DecryptResult | undefined;
  try {
    result = decryptXml(utf8(doc), { key });
  } catch (err) {
    assert.ok(err instanceof DecryptionError, `expected DecryptionError, got ${String(err)}`);
    assert.equal(err.code, 'DECRYPTION_FAILED');
    return err.message;
  }
  assert.fail(`decryption returned output: ${text(result.document).slice(0, 200)}`);
}

for (const [name, soap] of [['1.1', SOAP11], ['1.2', SOAP12]] as const) {
  for (const content of [false, true]) {
    test(`every single-character change of the CipherValue fails (SOAP ${name}, ${content ? 'Content' : 'Element'}; all positions)`, () => {
      const plain = envelope(soap, PAYLOAD);
      const doc = text(encryptXml(utf8(plain), { key: KEY, target: content ? { id: '_1' } : { select: (el) => el.local === 'EncryptedBodyPayload' }, content }));
      assert.equal(text(decryptXml(utf8(doc), { key: KEY }).document), plain);
      const value = cipherValue(doc);
      const messages = new Set<string>();
      const next = rng(name === '1.1' ? 7 : 11);
      for (let i = 0; i < value.length; i++) {
        // Three replacements per position: a neighbour in the alphabet, a random one, and a non-base64 byte.
        const c = value[i]!;
        const at = B64.indexOf(c);
        const neighbour = at < 0 ? 'A' : B64[(at + 1) % 64]!;
        let random = B64[Math.floor(next() * 64)]!;
        if (random === c) random = B64[(B64.indexOf(random) + 7) % 64]!;
        for (const r of [neighbour, random, '*']) messages.add(failure(tamper(doc, i, r)));
      }
      // Truncations and extensions of the value.
      messages.add(failure(doc.replace(value, value.slice(0, -4))));
      messages.add(failure(doc.replace(value, `${value}AAAA`)));
      messages.add(failure(doc.replace(value, value.slice(24))));
      messages.add(failure(doc.replace(value, '')));
      // A wrong key of the right size, and keys of the wrong sizes.
      messages.add(failure(doc, KEY.map((b) => b ^ 0x5a)));
      messages.add(failure(doc, KEY.subarray(0, 16)));
      messages.add(failure(doc, KEY.subarray(0, 24)));
      assert.deepEqual([...messages], ['decryption failed']);
    });
  }
}

test('random single-character changes of a 64 KB Body CipherValue fail with the same error', () => {
  const rows = Array.from({ length: 1200 }, (_, i) => `<m:row n="${i}">value ${i} &amp; more text to fill the body</m:row>`).join('');
  const plain = envelope(SOAP12, `<m:EncryptedBodyPayload>${rows}</m:EncryptedBodyPayload>`);
  assert.ok(plain.length > 64 * 1024);
  const doc = text(encryptXml(utf8(plain), { key: KEY, target: { id: '_1' }, content: true }));
  assert.equal(text(decryptXml(utf8(doc), { key: KEY }).document), plain);
  const value = cipherValue(doc);
  const next = rng(0x5eed);
  const messages = new Set<string>();
  // The first blocks (IV and the element name), the last blocks (padding), and random positions in between.
  const positions = [...Array.from({ length: 48 }, (_, i) => i), ...Array.from({ length: 48 }, (_, i) => value.length - 1 - i)];
  for (let i = 0; i < 300; i++) positions.push(Math.floor(next() * value.length));
  for (const p of positions) {
    const c = value[p]!;
    if (c === '=') continue;
    const r = B64[(B64.indexOf(c) + 1 + Math.floor(next() * 63)) % 64]!;
    messages.add(failure(tamper(doc, p, r)));
  }
  assert.deepEqual([...messages], ['decryption failed']);
});

test('padding-bit changes of the last base64 character (non-canonical base64) are refused too', () => {
  // 48 bytes (IV + 2 blocks) encode with no padding; 32 bytes end in "=" (2 spare bits), 16 + 48 = 64 in "=".
  const doc = text(encryptXml(utf8('<a><b>x</b></a>'), { key: KEY, target: { select: (el) => el.local === 'b' } }));
  const value = cipherValue(doc);
  assert.ok(value.endsWith('='));
  const last = value.length - (value.endsWith('==') ? 3 : 2);
  const at = B64.indexOf(value[last]!);
  failure(tamper(doc, last, B64[at ^ 1]!));
});

test('a failure in one EncryptedData yields no output for the others (all or nothing)', () => {
  const plain = envelope(SOAP12, `<m:A u:Id="a">${PAYLOAD}</m:A><m:B u:Id="b">${PAYLOAD}</m:B>`);
  let doc = text(encryptXml(utf8(plain), { key: KEY, target: { id: 'a' }, content: true }));
  doc = text(encryptXml(utf8(doc), { key: KEY, target: { id: 'b' }, content: true }));
  const second = doc.lastIndexOf('<xenc:CipherValue>') + '<xenc:CipherValue>'.length + 30;
  const broken = doc.slice(0, second) + (doc[second] === 'A' ? 'B' : 'A') + doc.slice(second + 1);
  failure(broken);
});

test('a CipherValue written with character references, CDATA, CR LF or line breaks decrypts as its text reads', () => {
  const plain = envelope(SOAP12, PAYLOAD);
  const doc = text(encryptXml(utf8(plain), { key: KEY, target: { id: '_1' }, content: true }));
  const value = cipherValue(doc);
  const lines = value.replace(/.{76}/g, '$&\n');
  const forms = [
    `&#${value.charCodeAt(0)};${value.slice(1, 20)}&#x${value.charCodeAt(20).toString(16)};${value.slice(21)}`,
    `<![CDATA[${value.slice(0, 30)}]]>${value.slice(30)}`,
    lines.replace(/\n/g, '\r\n'),
    lines.replace(/\n/g, '\r'),
    `\n  ${lines}\n`,
    value.replace(/=/g, '&#61;'),
  ];
  for (const form of forms) assert.equal(text(decryptXml(utf8(doc.replace(value, form)), { key: KEY }).document), plain, form.slice(0, 40));
  // And what the text reads is what is refused: a bad character written as a reference, an `=` too early.
  assert.equal(failure(doc.replace(value, `&#42;${value.slice(1)}`)), 'decryption failed');
  assert.equal(failure(doc.replace(value, `${value.slice(0, 8)}&#61;${value.slice(9)}`)), 'decryption failed');
  assert.equal(failure(doc.replace(value, `${value.slice(0, 8)}\r\n=${value.slice(9)}`)), 'decryption failed');
});
