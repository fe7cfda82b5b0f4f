// Tampering with a signed WS-Security message (WSS 1.1 §8 over XMLDSig 1.1 §3.2): every signed value byte matters, c14n-invariant edits do not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOAP11_NAMESPACE, addAddressing } from '../../src/soap/index.js';
import { signEnvelope, verifyEnvelope } from '../../src/wss/index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const SECRET = utf8('tamper-test-key-0123456789abcdef');

const signed = signEnvelope(
  addAddressing(utf8(`<soap:Envelope xmlns:soap="${SOAP11_NAMESPACE}"><soap:Body><Op xmlns="urn:op" n="7"><v>1 &amp; 2</v></Op></soap:Body></soap:Envelope>`),
    { action: 'urn:op/Do', messageId: 'urn:uuid:9', replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://svc/' }),
  { key: { kind: 'hmac', secret: SECRET }, addressing: true, timestamp: { now: Date.UTC(2024, 0, 1) } },
);
const verified = verifyEnvelope(signed.bytes, { key: { kind: 'hmac', secret: SECRET } });

/** Offsets of bytes inside attribute values and text within [start, end) (a tiny tag scanner; the input is ours). */
function valuePositions(bytes: Uint8Array, start: number, end: number): number[] {
  const out: number[] = [];
  let inTag = false;
  let quote = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (!inTag) {
      if (c === 0x3c) inTag = true;
      else if (c !== 0x26 && c !== 0x3b) out.push(i); // not the & or ; of an entity reference
    } else if (quote !== 0) {
      if (c === quote) quote = 0;
      else out.push(i);
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) inTag = false;
  }
  return out;
}

describe('tampering with a signed SOAP 1.1 message (Timestamp, 4 WS-Addressing headers, Body)', () => {
  it('changing any byte of a signed text or attribute value makes verification fail', () => {
    assert.equal(verified.references.length, 6);
    let checked = 0;
    for (const ref of verified.references) {
      for (const at of valuePositions(signed.bytes, ref.byteStart, ref.byteEnd)) {
        const copy = signed.bytes.slice();
        // Another printable ASCII byte that needs no escaping in text or attributes.
        copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
        assert.throws(() => verifyEnvelope(copy, { key: { kind: 'hmac', secret: SECRET } }), `byte ${at} (${text(signed.bytes.subarray(at - 10, at + 10))})`);
        checked++;
      }
    }
    assert.ok(checked > 300, `${checked} positions`);
  });

  it('edits that leave the canonical form unchanged still verify', () => {
    const s = text(signed.bytes);
    const variants = [
      s.replace(/u:Id="(_\d+)"/, "u:Id='$1'"), // quote style
      s.replace('<a:To ', '<a:To  \n '), // white space inside a start tag
      s.replace('</soap:Body>', '</soap:Body >'), // white space in an end tag
      s.replace('1 &amp; 2', '1 &#38; 2'), // a character reference for the same character
    ];
    for (const v of variants) {
      assert.notEqual(v, s);
      assert.deepEqual(verifyEnvelope(utf8(v), { key: { kind: 'hmac', secret: SECRET } }).ids, verified.ids);
    }
  });
});
