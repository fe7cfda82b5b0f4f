// SOAP 1.2 Part 2 §7.1.4 / SOAP 1.1 §6.1.1 content types as the session service reads them, and faults read back (SOAP 1.2 Part 1 §5.4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { SoapVersion } from '../../src/soap/namespaces.js';
import { buildEnvelope, parseSoapContentType, readEnvelope, readFault } from '../../src/wssc/session-envelope.js';
import { faultEnvelope } from '../../src/wssc/session-faults.js';
import { WSSC_FEB2005 } from '../../src/wssc/versions.js';

/** A fresh answer: a call with other values first, so parseSoapContentType parses rather than keeps. */
function fresh(headers: Record<string, string | string[] | undefined>): ReturnType<typeof parseSoapContentType> {
  parseSoapContentType({ 'content-type': 'x/not-in-the-tests' });
  return parseSoapContentType(headers);
}

describe('parseSoapContentType', () => {
  it('keeps the answer of the same values only, whatever the header sequence', () => {
    const part = fc.constantFrom('application/soap+xml', 'text/xml', 'TEXT/XML', 'application/json', '', ' charset=utf-8', 'charset="UTF-8"', 'charset=iso-8859-1', 'action="urn:a"', 'action=urn:b', ' action = "urn:c" ');
    const contentType = fc.oneof(fc.array(part, { maxLength: 4 }).map((p) => p.join(';')), fc.string({ maxLength: 12 }));
    const soapAction = fc.option(fc.constantFrom('"urn:x"', 'urn:y', '""', '', ' "urn:z" '), { nil: undefined });
    const headers = fc.record({ ct: fc.option(fc.oneof(contentType, fc.array(contentType, { minLength: 1, maxLength: 2 })), { nil: undefined }), sa: fc.option(fc.oneof(soapAction, fc.array(fc.constant('"urn:w"'), { minLength: 1, maxLength: 2 })), { nil: undefined }) })
      .map(({ ct, sa }) => ({ 'content-type': ct, soapaction: sa }) as Record<string, string | string[] | undefined>);
    // Sequences with repeats: the kept answer must be the one of the same values, never of the previous request's.
    fc.assert(fc.property(fc.array(headers, { minLength: 1, maxLength: 8 }).chain((hs) => fc.array(fc.constantFrom(...hs), { minLength: 1, maxLength: 16 })), (sequence) => {
      for (const h of sequence) {
        const kept = parseSoapContentType(h);
        assert.deepEqual(kept, fresh(h));
      }
    }), { numRuns: 2000 });
  });

  it('reads the SOAP version and action of SOAP 1.2 and 1.1 content types, UTF-8 only', () => {
    const cases: [Record<string, string | string[] | undefined>, { soap: SoapVersion; action?: string } | undefined][] = [
      [{ 'content-type': 'application/soap+xml; charset=utf-8; action="urn:a"' }, { soap: '1.2', action: 'urn:a' }],
      [{ 'content-type': 'application/soap+xml;action=urn:b' }, { soap: '1.2', action: 'urn:b' }],
      [{ 'content-type': 'application/soap+xml; action = "urn:d" ; charset="UTF-8"' }, { soap: '1.2', action: 'urn:d' }],
      [{ 'content-type': 'Application/SOAP+XML', soapaction: '"urn:ignored"' }, { soap: '1.2' }],
      [{ 'content-type': ['application/soap+xml; action="urn:c"', 'text/xml'] }, { soap: '1.2', action: 'urn:c' }],
      [{ 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:x"' }, { soap: '1.1', action: 'urn:x' }],
      [{ 'content-type': 'TEXT/XML', soapaction: ' urn:y ' }, { soap: '1.1', action: 'urn:y' }],
      [{ 'content-type': 'text/xml', soapaction: ['"urn:w"', 'urn:v'] }, { soap: '1.1', action: 'urn:w' }],
      [{ 'content-type': 'text/xml', soapaction: '""' }, { soap: '1.1' }],
      [{ 'content-type': 'text/xml' }, { soap: '1.1' }],
      [{ 'content-type': 'text/xml; charset=iso-8859-1', soapaction: '"urn:x"' }, undefined],
      [{ 'content-type': 'application/soap+xml; charset=utf-16' }, undefined],
      [{ 'content-type': 'application/json' }, undefined],
      [{ 'content-type': '' }, undefined],
      [{}, undefined],
    ];
    for (const [headers, expected] of cases) assert.deepEqual(fresh(headers), expected, JSON.stringify(headers));
  });

  it('gives a frozen answer (it is shared between calls)', () => {
    const a = parseSoapContentType({ 'content-type': 'application/soap+xml; action="urn:f"' })!;
    assert.equal(Object.isFrozen(a), true);
    assert.equal(parseSoapContentType({ 'content-type': 'application/soap+xml; action="urn:f"' }), a);
  });
});

describe('readFault', () => {
  it('finds the fault of every service fault, and nothing in envelopes without the bytes "Fault"', () => {
    for (const soap of ['1.1', '1.2'] as const) {
      const f = readFault(faultEnvelope('bad-context-token', soap, WSSC_FEB2005));
      assert.equal(f?.subcode?.local, 'BadContextToken');
      assert.equal(f.soap, soap);
    }
    const plain = new TextEncoder().encode('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><Faul/>t</s:Body></s:Envelope>');
    assert.equal(readFault(plain), undefined);
    // "Fault" elsewhere than a Body's Fault child is not a fault either.
    assert.equal(readFault(new TextEncoder().encode('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><Fault/></s:Body></s:Envelope>')), undefined);
  });
});

describe('buildEnvelope', () => {
  it('escapes the values that need it, and gives the same bytes for a string Body and its UTF-8 bytes', () => {
    const parts = { soap: '1.2' as const, action: 'urn:a&b<c>\rd', messageId: 'urn:uuid:1', relatesTo: 'x>y', to: 'http://h/?a=1&b=2', body: '<x>é€😀</x>' };
    const env = buildEnvelope(parts);
    assert.deepEqual(env, buildEnvelope({ ...parts, body: new TextEncoder().encode(parts.body) }));
    const text = new TextDecoder().decode(env);
    assert.match(text, /<a:Action s:mustUnderstand="1">urn:a&amp;b&lt;c&gt;&#xD;d<\/a:Action>/);
    assert.match(text, /<a:To s:mustUnderstand="1">http:\/\/h\/\?a=1&amp;b=2<\/a:To>/);
    const read = readEnvelope(env);
    assert.equal(read.addressing.action, parts.action);
    assert.equal(read.addressing.relatesTo, 'x>y');
    assert.equal(new TextDecoder().decode(read.body), parts.body);
  });
});
