// Tampering property (issue 5): any single-byte change of signed text or attribute values fails XMLDSig 1.1 §3.2.1 reference validation; changes c14n erases do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signXml, verifySignature } from '../../src/dsig/index.js';
import { WsscError } from '../../src/errors.js';
import { text, unsignedEnvelope, utf8 } from './helpers.js';

const SECRET = utf8('tamper-key');
const key = { kind: 'hmac' as const, secret: SECRET };

function signEnvelope(body: string): Uint8Array {
  const doc = unsignedEnvelope().replace(/<Echo[\s\S]*<\/Echo>/, body);
  return signXml(utf8(doc), { key, references: [{ id: '_0' }, { id: '_1' }], parent: { select: (el) => el.local === 'Security' } });
}

/** Offsets of text and attribute-value bytes inside [start, end) (entity references excluded). */
function valuePositions(doc: Uint8Array, start: number, end: number): number[] {
  const out: number[] = [];
  let inTag = false;
  let quote = 0;
  let inRef = false;
  for (let i = start; i < end; i++) {
    const c = doc[i]!;
    if (inTag) {
      if (quote !== 0) {
        if (c === quote) quote = 0;
        else if (c === 0x26) inRef = true;
        else if (inRef) inRef = c !== 0x3b;
        else out.push(i);
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3e) inTag = false;
    } else if (c === 0x3c) inTag = true;
    else if (c === 0x26) inRef = true;
    else if (inRef) inRef = c !== 0x3b;
    else out.push(i);
  }
  return out;
}

/** A replacement byte that keeps the document well-formed and changes the value. */
const flip = (c: number): number => (c === 0x61 ? 0x62 : c >= 0x80 ? c : 0x61);

function assertEveryChangeFails(doc: Uint8Array, positions: number[]): void {
  for (const at of positions) {
    if (doc[at]! >= 0x80) continue; // leave multi-byte characters whole (a broken sequence is an XmlError anyway)
    const t = doc.slice();
    t[at] = flip(t[at]!);
    assert.throws(
      () => verifySignature(t, { key }),
      (err: unknown) => err instanceof WsscError && (err.code === 'DIGEST_MISMATCH' || err.code === 'REFERENCE_UNRESOLVED' || err.code.startsWith('XML_')),
      `byte ${at} (${String.fromCharCode(doc[at]!)}) changed: verification did not fail with DIGEST_MISMATCH / REFERENCE_UNRESOLVED`,
    );
  }
}

test('every single-byte change of signed text or attribute values of a small message fails', () => {
  const doc = signEnvelope('<Echo xmlns="http://tempuri.org/" a="1" b=\'x&amp;y\'><text lang="en">hello &amp; goodbye</text><n>42</n><empty/></Echo>');
  const r = verifySignature(doc, { key });
  let positions: number[] = [];
  for (const ref of r.references) positions = positions.concat(valuePositions(doc, ref.byteStart, ref.byteEnd));
  assert.ok(positions.length > 60, `only ${positions.length} positions`);
  assertEveryChangeFails(doc, positions);
});

test('random single-byte changes of a 64 KB Body fail', () => {
  let body = '<Echo xmlns="http://tempuri.org/">';
  for (let i = 0; body.length < 64 * 1024; i++) body += `<item n="${i}" kind="k${i % 7}">value ${i} \u00e9t\u00e9 &lt;${i}&gt;</item>`;
  const doc = signEnvelope(`${body}</Echo>`);
  const r = verifySignature(doc, { key });
  const ref = r.references.find((x) => x.id === '_1')!;
  const all = valuePositions(doc, ref.byteStart, ref.byteEnd);
  let seed = 0x2545f491;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % all.length);
  assertEveryChangeFails(doc, Array.from({ length: 200 }, () => all[rand()]!));
});

test('changes that leave the canonical form the same still verify: whitespace in tags, quote style, empty tags', () => {
  const doc = text(signEnvelope('<Echo xmlns="http://tempuri.org/" a="1"><text>hello</text><empty/></Echo>'));
  const variants = [
    doc.replace('<u:Timestamp u:Id="_0">', '<u:Timestamp   u:Id = \'_0\' >'),
    doc.replace('<s:Body u:Id="_1">', '<s:Body\n\tu:Id="_1"\n>'),
    doc.replace('a="1"', "a='1'"),
    doc.replace('<empty/>', '<empty></empty>'),
    doc.replace('<text>hello</text>', '<text>hel<![CDATA[lo]]></text>'),
    doc.replace('<text>hello</text>', '<text>&#104;ello</text>'),
    doc.replace('</u:Created>', '</u:Created  >'),
  ];
  for (const v of variants) {
    assert.notEqual(v, doc);
    assert.deepEqual(verifySignature(utf8(v), { key }).ids, ['_0', '_1'], v);
  }
});

test('a document over the replay size (1 MiB) is parsed twice and verifies, and a changed byte is still refused', () => {
  const big = `<Echo xmlns="urn:e">${'<i>x&amp;y</i>'.repeat(80_000)}</Echo>`;
  const doc = signEnvelope(big);
  assert.ok(doc.length > 1 << 20);
  const r = verifySignature(doc, { key });
  assert.deepEqual(r.ids, ['_0', '_1']);
  const s = text(doc);
  const at = s.lastIndexOf('x&amp;y');
  assert.throws(() => verifySignature(utf8(s.slice(0, at) + 'z' + s.slice(at + 1)), { key }), (e: unknown) => e instanceof WsscError && (e as WsscError).code === 'DIGEST_MISMATCH');
});
