// The real WCF client ↔ CoreWCF exchange (../shared/vectors/wcf/, WS-SC Feb 2005): RSTR → SCT key, the SCT and its
// references in the application and cancel requests, and byte-exact rebuilding of the captured bodies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifySignature } from '../../src/dsig/index.js';
import {
  WSSC_13,
  WSSC_FEB2005,
  WSSE_NAMESPACE,
  buildCancelRequest,
  buildIssueResponse,
  buildSecurityContextToken,
  computeSessionKey,
  parseRequest,
  parseResponse,
  parseSecurityContextTokenElement,
  parseScTokenReference,
  referencesSct,
  requestInfo,
  sctExternalReference,
  buildIssueRequest,
  TrustError,
} from '../../src/wssc/index.js';
import { WCF, assertRefused, b64, bodyContent, collect, independentPHash, text, toB64 } from './helpers.js';

test('WCF RSTR: the combined key from the README client entropy is the captured SCT key', () => {
  const session = computeSessionKey(WCF.rstr(), { clientEntropy: b64(WCF.clientEntropy), keySize: 256 });
  assert.equal(toB64(session.key), WCF.sctKey);
  // The same key from the RST we would have sent, and from an independent P_SHA1 (client entropy = secret).
  assert.equal(toB64(independentPHash('sha1', b64(WCF.clientEntropy), b64(WCF.serverEntropy), 32)), WCF.sctKey);
  const rst = buildIssueRequest({ version: WSSC_FEB2005, entropy: b64(WCF.clientEntropy), keySize: 256 });
  assert.equal(toB64(computeSessionKey(WCF.rstr(), { rst }).key), WCF.sctKey);
  assert.equal(session.mode, 'combined');
  assert.equal(session.keySize, 256);
  assert.equal(session.version, WSSC_FEB2005);
});

test('WCF RSTR: identifier, wsu:Id, references, proof, server entropy, 15 h lifetime', () => {
  const r = parseResponse(WCF.rstr());
  assert.equal(r.version, WSSC_FEB2005);
  assert.equal(r.wrapped, false);
  assert.equal(r.cancelled, false);
  assert.equal(r.tokenType, 'http://schemas.xmlsoap.org/ws/2005/02/sc/sct');
  assert.equal(r.token?.identifier, WCF.identifier);
  assert.ok(r.token?.identifier.startsWith('urn:uuid:40859149-'));
  assert.equal(r.token?.id, WCF.sctId);
  assert.equal(r.token?.instance, undefined);
  assert.equal(r.token?.cookie, undefined);
  assert.deepEqual(r.proof, { kind: 'computedKey' });
  assert.equal(toB64(r.entropy!), WCF.serverEntropy);
  assert.equal(r.keySize, 256);
  assert.equal(r.lifetime?.created?.toISOString(), '2024-02-14T02:06:53.311Z');
  assert.equal(r.lifetime?.expires?.toISOString(), '2024-02-14T17:06:53.311Z');
  assert.equal(r.lifetime!.expires!.getTime() - r.lifetime!.created!.getTime(), 15 * 3600 * 1000);
  assert.deepEqual(r.attachedReference, { kind: 'reference', uri: `#${WCF.sctId}`, valueType: WSSC_FEB2005.sctTokenType });
  assert.deepEqual(r.unattachedReference, { kind: 'reference', uri: WCF.identifier, valueType: WSSC_FEB2005.sctTokenType });
  assert.ok(referencesSct(r.attachedReference!, r.token!));
  assert.ok(referencesSct(r.unattachedReference!, r.token!));
});

test('WCF RSTR: buildIssueResponse with the captured values reproduces the captured Body content byte for byte', () => {
  const r = parseResponse(WCF.rstr());
  const built = buildIssueResponse({
    version: WSSC_FEB2005,
    token: r.token!,
    proof: { kind: 'computedKey' },
    entropy: r.entropy!,
    entropyId: 'uuid-e07815b0-d900-49c8-8ec6-a8ee018263c9-2',
    lifetime: { created: r.lifetime!.created!, expires: r.lifetime!.expires! },
    keySize: 256,
  });
  assert.equal(text(built), bodyContent(WCF.rstr()));
});

test('WCF RSTR: refused when the client expects WS-Trust 1.3, or sent no entropy', () => {
  assertRefused(() => computeSessionKey(WCF.rstr(), { version: WSSC_13, clientEntropy: b64(WCF.clientEntropy) }), TrustError, 'TRUST_VERSION');
  assertRefused(() => computeSessionKey(WCF.rstr(), { mode: 'combined' }), TrustError, 'ENTROPY_MISSING');
  assertRefused(() => computeSessionKey(WCF.rstr(), {}), TrustError, 'ENTROPY_MODE');
  assertRefused(() => computeSessionKey(WCF.rstr(), { clientEntropy: b64(WCF.clientEntropy), keySize: 128 }), TrustError, 'KEY_SIZE_MISMATCH');
});

for (const file of ['app', 'cancel'] as const) {
  test(`WCF ${file} request: the header SCT and the signature's STR point at the issued token; the signature verifies with the computed key`, () => {
    const doc = WCF[file]();
    const scts = collect(doc, WSSC_FEB2005.sc, 'SecurityContextToken');
    assert.equal(scts.length, 1);
    const sct = parseSecurityContextTokenElement(scts[0]!, { version: WSSC_FEB2005 });
    assert.equal(sct.identifier, WCF.identifier);
    assert.equal(sct.id, WCF.sctId);
    // The SCT element as the session layer would write it in that header (u is declared on the Envelope).
    const built = text(buildSecurityContextToken(sct, { u: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd' }));
    assert.ok(text(doc).includes(built), built);
    // No DerivedKeyToken in this transport-mode capture: the SCT key signs directly (protocol.md §5.2).
    assert.equal(collect(doc, WSSC_FEB2005.sc, 'DerivedKeyToken').length, 0);
    const strs = collect(doc, WSSE_NAMESPACE, 'SecurityTokenReference');
    const keyInfo = strs.map((s) => parseScTokenReference(s, WSSC_FEB2005)).find((ref) => ref.kind === 'reference' && ref.uri.startsWith('#'));
    assert.deepEqual(keyInfo, { kind: 'reference', uri: `#${WCF.sctId}`, valueType: WSSC_FEB2005.sctTokenType });
    assert.ok(referencesSct(keyInfo!, sct));
    const key = computeSessionKey(WCF.rstr(), { clientEntropy: b64(WCF.clientEntropy) }).key;
    assert.deepEqual(verifySignature(doc, { key: { kind: 'hmac', secret: key } }).ids, ['_0']);
  });
}

test('WCF cancel request: RST/SCT/Cancel with the unattached reference as CancelTarget, rebuilt byte for byte', () => {
  const doc = WCF.cancel();
  assert.ok(text(doc).includes(`<a:Action s:mustUnderstand="1">${WSSC_FEB2005.actions.cancel}</a:Action>`));
  const rst = parseRequest(doc, { expect: 'cancel' });
  assert.equal(rst.version, WSSC_FEB2005);
  assert.equal(rst.requestType, 'cancel');
  assert.equal(rst.entropy, undefined);
  assert.deepEqual(rst.cancelTarget, sctExternalReference(WSSC_FEB2005, WCF.identifier));
  const sct = parseResponse(WCF.rstr()).token!;
  assert.ok(referencesSct(rst.cancelTarget!, sct));
  assert.equal(text(buildCancelRequest({ version: WSSC_FEB2005, target: sctExternalReference(WSSC_FEB2005, WCF.identifier) })), bodyContent(doc));
  assertRefused(() => parseRequest(doc, { expect: 'issue' }), TrustError, 'REQUEST_TYPE');
  assertRefused(() => requestInfo(doc), TrustError, 'REQUEST_TYPE');
});

test('WCF RSTR action and the capture headers use the Feb 2005 action table', () => {
  assert.ok(text(WCF.rstr()).includes(`<a:Action s:mustUnderstand="1">${WSSC_FEB2005.actions.issueResponse}</a:Action>`));
});
