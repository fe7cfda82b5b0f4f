// DerivedKeyToken (WS-SC 1.3 §7): WCF's wire shape, round trips in both versions, P_SHA1 derivation against
// ../shared/vectors/psha1.json and an independent P_SHA1, and the refusal of every hostile parameter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TokenError, XmlError } from '../../src/errors.js';
import {
  DEFAULT_DERIVED_KEY_LIMITS,
  DEFAULT_LABEL,
  WSSC_13,
  WSSC_FEB2005,
  WSSE_NAMESPACE,
  WSU_NAMESPACE,
  buildDerivedKeyToken,
  deriveKey,
  derivedKeyOffset,
  newDerivedKeyToken,
  parseDerivedKeyToken,
  sctExternalReference,
  sctLocalReference,
  type DerivedKeyLimits,
  type DerivedKeyToken,
  type WsscVersion,
} from '../../src/wssc/index.js';
import { js, nodeProvider, wasm, initSync } from '../../src/crypto/index.js';
import { vectorPath } from '../helpers/vectors.js';
import { WCF, assertRefused, b64, independentPHash, text, toB64, utf8 } from './helpers.js';

interface PHashVector {
  name: string;
  hash: 'sha1' | 'sha256';
  secret: string;
  seed: string;
  length: number;
  offset: number;
  output: string;
}
const vectors = (JSON.parse(readFileSync(vectorPath('psha1.json'), 'utf8')) as { vectors: PHashVector[] }).vectors;
const byName = (name: string): PHashVector => {
  const v = vectors.find((x) => x.name === name);
  assert.ok(v, name);
  return v;
};
const NONCE_0_15 = Uint8Array.from({ length: 16 }, (_, i) => i);
const SCT_KEY = b64(WCF.sctKey);
const versions: WsscVersion[] = [WSSC_FEB2005, WSSC_13];

test('psha1.json DK vectors: Basic256 signing (24 B), encryption (32 B), Generation 2 × 32 = offset 64', () => {
  const cases: [string, Partial<DerivedKeyToken>][] = [
    ['basic256-signing-dk', { length: 24, offset: 0 }],
    ['basic256-encryption-dk', { length: 32 }],
    ['generation-2-length-32', { length: 32, generation: 2 }],
    ['offset-7-length-45', { length: 45, offset: 7 }],
  ];
  for (const [name, params] of cases) {
    const v = byName(name);
    // The vector's seed is the default label followed by the nonce 00..0f, and its secret is the capture's SCT key.
    assert.equal(text(b64(v.seed).subarray(0, 42)), DEFAULT_LABEL);
    assert.deepEqual(b64(v.seed).subarray(42), NONCE_0_15);
    assert.equal(v.secret, WCF.sctKey);
    const dkt = newDerivedKeyToken({ version: WSSC_FEB2005, reference: sctLocalReference(WSSC_FEB2005, WCF.sctId), nonce: NONCE_0_15, ...params });
    assert.equal(derivedKeyOffset(dkt), v.offset, name);
    assert.equal(toB64(deriveKey(dkt, SCT_KEY)), v.output, name);
    // And after a trip through the wire form (limits raised for the 45-byte case).
    const parsed = parseDerivedKeyToken(buildDerivedKeyToken(dkt), { dktLimits: { maxLength: 64 } });
    assert.equal(toB64(deriveKey(parsed, SCT_KEY)), v.output, name);
  }
});

test('psha1.json: the mono default-label vector (256 zero-byte nonce) through deriveKey', () => {
  const v = byName('derived-key-default-label');
  const nonce = b64(v.seed).subarray(42);
  assert.equal(nonce.length, 256);
  const dkt = newDerivedKeyToken({ version: WSSC_13, reference: sctExternalReference(WSSC_13, 'urn:x'), nonce });
  assert.equal(toB64(deriveKey(dkt, b64(v.secret))), v.output);
});

test('deriveKey equals an independent P_SHA1 over createHmac for random keys, nonces, labels, lengths and positions', () => {
  initSync();
  const providers = [undefined, js, wasm, nodeProvider()];
  for (let i = 0; i < 200; i++) {
    const secret = new Uint8Array(crypto.getRandomValues(new Uint8Array(1 + (i % 80))));
    const nonce = crypto.getRandomValues(new Uint8Array(16 + (i % 113)));
    const length = 1 + ((i * 7) % 64);
    const label = i % 3 === 0 ? undefined : i % 3 === 1 ? 'WS-SecureConversation' : `label-${i}-é`;
    const position = i % 2 === 0 ? { offset: (i * 13) % 65 } : { generation: i % 3 };
    const dkt = newDerivedKeyToken({ version: versions[i % 2]!, reference: sctLocalReference(WSSC_13, 'x'), nonce, length, ...position, ...(label === undefined ? {} : { label }) });
    const seed = new Uint8Array([...utf8(label ?? DEFAULT_LABEL), ...nonce]);
    const expected = independentPHash('sha1', secret, seed, length, derivedKeyOffset(dkt));
    for (const p of providers) assert.deepEqual(deriveKey(dkt, secret, p), expected, `case ${i} ${p?.name ?? 'auto'}`);
  }
});

test('WCF wire shape: Basic256 signing DKT has Offset 0 and Length 24, the encryption DKT only a Nonce (protocol.md §5.1)', () => {
  const c = WSSC_FEB2005.sc;
  const ref = { kind: 'reference' as const, uri: `#${WCF.sctId}` };
  const sign = buildDerivedKeyToken(newDerivedKeyToken({ version: WSSC_FEB2005, id: '_0', reference: ref, length: 24, nonce: NONCE_0_15 }), { u: WSU_NAMESPACE, o: WSSE_NAMESPACE });
  assert.equal(
    text(sign),
    `<c:DerivedKeyToken u:Id="_0" xmlns:c="${c}"><o:SecurityTokenReference><o:Reference URI="#${WCF.sctId}"></o:Reference></o:SecurityTokenReference>` +
      `<c:Offset>0</c:Offset><c:Length>24</c:Length><c:Nonce>AAECAwQFBgcICQoLDA0ODw==</c:Nonce></c:DerivedKeyToken>`,
  );
  const enc = text(buildDerivedKeyToken(newDerivedKeyToken({ version: WSSC_FEB2005, id: '_1', reference: ref, nonce: NONCE_0_15 }), { u: WSU_NAMESPACE, o: WSSE_NAMESPACE }));
  assert.ok(!enc.includes('Offset') && !enc.includes('Length') && !enc.includes('Generation') && !enc.includes('Label'), enc);
  assert.ok(enc.includes('<c:Nonce>AAECAwQFBgcICQoLDA0ODw==</c:Nonce>'));
  // 32 bytes at a non-zero position: Offset without Length; Generation written as Generation.
  const off = text(buildDerivedKeyToken(newDerivedKeyToken({ version: WSSC_13, reference: ref, offset: 32, nonce: NONCE_0_15 })));
  assert.ok(off.includes('<sc:Offset>32</sc:Offset><sc:Nonce>') && !off.includes('Length'), off);
  const gen = text(buildDerivedKeyToken(newDerivedKeyToken({ version: WSSC_13, reference: ref, generation: 1, length: 16, nonce: NONCE_0_15 })));
  assert.ok(gen.includes('<sc:Generation>1</sc:Generation><sc:Length>16</sc:Length>'), gen);
  // A standalone DKT declares every prefix it uses, and a fresh one gets a 16-byte random nonce.
  assert.ok(off.startsWith(`<sc:DerivedKeyToken xmlns:sc="${WSSC_13.sc}"><o:SecurityTokenReference xmlns:o="${WSSE_NAMESPACE}">`), off);
  assert.equal(newDerivedKeyToken({ version: WSSC_13, reference: ref }).nonce.length, 16);
});

test('DKT round trips in both versions (Id, STR forms, Offset / Generation, Length, Label, Nonce)', () => {
  for (const version of versions) {
    const refs = [
      sctLocalReference(version, 'sct-1'),
      sctExternalReference(version, 'urn:uuid:0000', 'urn:uuid:1111'),
      { kind: 'reference' as const, uri: '#_0' },
      { kind: 'keyIdentifier' as const, valueType: 'http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKeySHA1', value: 'AAECAwQFBgcICQoLDA0ODxAREhM=' },
    ];
    for (const reference of refs) {
      for (const extra of [{}, { offset: 0, length: 24 }, { generation: 2, length: 16 }, { offset: 64 }, { label: 'custom label' }]) {
        const dkt = newDerivedKeyToken({ version, id: 'dk-1', reference, nonce: crypto.getRandomValues(new Uint8Array(16)), ...extra });
        const bytes = buildDerivedKeyToken(dkt);
        assert.ok(text(bytes).startsWith(`<${version.scPrefix}:DerivedKeyToken u:Id="dk-1" xmlns:${version.scPrefix}="${version.sc}" xmlns:u="${WSU_NAMESPACE}">`));
        const back = parseDerivedKeyToken(bytes, { version });
        assert.equal(back.version, version);
        assert.deepEqual({ ...back, version: 0 }, { ...dkt, version: 0 });
        assert.deepEqual(deriveKey(back, SCT_KEY), deriveKey(dkt, SCT_KEY));
      }
    }
  }
});

test("WCF's Label written inside a Generation element is read as the Label (protocol.md §2.2)", () => {
  const c = WSSC_FEB2005.sc;
  const xml = `<c:DerivedKeyToken xmlns:c="${c}" xmlns:o="${WSSE_NAMESPACE}"><o:SecurityTokenReference><o:Reference URI="#x"/></o:SecurityTokenReference><c:Offset>0</c:Offset><c:Length>24</c:Length><c:Generation>my label</c:Generation><c:Nonce>AAECAwQFBgcICQoLDA0ODw==</c:Nonce></c:DerivedKeyToken>`;
  const dkt = parseDerivedKeyToken(utf8(xml));
  assert.equal(dkt.label, 'my label');
  assert.equal(dkt.offset, 0);
  assert.equal(dkt.generation, undefined);
  assertRefused(() => parseDerivedKeyToken(utf8(xml), { dktLimits: { labelPolicy: 'default-only' } }), TokenError, 'DKT_LABEL');
});

// ---------------------------------------------------------------------------------------------------------------
// Refusals

const SC = WSSC_FEB2005.sc;
const NONCE16 = 'AAECAwQFBgcICQoLDA0ODw==';
const nonceOf = (n: number): string => Buffer.alloc(n, 7).toString('base64');
const STR = `<o:SecurityTokenReference><o:Reference URI="#sct"/></o:SecurityTokenReference>`;
const dktXml = (inner: string, attrs = ''): Uint8Array =>
  utf8(`<c:DerivedKeyToken xmlns:c="${SC}" xmlns:o="${WSSE_NAMESPACE}"${attrs}>${inner}</c:DerivedKeyToken>`);

test('a plain hostile-free DKT parses with the defaults (control for the refusals below)', () => {
  const dkt = parseDerivedKeyToken(dktXml(`${STR}<c:Offset>64</c:Offset><c:Length>64</c:Length><c:Label>${'L'.repeat(128)}</c:Label><c:Nonce>${nonceOf(128)}</c:Nonce>`));
  assert.equal(dkt.offset, 64);
  assert.equal(dkt.length, 64);
  assert.equal(dkt.nonce.length, 128);
  assert.deepEqual(DEFAULT_DERIVED_KEY_LIMITS satisfies DerivedKeyLimits, { maxOffset: 64, maxLength: 64, minNonceLength: 16, maxNonceLength: 128, maxLabelLength: 128, labelPolicy: 'any' });
});

const refusals: [string, string, string, Partial<DerivedKeyLimits>?][] = [
  ['Offset 65', `${STR}<c:Offset>65</c:Offset><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_OFFSET_LIMIT'],
  ['Offset 2^64', `${STR}<c:Offset>18446744073709551616</c:Offset><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_OFFSET_LIMIT'],
  ['Generation 3 × default Length 32 = 96', `${STR}<c:Generation>3</c:Generation><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_OFFSET_LIMIT'],
  ['Generation 5 × Length 16 = 80', `${STR}<c:Generation>5</c:Generation><c:Length>16</c:Length><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_OFFSET_LIMIT'],
  ['Length 65', `${STR}<c:Offset>0</c:Offset><c:Length>65</c:Length><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_LENGTH_LIMIT'],
  ['Length 1000000', `${STR}<c:Offset>0</c:Offset><c:Length>1000000</c:Length><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_LENGTH_LIMIT'],
  ['Length 0', `${STR}<c:Offset>0</c:Offset><c:Length>0</c:Length><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_LENGTH_LIMIT'],
  ['Length 33 over a configured maximum of 32', `${STR}<c:Offset>0</c:Offset><c:Length>33</c:Length><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_LENGTH_LIMIT', { maxLength: 32 }],
  ['a 129-byte nonce', `${STR}<c:Nonce>${nonceOf(129)}</c:Nonce>`, 'DKT_NONCE_LENGTH'],
  ['a 100 KB nonce', `${STR}<c:Nonce>${nonceOf(100_000)}</c:Nonce>`, 'DKT_NONCE_LENGTH'],
  ['a 15-byte nonce', `${STR}<c:Nonce>${nonceOf(15)}</c:Nonce>`, 'DKT_NONCE_LENGTH'],
  ['an empty nonce', `${STR}<c:Nonce></c:Nonce>`, 'DKT_NONCE_LENGTH'],
  ['no nonce', `${STR}<c:Offset>0</c:Offset><c:Length>24</c:Length>`, 'DKT_NONCE_MISSING'],
  ['a 129-character label', `${STR}<c:Label>${'L'.repeat(129)}</c:Label><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_LABEL'],
  ['a custom label under the default-only policy', `${STR}<c:Label>other</c:Label><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_LABEL', { labelPolicy: 'default-only' }],
  ['Generation then Offset', `${STR}<c:Generation>0</c:Generation><c:Offset>0</c:Offset><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_GENERATION_AND_OFFSET'],
  ['Offset then Generation', `${STR}<c:Offset>0</c:Offset><c:Generation>0</c:Generation><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_GENERATION_AND_OFFSET'],
  ['Properties', `${STR}<c:Properties/><c:Nonce>${NONCE16}</c:Nonce>`, 'DKT_PROPERTIES'],
  ['no SecurityTokenReference', `<c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_REFERENCE'],
  ['an STR with two clauses', `<o:SecurityTokenReference><o:Reference URI="#a"/><o:Reference URI="#b"/></o:SecurityTokenReference><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_REFERENCE'],
  ['an STR with an embedded token', `<o:SecurityTokenReference><o:Embedded/></o:SecurityTokenReference><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_REFERENCE'],
  ['a Reference without URI', `<o:SecurityTokenReference><o:Reference/></o:SecurityTokenReference><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_REFERENCE'],
  ['Length before Offset', `${STR}<c:Length>24</c:Length><c:Offset>0</c:Offset><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['Nonce before Length', `${STR}<c:Nonce>${NONCE16}</c:Nonce><c:Length>24</c:Length>`, 'TOKEN_STRUCTURE'],
  ['two Nonces', `${STR}<c:Nonce>${NONCE16}</c:Nonce><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['a negative Offset', `${STR}<c:Offset>-1</c:Offset><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['a hex Length', `${STR}<c:Length>0x20</c:Length><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['a nonce that is not base64', `${STR}<c:Nonce>AAEC!!AwQFBgcICQoLDA0ODw==</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['an element inside Nonce', `${STR}<c:Nonce>${NONCE16}<c:x/></c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['an empty Generation', `${STR}<c:Generation> </c:Generation><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['a misnamed label (Generation) after a Label', `${STR}<c:Label>a</c:Label><c:Generation>b</c:Generation><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['an unknown child', `${STR}<c:Foo/><c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
  ['text content', `${STR}junk<c:Nonce>${NONCE16}</c:Nonce>`, 'TOKEN_STRUCTURE'],
];
for (const [name, inner, code, limits] of refusals) {
  test(`DKT refused (${code}): ${name}`, () => {
    assertRefused(() => parseDerivedKeyToken(dktXml(inner), limits === undefined ? {} : { dktLimits: limits }), TokenError, code);
  });
}

test('DKT refused: an Algorithm other than P_SHA1 of its version (DKT_ALGORITHM); P_SHA1 itself is accepted', () => {
  const inner = `${STR}<c:Nonce>${NONCE16}</c:Nonce>`;
  assertRefused(() => parseDerivedKeyToken(dktXml(inner, ' Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"')), TokenError, 'DKT_ALGORITHM');
  assertRefused(() => parseDerivedKeyToken(dktXml(inner, ` Algorithm="${WSSC_13.pSha1}"`)), TokenError, 'DKT_ALGORITHM');
  assert.equal(parseDerivedKeyToken(dktXml(inner, ` Algorithm="${WSSC_FEB2005.pSha1}"`)).length, 32);
});

test('DKT refused: the other WS-SC version when one is expected, a non-WS-SC element, and a DTD (XmlError)', () => {
  const inner = `${STR}<c:Nonce>${NONCE16}</c:Nonce>`;
  assertRefused(() => parseDerivedKeyToken(dktXml(inner), { version: WSSC_13 }), TokenError, 'TOKEN_VERSION');
  assertRefused(() => parseDerivedKeyToken(utf8(`<c:DerivedKeyToken xmlns:c="urn:other" xmlns:o="${WSSE_NAMESPACE}">${inner}</c:DerivedKeyToken>`)), TokenError, 'TOKEN_VERSION');
  assertRefused(() => parseDerivedKeyToken(utf8(`<!DOCTYPE x [<!ENTITY e "x">]><x/>`)), XmlError, 'XML_DTD');
});

test('a DKT inside a SOAP Body is read; one in a header is not looked for', () => {
  const dkt = `<c:DerivedKeyToken xmlns:c="${SC}" xmlns:o="${WSSE_NAMESPACE}">${STR}<c:Nonce>${NONCE16}</c:Nonce></c:DerivedKeyToken>`;
  const env = (header: string, body: string) => utf8(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`);
  assert.equal(parseDerivedKeyToken(env('', dkt)).nonce.length, 16);
  assertRefused(() => parseDerivedKeyToken(env(dkt, '')), TokenError, 'TOKEN_STRUCTURE');
});
