// The fragment writer of the WS-SC builders (Namespaces in XML 1.0 §6 declarations, XML 1.0 §2.4/§3.3.3 escapes) against straightforward references.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FragmentWriter } from '../../src/wssc/xml-io.js';

const ATTR: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

describe('FragmentWriter', () => {
  it('declares a prefix once per scope, redeclares it after its element closed, and refuses a clash', () => {
    const w = new FragmentWriter({ u: 'urn:u' });
    w.open('c', 'A', 'urn:c', [['u:Id', 'x', 'urn:u']]);
    w.leaf('c', 'B', 'urn:c', 'v&');
    w.open('d', 'C', 'urn:d', [['e:at', '"', 'urn:e']], [['f', 'urn:f']]).close();
    assert.deepEqual(w.scope(), { u: 'urn:u', c: 'urn:c' });
    w.close();
    w.leaf('d', 'D', 'urn:d');
    w.open('u', 'E', 'urn:u2');
    assert.deepEqual(w.scope(), { u: 'urn:u2' });
    w.close();
    assert.equal(w.toString(),
      '<c:A u:Id="x" xmlns:c="urn:c"><c:B>v&amp;</c:B><d:C e:at="&quot;" xmlns:d="urn:d" xmlns:e="urn:e" xmlns:f="urn:f"></d:C></c:A>' +
      '<d:D xmlns:d="urn:d"></d:D><u:E xmlns:u="urn:u2"></u:E>');
    assert.throws(() => new FragmentWriter().open('p', 'X', 'urn:1', [['p:a', '', 'urn:2']]), RangeError);
  });

  it('escapes every namespace name it declares, each time (property)', () => {
    const chars = fc.constantFrom('u', 'r', 'n', ':', '/', '&', '<', '"', '\t', '\n', '\r', '\u00e9');
    fc.assert(fc.property(fc.array(fc.array(chars, { maxLength: 12 }).map((a) => `urn:${a.join('')}`), { minLength: 1, maxLength: 90 }), (uris) => {
      const w = new FragmentWriter();
      for (const uri of [...uris, ...uris]) w.leaf('p', 'x', uri);
      assert.equal(w.toString(), [...uris, ...uris].map((uri) => `<p:x xmlns:p="${[...uri].map((c) => ATTR[c] ?? c).join('')}"></p:x>`).join(''));
    }), { numRuns: 200 });
  });
});
