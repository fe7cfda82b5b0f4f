// SOAP 1.1/1.2 frame, Header creation by splicing, WS-Addressing read/write, faults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SoapError, XmlError, C14nError } from '../../src/errors.js';
import {
  SOAP11_NAMESPACE, SOAP12_NAMESPACE, WSA_NAMESPACE, addAddressing, applyEdits, headerEdits, readAddressing, scanEnvelope, securityFault, soapFault,
} from '../../src/soap/index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const env = (ns: string, header: string | null, body = '<m:Op xmlns:m="urn:m">x</m:Op>'): string =>
  `<?xml version="1.0"?>\n<soap:Envelope xmlns:soap="${ns}">${header === null ? '' : `<soap:Header>${header}</soap:Header>`}\n  <soap:Body>${body}</soap:Body></soap:Envelope>`;

describe('scanEnvelope', () => {
  for (const [version, ns] of [['1.1', SOAP11_NAMESPACE], ['1.2', SOAP12_NAMESPACE]] as const) {
    it(`SOAP ${version}: version, Header, Body and header blocks with byte ranges`, () => {
      const doc = env(ns, `<a:To xmlns:a="${WSA_NAMESPACE}">urn:to</a:To><x:H xmlns:x="urn:x"/>`);
      const bytes = utf8(doc);
      const info = scanEnvelope(bytes);
      assert.equal(info.version, version);
      assert.equal(info.namespace, ns);
      assert.equal(text(bytes.subarray(info.body.el.byteStart, info.body.el.byteEnd)), '<soap:Body><m:Op xmlns:m="urn:m">x</m:Op></soap:Body>');
      assert.match(text(bytes.subarray(info.header!.el.byteStart, info.header!.el.byteEnd)), /^<soap:Header>.*<\/soap:Header>$/);
      assert.deepEqual(info.headers.map((h) => h.el.local), ['To', 'H']);
      assert.equal(text(bytes.subarray(info.headers[1]!.el.byteStart, info.headers[1]!.el.byteEnd)), '<x:H xmlns:x="urn:x"/>');
    });
  }

  it('refuses what is not a SOAP envelope', () => {
    const refuse = (doc: string, cls: new (...a: never[]) => Error = SoapError) => assert.throws(() => scanEnvelope(utf8(doc)), cls, doc);
    refuse('<Envelope xmlns="urn:not-soap"><Body/></Envelope>');
    refuse(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Header/></s:Envelope>`);
    refuse(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body/><s:Header/></s:Envelope>`);
    refuse(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body/><s:Body/></s:Envelope>`);
    refuse(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body/><x/></s:Envelope>`);
    refuse(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body>`, XmlError);
    refuse(`<!DOCTYPE s:Envelope><s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body/></s:Envelope>`, XmlError);
    refuse(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><h u:Id="a"/></s:Header><s:Body u:Id="a"/></s:Envelope>`, C14nError);
    // SOAP 1.1 allows elements after the Body.
    assert.equal(scanEnvelope(utf8(`<s:Envelope xmlns:s="${SOAP11_NAMESPACE}"><s:Body/><x/></s:Envelope>`)).version, '1.1');
  });

  it('creates a Header after the Envelope start tag, in the Envelope\'s prefix, and leaves every other byte alone', () => {
    for (const doc of [env(SOAP12_NAMESPACE, null), `<Envelope xmlns="${SOAP11_NAMESPACE}"><Body/></Envelope>`]) {
      const bytes = utf8(doc);
      const info = scanEnvelope(bytes);
      const out = text(applyEdits(bytes, headerEdits(bytes, info, '<h:X xmlns:h="urn:h"/>')));
      const p = info.envelope.el.prefix === '' ? '' : `${info.envelope.el.prefix}:`;
      assert.equal(out, doc.replace(/(<(soap:)?Envelope[^>]*>)/, `$1<${p}Header><h:X xmlns:h="urn:h"/></${p}Header>`));
      const again = scanEnvelope(utf8(out));
      assert.deepEqual(again.headers.map((h) => h.el.local), ['X']);
    }
  });

  it('appends to an existing empty-element Header', () => {
    const doc = `<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Header/><s:Body/></s:Envelope>`;
    const bytes = utf8(doc);
    assert.equal(text(applyEdits(bytes, headerEdits(bytes, scanEnvelope(bytes), '<y/>'))),
      `<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Header><y/></s:Header><s:Body/></s:Envelope>`);
  });
});

describe('WS-Addressing', () => {
  for (const ns of [SOAP11_NAMESPACE, SOAP12_NAMESPACE]) {
    it(`writes To, Action, MessageID, ReplyTo, RelatesTo and reads them back (${ns === SOAP11_NAMESPACE ? '1.1' : '1.2'})`, () => {
      const headers = {
        to: 'https://svc/x.svc', action: 'http://tempuri.org/I/Op', messageId: 'urn:uuid:0f5d2a5e-1',
        replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', relatesTo: 'urn:uuid:prev & <next>',
      };
      const out = addAddressing(utf8(env(ns, null)), headers);
      const read = readAddressing(out);
      assert.deepEqual(read.values, headers);
      // WCF's order, mustUnderstand on Action and To only, with the envelope's own SOAP prefix.
      assert.deepEqual(read.envelope.headers.map((h) => h.el.local), ['Action', 'MessageID', 'RelatesTo', 'ReplyTo', 'To']);
      assert.match(text(out), /<a:Action xmlns:a="http:\/\/www.w3.org\/2005\/08\/addressing" soap:mustUnderstand="1">/);
      assert.match(text(out), /<a:MessageID xmlns:a="[^"]+">urn:uuid:0f5d2a5e-1<\/a:MessageID>/);
      assert.match(text(out), /&amp; &lt;next&gt;/);
    });
  }

  it('reads the whole text of a header (a comment does not cut it) and refuses a repeated header', () => {
    const doc = env(SOAP12_NAMESPACE, `<a:To xmlns:a="${WSA_NAMESPACE}">https://evil<!---->.example/</a:To>`);
    assert.equal(readAddressing(utf8(doc)).values.to, 'https://evil.example/');
    const twice = env(SOAP12_NAMESPACE, `<a:To xmlns:a="${WSA_NAMESPACE}">x</a:To><a:To xmlns:a="${WSA_NAMESPACE}">y</a:To>`);
    assert.throws(() => readAddressing(utf8(twice)), SoapError);
  });
});

describe('SOAP faults', () => {
  it('SOAP 1.2: Code/Subcode/Reason, no Detail', () => {
    const f = text(securityFault('1.2', 'FailedCheck', { relatesTo: 'urn:uuid:1' }));
    assert.match(f, /<s:Code><s:Value>s:Sender<\/s:Value><s:Subcode><s:Value xmlns:o="[^"]+secext-1.0.xsd">o:FailedCheck<\/s:Value><\/s:Subcode><\/s:Code>/);
    assert.match(f, /<s:Text xml:lang="en">The signature or decryption was invalid<\/s:Text>/);
    assert.match(f, /<a:RelatesTo[^>]*>urn:uuid:1<\/a:RelatesTo>/);
    assert.doesNotMatch(f, /Detail/);
    assert.equal(scanEnvelope(utf8(f)).version, '1.2');
  });

  it('SOAP 1.1: faultcode is the WSS code, faultstring the generic reason', () => {
    const f = text(securityFault('1.1', 'MessageExpired'));
    assert.match(f, /<faultcode xmlns:o="[^"]+">o:MessageExpired<\/faultcode><faultstring xml:lang="en">The message has expired<\/faultstring>/);
    assert.equal(scanEnvelope(utf8(f)).version, '1.1');
    assert.match(text(soapFault({ version: '1.1', code: 'Receiver', reason: 'a < b' })), /<faultcode>s:Server<\/faultcode><faultstring xml:lang="en">a &lt; b</);
  });
});
