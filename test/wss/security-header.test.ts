// The wsse:Security header: building (Strict order, ids, mustUnderstand), reading with byte ranges, SOAP 1.1 and 1.2.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WsSecurityError } from '../../src/errors.js';
import { SOAP11_NAMESPACE, SOAP12_NAMESPACE, WSA_NAMESPACE, addAddressing, applyEdits } from '../../src/soap/index.js';
import {
  WSU_NAMESPACE, checkStrictLayout, prepareSecurity, readSecurity, securityItemEdits, securityScope, tokenReferenceXml, x509Reference,
  type SecurityItem,
} from '../../src/wss/index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);

function envelope(ns: string, header = ''): Uint8Array {
  const plain = utf8(`<s:Envelope xmlns:s="${ns}"><s:Header>${header}</s:Header><s:Body><Echo xmlns="urn:e">hi</Echo></s:Body></s:Envelope>`);
  return addAddressing(plain, { action: 'urn:op', messageId: 'urn:uuid:1', replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://svc/' });
}

describe('prepareSecurity', () => {
  for (const [version, ns] of [['1.1', SOAP11_NAMESPACE], ['1.2', SOAP12_NAMESPACE]] as const) {
    it(`SOAP ${version}: adds Security (mustUnderstand in the envelope's namespace) with a Timestamp first, and wsu:Ids`, () => {
      const p = prepareSecurity(envelope(ns), { timestamp: { now: NOW, ttlMs: 60_000 }, ids: { timestamp: true, body: true, addressing: true } });
      const read = readSecurity(p.bytes);
      assert.equal(read.envelope.version, version);
      const sec = read.security!;
      assert.equal(sec.mustUnderstand, true);
      assert.ok(sec.header.el.attributes.some((a) => a.uri === ns && a.local === 'mustUnderstand' && a.value === '1'));
      assert.deepEqual(sec.parts.map((x) => x.kind), ['timestamp']);
      assert.deepEqual(sec.timestamp, { id: p.ids.timestamp, created: '2024-01-01T12:00:00.000Z', expires: '2024-01-01T12:01:00.000Z' });
      // The Security header is the last header block, after the WS-Addressing headers.
      assert.deepEqual(read.envelope.headers.map((h) => h.el.local), ['Action', 'MessageID', 'ReplyTo', 'To', 'Security']);
      assert.deepEqual(Object.keys(p.ids.addressing).sort(), ['Action', 'MessageID', 'ReplyTo', 'To']);
      const all = [p.ids.timestamp!, p.ids.body!, ...Object.values(p.ids.addressing)];
      assert.equal(new Set(all).size, 6);
      for (const id of all) assert.ok(read.envelope.ids.get(id) !== undefined, id);
      assert.equal(read.envelope.ids.get(p.ids.body!)!.local, 'Body');
      assert.equal(read.addressing.to, 'https://svc/');
      // Byte ranges point at the parts.
      const ts = sec.parts[0]!;
      assert.match(text(p.bytes.subarray(ts.el.byteStart, ts.el.byteEnd)), /^<u:Timestamp [^>]*u:Id="_0"><u:Created>2024-01-01T12:00:00.000Z<\/u:Created>.*<\/u:Timestamp>$/);
      checkStrictLayout(sec);
    });
  }

  it('allocated Ids never collide with Ids already in the message', () => {
    const doc = envelope(SOAP12_NAMESPACE, `<x:Other xmlns:x="urn:x" xmlns:u="${WSU_NAMESPACE}" u:Id="_0"/><x:More xmlns:x="urn:x" Id="_1"/><x:Id xmlns:x="urn:x" ID="_3"/>`);
    const p = prepareSecurity(doc, { ids: { timestamp: true, body: true, addressing: ['To'] } });
    assert.deepEqual([p.ids.timestamp, p.ids.body, p.ids.addressing.To], ['_2', '_4', '_5']);
    assert.equal(p.allocator.next(), '_6');
    readSecurity(p.bytes); // no duplicate Id
  });

  it('keeps existing Ids and an existing Timestamp, and gives a Timestamp without Id one', () => {
    const header = `<o:Security xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><u:Timestamp xmlns:u="${WSU_NAMESPACE}"><u:Created>2024-01-01T00:00:00Z</u:Created></u:Timestamp></o:Security>`;
    const doc = text(envelope(SOAP12_NAMESPACE, header)).replace('<s:Body>', `<s:Body xmlns:u="${WSU_NAMESPACE}" u:Id="body">`);
    const p = prepareSecurity(utf8(doc));
    assert.equal(p.ids.body, 'body');
    assert.equal(p.ids.timestamp, '_0');
    const read = readSecurity(p.bytes);
    assert.equal(read.security!.parts.length, 1);
    assert.equal(read.security!.timestamp!.id, '_0');
    // Only the attribute was added: the rest of the document is unchanged.
    assert.equal(text(p.bytes).replace(/ xmlns:wsu="[^"]+" wsu:Id="_0"/, ''), doc);
  });

  it('a wsu prefix bound to another namespace on the element is not reused for the new attribute', () => {
    const doc = utf8(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body xmlns:wsu="urn:other" wsu:x="1"/></s:Envelope>`);
    const p = prepareSecurity(doc, { timestamp: false });
    assert.match(text(p.bytes), /<s:Body xmlns:wsu="urn:other" wsu:x="1" xmlns:wsu1="[^"]+utility-1.0.xsd" wsu1:Id="_0"\/>/);
    assert.equal(readSecurity(p.bytes).envelope.ids.get('_0')!.local, 'Body');
  });
});

describe('Security header layout', () => {
  const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
  const SC = 'http://schemas.xmlsoap.org/ws/2005/02/sc';

  it('places tokens after the Timestamp and existing tokens, protection elements last (Strict)', () => {
    const start = prepareSecurity(envelope(SOAP12_NAMESPACE), { timestamp: { now: NOW } }).bytes;
    const sig = (n: string): SecurityItem => ({ kind: 'signature', xml: `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="${n}"/>` });
    const secure = readSecurity(start);
    const scope = securityScope(secure);
    const sct: SecurityItem = { kind: 'security-context-token', xml: `<c:SecurityContextToken xmlns:c="${SC}" xmlns:u="${WSU_NAMESPACE}" u:Id="sct"><c:Identifier>urn:uuid:1</c:Identifier></c:SecurityContextToken>` };
    const dkt: SecurityItem = { kind: 'derived-key-token', xml: `<c:DerivedKeyToken xmlns:c="${SC}" xmlns:u="${WSU_NAMESPACE}" u:Id="dk">${tokenReferenceXml({ kind: 'reference', uri: '#sct' }, scope)}<c:Nonce>AAAA</c:Nonce></c:DerivedKeyToken>` };
    const refList: SecurityItem = { kind: 'reference-list', xml: '<e:ReferenceList xmlns:e="http://www.w3.org/2001/04/xmlenc#"><e:DataReference URI="#ed"/></e:ReferenceList>' };
    // Given out of order: the builder sorts by rank and keeps the order within a rank.
    const once = applyEdits(start, securityItemEdits(start, secure, [sig('s1'), sct, refList, dkt]));
    const read1 = readSecurity(once);
    assert.deepEqual(read1.security!.parts.map((p) => p.kind), ['timestamp', 'security-context-token', 'derived-key-token', 'signature', 'reference-list']);
    checkStrictLayout(read1.security!);
    // A second round: a token lands before the protection elements, a new protection element at the end.
    const bst: SecurityItem = { kind: 'binary-security-token', xml: `<o:BinarySecurityToken xmlns:o="${WSSE}">AAAA</o:BinarySecurityToken>` };
    const twice = applyEdits(once, securityItemEdits(once, read1, [sig('s2'), bst]));
    assert.deepEqual(readSecurity(twice).security!.parts.map((p) => p.kind),
      ['timestamp', 'security-context-token', 'derived-key-token', 'binary-security-token', 'signature', 'reference-list', 'signature']);
    assert.throws(() => securityItemEdits(twice, readSecurity(twice), [{ kind: 'timestamp', xml: '<x/>' }]), WsSecurityError);
  });

  it('checkStrictLayout refuses a Timestamp that is not first and a token used before it appears', () => {
    const ts = `<u:Timestamp xmlns:u="${WSU_NAMESPACE}"><u:Created>2024-01-01T00:00:00Z</u:Created></u:Timestamp>`;
    const bst = `<o:BinarySecurityToken xmlns:u="${WSU_NAMESPACE}" u:Id="b">AAAA</o:BinarySecurityToken>`;
    const sig = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><KeyInfo>${tokenReferenceXml(x509Reference('b'))}</KeyInfo></Signature>`;
    const doc = (inner: string) => utf8(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Header><o:Security xmlns:o="${WSSE}">${inner}</o:Security></s:Header><s:Body/></s:Envelope>`);
    checkStrictLayout(readSecurity(doc(ts + bst + sig)).security!);
    const refuse = (inner: string) => assert.throws(() => checkStrictLayout(readSecurity(doc(inner)).security!), (e: unknown) => e instanceof WsSecurityError && e.code === 'SECURITY_HEADER');
    refuse(bst + ts + sig);
    refuse(ts + sig + bst);
  });

  it('refuses two Security headers and two Timestamps', () => {
    const sec = `<o:Security xmlns:o="${WSSE}"/>`;
    assert.throws(() => readSecurity(utf8(`<s:Envelope xmlns:s="${SOAP11_NAMESPACE}"><s:Header>${sec}${sec}</s:Header><s:Body/></s:Envelope>`)), WsSecurityError);
    const ts = `<u:Timestamp xmlns:u="${WSU_NAMESPACE}"/>`;
    assert.throws(() => readSecurity(utf8(`<s:Envelope xmlns:s="${SOAP11_NAMESPACE}"><s:Header><o:Security xmlns:o="${WSSE}">${ts}${ts}</o:Security></s:Header><s:Body/></s:Envelope>`)), WsSecurityError);
  });

  it('reads a WCF capture: Timestamp, SCT and Signature with ranges', async () => {
    const { readFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    const bytes = new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/vectors/wcf/app-request.xml')));
    const read = readSecurity(bytes);
    assert.equal(read.envelope.version, '1.2');
    assert.deepEqual(read.security!.parts.map((p) => p.kind), ['timestamp', 'security-context-token', 'signature']);
    assert.equal(read.security!.timestamp!.id, '_0');
    assert.ok(read.addressing.action !== undefined && read.addressing.to !== undefined);
    for (const p of read.security!.parts) assert.equal(bytes[p.el.byteStart], 0x3c);
    checkStrictLayout(read.security!);
  });
});

void WSA_NAMESPACE;

describe('readSecurity in SOAP 1.1 with elements after the Body', () => {
  it('a Security block inside a non-SOAP "Header" after the Body is not the Security header', () => {
    const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
    const ts = (c: string) => `<o:Security xmlns:o="${WSSE}"><u:Timestamp xmlns:u="${WSU_NAMESPACE}"><u:Created>${c}</u:Created></u:Timestamp></o:Security>`;
    const doc = `<s:Envelope xmlns:s="${SOAP11_NAMESPACE}"><s:Header>${ts('2024-01-01T00:00:00Z')}</s:Header><s:Body/>` +
      `<x:Header xmlns:x="urn:x">${ts('2030-01-01T00:00:00Z')}</x:Header></s:Envelope>`;
    const read = readSecurity(utf8(doc));
    assert.equal(read.security!.timestamp!.created, '2024-01-01T00:00:00Z');
  });
});
