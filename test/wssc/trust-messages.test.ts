// WS-Trust RST/RSTR for SCTs (WS-Trust 1.3 §3-§4, §6-§7): every builder through its parser in both versions,
// the namespaces and wrapping of protocol.md §1.2-§1.5, and the refusal of malformed requests and responses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenError, TrustError } from '../../src/errors.js';
import {
  WSSC_13,
  WSSC_FEB2005,
  WSSE_NAMESPACE,
  WSU_NAMESPACE,
  buildCancelRequest,
  buildCancelResponse,
  buildIssueRequest,
  buildIssueResponse,
  buildRenewRequest,
  parseLifetimeDateTime,
  parseRequest,
  parseResponse,
  sctExternalReference,
  sctLocalReference,
  type WsscVersion,
} from '../../src/wssc/index.js';
import { assertRefused, text, utf8 } from './helpers.js';

const versions: WsscVersion[] = [WSSC_FEB2005, WSSC_13];
const rand = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const lifetime = { created: new Date('2024-02-14T02:06:53.311Z'), expires: new Date('2024-02-14T17:06:53.311Z') };

for (const v of versions) {
  const t = v.trustPrefix;

  test(`${v.name}: Issue RST round trip, WCF element order and namespaces`, () => {
    const entropy = rand(32);
    const bytes = buildIssueRequest({ version: v, entropy, entropyId: 'uuid-x-1', keySize: 256 });
    const s = text(bytes);
    assert.ok(s.startsWith(`<${t}:RequestSecurityToken xmlns:${t}="${v.trust}"><${t}:TokenType>${v.sctTokenType}</${t}:TokenType><${t}:RequestType>${v.requestTypes.issue}</${t}:RequestType><${t}:Entropy>`), s);
    assert.ok(s.includes(`<${t}:BinarySecret u:Id="uuid-x-1" Type="${v.nonceType}" xmlns:u="${WSU_NAMESPACE}">`), s);
    assert.ok(s.endsWith(`</${t}:Entropy><${t}:KeySize>256</${t}:KeySize></${t}:RequestSecurityToken>`), s);
    const r = parseRequest(bytes, { expect: 'issue' });
    assert.equal(r.version, v);
    assert.equal(r.requestType, 'issue');
    assert.equal(r.tokenType, v.sctTokenType);
    assert.deepEqual(r.entropy, entropy);
    assert.equal(r.keySize, 256);
    assert.equal(r.renewTarget, undefined);
    assert.equal(r.cancelTarget, undefined);
    // Server entropy mode: no Entropy; with ComputedKeyAlgorithm and a Context.
    const r2 = parseRequest(buildIssueRequest({ version: v, keySize: 128, computedKeyAlgorithm: true, context: 'ctx-1' }));
    assert.equal(r2.entropy, undefined);
    assert.equal(r2.computedKeyAlgorithm, v.computedKeyPSha1);
    assert.equal(r2.context, 'ctx-1');
    assert.equal(r2.keySize, 128);
  });

  test(`${v.name}: Renew RST round trip with RenewTarget = the unattached reference with Instance`, () => {
    const entropy = rand(32);
    const target = sctExternalReference(v, 'urn:uuid:ctx', 'urn:uuid:gen-1');
    const bytes = buildRenewRequest({ version: v, entropy, keySize: 256, target });
    const s = text(bytes);
    assert.ok(s.includes(`<${t}:RequestType>${v.requestTypes.renew}</${t}:RequestType>`), s);
    assert.ok(s.includes(`<${t}:RenewTarget><o:SecurityTokenReference xmlns:o="${WSSE_NAMESPACE}"><o:Reference URI="urn:uuid:ctx" ValueType="${v.sctTokenType}" ${v.scPrefix}:Instance="urn:uuid:gen-1" xmlns:${v.scPrefix}="${v.sc}">`), s);
    const r = parseRequest(bytes, { expect: 'renew', version: v });
    assert.equal(r.requestType, 'renew');
    assert.deepEqual(r.entropy, entropy);
    assert.deepEqual(r.renewTarget, target);
  });

  test(`${v.name}: Cancel RST round trip`, () => {
    const target = sctExternalReference(v, 'urn:uuid:ctx');
    const bytes = buildCancelRequest({ version: v, target });
    assert.equal(
      text(bytes),
      `<${t}:RequestSecurityToken xmlns:${t}="${v.trust}"><${t}:RequestType>${v.requestTypes.cancel}</${t}:RequestType><${t}:CancelTarget>` +
        `<o:SecurityTokenReference xmlns:o="${WSSE_NAMESPACE}"><o:Reference URI="urn:uuid:ctx" ValueType="${v.sctTokenType}"></o:Reference></o:SecurityTokenReference></${t}:CancelTarget></${t}:RequestSecurityToken>`,
    );
    const r = parseRequest(bytes, { expect: 'cancel' });
    assert.deepEqual(r.cancelTarget, target);
  });

  test(`${v.name}: Issue RSTR round trip (combined entropy), wrapped in an RSTRC only for 1.3`, () => {
    const token = { version: v, identifier: 'urn:uuid:ctx', id: 'uuid-a-1' };
    const entropy = rand(32);
    const bytes = buildIssueResponse({ version: v, token, proof: { kind: 'computedKey' }, entropy, entropyId: 'uuid-a-2', lifetime, keySize: 256 });
    const s = text(bytes);
    if (v === WSSC_13) {
      assert.ok(s.startsWith(`<${t}:RequestSecurityTokenResponseCollection xmlns:${t}="${v.trust}"><${t}:RequestSecurityTokenResponse xmlns:u="${WSU_NAMESPACE}"><${t}:TokenType>`), s);
    } else {
      assert.ok(s.startsWith(`<${t}:RequestSecurityTokenResponse xmlns:${t}="${v.trust}" xmlns:u="${WSU_NAMESPACE}"><${t}:TokenType>`), s);
    }
    assert.ok(s.includes(`<${t}:RequestedProofToken><${t}:ComputedKey>${v.computedKeyPSha1}</${t}:ComputedKey></${t}:RequestedProofToken>`), s);
    assert.ok(s.includes(`<${v.scPrefix}:SecurityContextToken u:Id="uuid-a-1" xmlns:${v.scPrefix}="${v.sc}">`), s);
    const r = parseResponse(bytes, { version: v });
    assert.equal(r.version, v);
    assert.equal(r.wrapped, v === WSSC_13);
    assert.deepEqual(r.token, token);
    assert.deepEqual(r.attachedReference, sctLocalReference(v, 'uuid-a-1'));
    assert.deepEqual(r.unattachedReference, sctExternalReference(v, 'urn:uuid:ctx'));
    assert.deepEqual(r.proof, { kind: 'computedKey' });
    assert.deepEqual(r.entropy, entropy);
    assert.deepEqual(r.lifetime, lifetime);
    assert.equal(r.keySize, 256);
    assert.equal(r.cancelled, false);
    // Either wrapping parses; a bare 1.3 RSTR is reported as such.
    assert.equal(parseResponse(buildIssueResponse({ version: v, token, wrap: v !== WSSC_13 })).wrapped, v !== WSSC_13);
  });

  test(`${v.name}: Renew RSTR (new Instance; unattached reference carries it) and server-entropy proof round trips`, () => {
    const token = { version: v, identifier: 'urn:uuid:ctx', instance: 'urn:uuid:gen-2', id: 'uuid-b-1' };
    const key = rand(32);
    const r = parseResponse(buildIssueResponse({ version: v, token, proof: { kind: 'binarySecret', key }, lifetime }));
    assert.deepEqual(r.token, token);
    assert.deepEqual(r.unattachedReference, sctExternalReference(v, 'urn:uuid:ctx', 'urn:uuid:gen-2'));
    assert.deepEqual(r.proof, { kind: 'binarySecret', key });
    assert.equal(r.entropy, undefined);
    // Client entropy mode: no proof token, no references when told so.
    const r2 = parseResponse(buildIssueResponse({ version: v, token: { version: v, identifier: 'urn:x' }, attachedReference: null, unattachedReference: null }));
    assert.equal(r2.proof, undefined);
    assert.equal(r2.attachedReference, undefined);
    assert.equal(r2.unattachedReference, undefined);
  });

  test(`${v.name}: Cancel RSTR round trip (RequestedTokenCancelled; RSTRC for 1.3)`, () => {
    const bytes = buildCancelResponse({ version: v });
    const s = text(bytes);
    assert.ok(s.includes(`<${t}:RequestedTokenCancelled></${t}:RequestedTokenCancelled>`), s);
    assert.equal(s.startsWith(`<${t}:RequestSecurityTokenResponseCollection`), v === WSSC_13);
    const r = parseResponse(bytes);
    assert.equal(r.cancelled, true);
    assert.equal(r.token, undefined);
    assert.equal(r.wrapped, v === WSSC_13);
  });
}

test('builders reuse prefixes already in scope and the parsers read an RST/RSTR in a SOAP 1.1 Body', () => {
  const v = WSSC_FEB2005;
  const s = text(buildIssueRequest({ version: v, entropy: rand(16), entropyId: 'e' }, { t: v.trust, u: WSU_NAMESPACE }));
  assert.ok(!s.includes('xmlns'), s);
  const env = utf8(`<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="${v.trust}" xmlns:u="${WSU_NAMESPACE}"><S:Header/><S:Body>${s}</S:Body></S:Envelope>`);
  assert.equal(parseRequest(env).entropy?.length, 16);
});

test('xs:dateTime: zones, fractions, and refusals', () => {
  assert.equal(parseLifetimeDateTime('2024-02-14T02:06:53.311Z')?.toISOString(), '2024-02-14T02:06:53.311Z');
  assert.equal(parseLifetimeDateTime('2024-02-14T02:06:53Z')?.toISOString(), '2024-02-14T02:06:53.000Z');
  assert.equal(parseLifetimeDateTime('2024-02-14T03:06:53.3119999+01:00')?.toISOString(), '2024-02-14T02:06:53.311Z');
  for (const bad of ['2024-02-14T02:06:53', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-02-14 02:06:53Z', 'x', '2024-02-14T25:00:00Z']) {
    assert.equal(parseLifetimeDateTime(bad), undefined, bad);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Refusals

const F = WSSC_FEB2005;
const T13 = WSSC_13;
const B64_32 = Buffer.alloc(32, 9).toString('base64');
const rst = (inner: string, ns = F.trust): Uint8Array =>
  utf8(`<t:RequestSecurityToken xmlns:t="${ns}" xmlns:o="${WSSE_NAMESPACE}">${inner}</t:RequestSecurityToken>`);
const ISSUE = `<t:RequestType>${F.requestTypes.issue}</t:RequestType>`;
const TARGET = `<o:SecurityTokenReference><o:Reference URI="urn:x"/></o:SecurityTokenReference>`;

const rstRefusals: [string, Uint8Array, typeof TrustError | typeof TokenError, string][] = [
  ['no RequestType', rst(`<t:TokenType>${F.sctTokenType}</t:TokenType>`), TrustError, 'REQUEST_TYPE'],
  ['an unknown RequestType', rst(`<t:RequestType>${F.trust}/Validate</t:RequestType>`), TrustError, 'REQUEST_TYPE'],
  ['a 1.3 RequestType in a Feb 2005 RST', rst(`<t:RequestType>${T13.requestTypes.issue}</t:RequestType>`), TrustError, 'REQUEST_TYPE'],
  ['two RequestTypes', rst(ISSUE + ISSUE), TrustError, 'TRUST_STRUCTURE'],
  ['a TokenType other than the SCT', rst(`<t:TokenType>urn:oasis:names:tc:SAML:2.0:assertion</t:TokenType>${ISSUE}`), TrustError, 'TOKEN_TYPE'],
  ['zero-length entropy', rst(`${ISSUE}<t:Entropy><t:BinarySecret Type="${F.nonceType}"></t:BinarySecret></t:Entropy>`), TrustError, 'ENTROPY_LENGTH'],
  ['2 KB of entropy', rst(`${ISSUE}<t:Entropy><t:BinarySecret>${Buffer.alloc(2048, 1).toString('base64')}</t:BinarySecret></t:Entropy>`), TrustError, 'ENTROPY_LENGTH'],
  ['entropy of Type SymmetricKey', rst(`${ISSUE}<t:Entropy><t:BinarySecret Type="${F.trust}/SymmetricKey">${B64_32}</t:BinarySecret></t:Entropy>`), TrustError, 'ENTROPY_TYPE'],
  ['encrypted entropy', rst(`${ISSUE}<t:Entropy><e:EncryptedKey xmlns:e="http://www.w3.org/2001/04/xmlenc#"/></t:Entropy>`), TrustError, 'TRUST_STRUCTURE'],
  ['two BinarySecrets in Entropy', rst(`${ISSUE}<t:Entropy><t:BinarySecret>${B64_32}</t:BinarySecret><t:BinarySecret>${B64_32}</t:BinarySecret></t:Entropy>`), TrustError, 'TRUST_STRUCTURE'],
  ['entropy that is not base64', rst(`${ISSUE}<t:Entropy><t:BinarySecret>***</t:BinarySecret></t:Entropy>`), TrustError, 'TRUST_STRUCTURE'],
  ['an unknown ComputedKeyAlgorithm', rst(`${ISSUE}<t:ComputedKeyAlgorithm>${F.trust}/CK/HASH</t:ComputedKeyAlgorithm>`), TrustError, 'COMPUTED_KEY_ALGORITHM'],
  ['a KeySize that is not a number', rst(`${ISSUE}<t:KeySize>big</t:KeySize>`), TrustError, 'TRUST_STRUCTURE'],
  ['a huge KeySize', rst(`${ISSUE}<t:KeySize>99999999999999999999</t:KeySize>`), TrustError, 'KEY_SIZE'],
  ['a CancelTarget in an Issue request', rst(`${ISSUE}<t:CancelTarget>${TARGET}</t:CancelTarget>`), TrustError, 'TRUST_STRUCTURE'],
  ['a RenewTarget in an Issue request', rst(`${ISSUE}<t:RenewTarget>${TARGET}</t:RenewTarget>`), TrustError, 'TRUST_STRUCTURE'],
  ['a Renew request without RenewTarget', rst(`<t:RequestType>${F.requestTypes.renew}</t:RequestType>`), TrustError, 'TRUST_STRUCTURE'],
  ['a Cancel request without CancelTarget', rst(`<t:RequestType>${F.requestTypes.cancel}</t:RequestType>`), TrustError, 'TRUST_STRUCTURE'],
  ['a Cancel request with entropy', rst(`<t:RequestType>${F.requestTypes.cancel}</t:RequestType><t:Entropy><t:BinarySecret>${B64_32}</t:BinarySecret></t:Entropy><t:CancelTarget>${TARGET}</t:CancelTarget>`), TrustError, 'TRUST_STRUCTURE'],
  ['a CancelTarget with an empty STR', rst(`<t:RequestType>${F.requestTypes.cancel}</t:RequestType><t:CancelTarget><o:SecurityTokenReference/></t:CancelTarget>`), TokenError, 'TOKEN_REFERENCE'],
  ['a 1.3 element inside a Feb 2005 RST', rst(`${ISSUE}<x:KeySize xmlns:x="${T13.trust}">256</x:KeySize>`), TrustError, 'TRUST_VERSION'],
  ['an RST in no WS-Trust namespace', rst(ISSUE.replace(/t:/g, 't:'), 'urn:not-trust'), TrustError, 'TRUST_VERSION'],
];
for (const [name, bytes, cls, code] of rstRefusals) {
  test(`RST refused (${code}): ${name}`, () => assertRefused(() => parseRequest(bytes), cls, code));
}

test('RST refused: expected version or kind differs (TRUST_VERSION, REQUEST_TYPE); unknown extensions are skipped', () => {
  const ok = buildIssueRequest({ version: F, entropy: rand(32), keySize: 256 });
  assertRefused(() => parseRequest(ok, { version: T13 }), TrustError, 'TRUST_VERSION');
  assertRefused(() => parseRequest(ok, { expect: 'renew' }), TrustError, 'REQUEST_TYPE');
  const ext = rst(`${ISSUE}<wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><x/></wsp:AppliesTo><t:KeyType>${F.trust}/SymmetricKey</t:KeyType>`);
  assert.equal(parseRequest(ext).requestType, 'issue');
});

const rstr = (inner: string, ns = F.trust): Uint8Array =>
  utf8(`<t:RequestSecurityTokenResponse xmlns:t="${ns}" xmlns:o="${WSSE_NAMESPACE}" xmlns:u="${WSU_NAMESPACE}" xmlns:c="${F.sc}">${inner}</t:RequestSecurityTokenResponse>`);
const SCT = `<t:RequestedSecurityToken><c:SecurityContextToken><c:Identifier>urn:x</c:Identifier></c:SecurityContextToken></t:RequestedSecurityToken>`;
const rstrRefusals: [string, Uint8Array, typeof TrustError | typeof TokenError, string][] = [
  ['an unknown ComputedKey algorithm', rstr(`${SCT}<t:RequestedProofToken><t:ComputedKey>${F.trust}/CK/HASH</t:ComputedKey></t:RequestedProofToken>`), TrustError, 'COMPUTED_KEY_ALGORITHM'],
  ['the 1.3 ComputedKey URI in a Feb 2005 RSTR', rstr(`${SCT}<t:RequestedProofToken><t:ComputedKey>${T13.computedKeyPSha1}</t:ComputedKey></t:RequestedProofToken>`), TrustError, 'COMPUTED_KEY_ALGORITHM'],
  ['zero-length server entropy', rstr(`${SCT}<t:Entropy><t:BinarySecret Type="${F.nonceType}"/></t:Entropy>`), TrustError, 'ENTROPY_LENGTH'],
  ['a zero-length proof key', rstr(`${SCT}<t:RequestedProofToken><t:BinarySecret/></t:RequestedProofToken>`), TrustError, 'ENTROPY_LENGTH'],
  ['an asymmetric proof key', rstr(`${SCT}<t:RequestedProofToken><t:BinarySecret Type="${F.trust}/AsymmetricKey">${B64_32}</t:BinarySecret></t:RequestedProofToken>`), TrustError, 'ENTROPY_TYPE'],
  ['an encrypted proof key', rstr(`${SCT}<t:RequestedProofToken><e:EncryptedKey xmlns:e="http://www.w3.org/2001/04/xmlenc#"/></t:RequestedProofToken>`), TrustError, 'TRUST_STRUCTURE'],
  ['two proof tokens', rstr(`${SCT}<t:RequestedProofToken><t:ComputedKey>${F.computedKeyPSha1}</t:ComputedKey></t:RequestedProofToken><t:RequestedProofToken><t:ComputedKey>${F.computedKeyPSha1}</t:ComputedKey></t:RequestedProofToken>`), TrustError, 'TRUST_STRUCTURE'],
  ['two issued tokens', rstr(SCT + SCT), TrustError, 'TRUST_STRUCTURE'],
  ['a SAML assertion as issued token', rstr(`<t:RequestedSecurityToken><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/></t:RequestedSecurityToken>`), TrustError, 'TOKEN_TYPE'],
  ['a 1.3 SCT in a Feb 2005 RSTR', rstr(`<t:RequestedSecurityToken><sc:SecurityContextToken xmlns:sc="${T13.sc}"><sc:Identifier>urn:x</sc:Identifier></sc:SecurityContextToken></t:RequestedSecurityToken>`), TrustError, 'TRUST_VERSION'],
  ['an SCT without Identifier', rstr(`<t:RequestedSecurityToken><c:SecurityContextToken/></t:RequestedSecurityToken>`), TokenError, 'TOKEN_STRUCTURE'],
  ['a TokenType other than the SCT', rstr(`<t:TokenType>${T13.sctTokenType}</t:TokenType>${SCT}`), TrustError, 'TOKEN_TYPE'],
  ['Lifetime Created after Expires', rstr(`${SCT}<t:Lifetime><u:Created>2024-02-14T17:00:00Z</u:Created><u:Expires>2024-02-14T02:00:00Z</u:Expires></t:Lifetime>`), TrustError, 'LIFETIME'],
  ['Lifetime without time zone', rstr(`${SCT}<t:Lifetime><u:Created>2024-02-14T02:00:00</u:Created></t:Lifetime>`), TrustError, 'LIFETIME'],
  ['Lifetime with two Expires', rstr(`${SCT}<t:Lifetime><u:Expires>2024-02-14T02:00:00Z</u:Expires><u:Expires>2024-02-14T02:00:00Z</u:Expires></t:Lifetime>`), TrustError, 'TRUST_STRUCTURE'],
  ['a non-empty RequestedTokenCancelled', rstr(`<t:RequestedTokenCancelled>x</t:RequestedTokenCancelled>`), TrustError, 'TRUST_STRUCTURE'],
  ['a cancel response that carries a token', rstr(`<t:RequestedTokenCancelled/>${SCT}`), TrustError, 'TRUST_STRUCTURE'],
  ['an attached reference with a KeyName', rstr(`${SCT}<t:RequestedAttachedReference><o:SecurityTokenReference><ds:KeyName xmlns:ds="http://www.w3.org/2000/09/xmldsig#">k</ds:KeyName></o:SecurityTokenReference></t:RequestedAttachedReference>`), TokenError, 'TOKEN_REFERENCE'],
  ['an RSTRC holding two RSTRs', utf8(`<t:RequestSecurityTokenResponseCollection xmlns:t="${T13.trust}"><t:RequestSecurityTokenResponse/><t:RequestSecurityTokenResponse/></t:RequestSecurityTokenResponseCollection>`), TrustError, 'TRUST_STRUCTURE'],
  ['an RSTRC of 1.3 around a Feb 2005 RSTR', utf8(`<x:RequestSecurityTokenResponseCollection xmlns:x="${T13.trust}"><t:RequestSecurityTokenResponse xmlns:t="${F.trust}"/></x:RequestSecurityTokenResponseCollection>`), TrustError, 'TRUST_VERSION'],
  ['an RST where an RSTR is expected', rst(ISSUE), TrustError, 'TRUST_STRUCTURE'],
  ['a SOAP Body with two elements', utf8(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><a/><b/></s:Body></s:Envelope>`), TrustError, 'TRUST_STRUCTURE'],
  ['an RSTR only in the SOAP Header', utf8(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><t:RequestSecurityTokenResponse xmlns:t="${F.trust}"/></s:Header><s:Body/></s:Envelope>`), TrustError, 'TRUST_STRUCTURE'],
];
for (const [name, bytes, cls, code] of rstrRefusals) {
  test(`RSTR refused (${code}): ${name}`, () => assertRefused(() => parseResponse(bytes), cls, code));
}
