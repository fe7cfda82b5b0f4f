// XML 1.0 §2.4 / §3.3.3 escapes of the values the builders write (SOAP headers, WS-Security and XML-Enc markup).
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { escapeAttribute, escapeText } from '../../src/xml/escape.js';
import { XmlParser } from '../../src/xml/parser.js';

const valueArb = fc.string({ unit: fc.constantFrom('a', 'é', '&', '<', '>', '"', "'", '\t', '\n', '\r', ' ', '#', ';', 'x'), maxLength: 30 });

/** What a parser reads back from `<r a="…">…</r>`. */
function readBack(attr: string, text: string): { attr: string; text: string } {
  let a = '';
  let t = '';
  const p = new XmlParser({ startElement: (el) => void (a = el.attributes[0]!.value), endElement: () => {}, text: (s) => void (t += s), comment: () => {}, processingInstruction: () => {} });
  p.write(new TextEncoder().encode(`<r a="${attr}">${text}</r>`));
  p.end();
  return { attr: a, text: t };
}

test('escaped values read back as the values themselves (CR, TAB and LF included)', () => {
  fc.assert(
    fc.property(valueArb, valueArb, (a, t) => {
      assert.deepEqual(readBack(escapeAttribute(a), escapeText(t)), { attr: a, text: t });
    }),
    { numRuns: 1000 },
  );
});

test('values with nothing to escape come back unchanged', () => {
  for (const s of ['', '_0', 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd', "it's > 1"]) {
    assert.equal(escapeAttribute(s), s);
  }
  assert.equal(escapeText('a "quoted" \t\n value'), 'a "quoted" \t\n value');
  assert.equal(escapeAttribute('a&b<"\t\n\r'), 'a&amp;b&lt;&quot;&#x9;&#xA;&#xD;');
  assert.equal(escapeText('a&b<>\r'), 'a&amp;b&lt;&gt;&#xD;');
});

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTR: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

describe('escapes', () => {
  it('escape as a character-by-character reference does', () => {
    const chars = fc.constantFrom('a', 'Z', '0', '&', '<', '>', '"', "'", '\t', '\n', '\r', ' ', '=', '?', '\u00e9', '\u{1F600}');
    fc.assert(fc.property(fc.array(chars, { maxLength: 30 }).map((a) => a.join('')), (s) => {
      assert.equal(escapeText(s), [...s].map((c) => TEXT[c] ?? c).join(''));
      assert.equal(escapeAttribute(s), [...s].map((c) => ATTR[c] ?? c).join(''));
    }), { numRuns: 1000 });
  });
});
