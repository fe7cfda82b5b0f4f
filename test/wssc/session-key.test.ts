// Key entropy (WS-Trust 1.3 §4.4) end to end over the wire forms: client RST → service issuance → RSTR → client key,
// in every entropy mode and both versions; server entropy without zero bytes; the refusals of each side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrustError } from '../../src/errors.js';
import { js, nodeProvider } from '../../src/crypto/index.js';
import {
  WSSC_13,
  WSSC_FEB2005,
  buildIssueRequest,
  buildIssueResponse,
  buildRenewRequest,
  computeCombinedKey,
  computeSessionKey,
  generateClientEntropy,
  generateServerEntropy,
  issueSessionKey,
  newUuidUrn,
  parseRequest,
  sctExternalReference,
  type EntropyMode,
  type WsscVersion,
} from '../../src/wssc/index.js';
import { WCF, assertRefused, b64, independentPHash, toB64, utf8 } from './helpers.js';

const lifetime = { created: new Date('2026-01-01T00:00:00Z'), expires: new Date('2026-01-01T15:00:00Z') };

/** One issuance over the wire forms; returns the client's and the service's keys. */
function exchange(version: WsscVersion, mode: EntropyMode, keySize = 256, renewOf?: string) {
  const clientEntropy = mode === 'server' ? undefined : generateClientEntropy(keySize / 8);
  const base = { version, keySize, ...(clientEntropy === undefined ? {} : { entropy: clientEntropy }) };
  const rstBytes = renewOf === undefined ? buildIssueRequest(base) : buildRenewRequest({ ...base, target: sctExternalReference(version, renewOf) });
  // Service
  const rst = parseRequest(rstBytes, { version });
  const issued = issueSessionKey(rst, { mode, keySize });
  const identifier = renewOf ?? newUuidUrn();
  const token = { version, identifier, id: 'uuid-s-1', ...(renewOf === undefined ? {} : { instance: newUuidUrn() }) };
  const rstrBytes = buildIssueResponse({
    version,
    token,
    ...(issued.proof === undefined ? {} : { proof: issued.proof }),
    ...(issued.serverEntropy === undefined ? {} : { entropy: issued.serverEntropy }),
    lifetime,
    keySize,
  });
  // Client
  const session = computeSessionKey(rstrBytes, { version, keySize, mode, ...(clientEntropy === undefined ? {} : { clientEntropy }) });
  return { session, issued, clientEntropy, token, rstBytes, rstrBytes };
}

for (const version of [WSSC_FEB2005, WSSC_13]) {
  for (const mode of ['combined', 'client', 'server'] as const) {
    test(`${version.name} ${mode} entropy: client and service hold the same key`, () => {
      for (const keySize of [128, 256]) {
        const { session, issued, clientEntropy, token } = exchange(version, mode, keySize);
        assert.equal(session.key.length, keySize / 8);
        assert.deepEqual(session.key, issued.key);
        assert.equal(session.keySize, keySize);
        assert.equal(session.mode, mode);
        assert.equal(session.identifier, token.identifier);
        assert.deepEqual(session.lifetime, lifetime);
        assert.deepEqual(session.attachedReference, { kind: 'reference', uri: '#uuid-s-1', valueType: version.sctTokenType });
        if (mode === 'combined') {
          assert.equal(issued.serverEntropy!.length, keySize / 8);
          assert.deepEqual(session.key, independentPHash('sha1', clientEntropy!, issued.serverEntropy!, keySize / 8));
        } else if (mode === 'client') {
          assert.deepEqual(session.key, clientEntropy);
          assert.equal(issued.proof, undefined);
        } else {
          assert.equal(issued.proof?.kind, 'binarySecret');
        }
      }
    });
  }

  test(`${version.name}: renewal keeps the Identifier, adds an Instance, and gives a new key`, () => {
    const first = exchange(version, 'combined');
    const renewed = exchange(version, 'combined', 256, first.session.identifier);
    assert.equal(renewed.session.identifier, first.session.identifier);
    assert.ok(renewed.session.instance?.startsWith('urn:uuid:'));
    assert.deepEqual(renewed.session.unattachedReference, sctExternalReference(version, first.session.identifier, renewed.session.instance));
    assert.notDeepEqual(renewed.session.key, first.session.key);
    assert.deepEqual(parseRequest(renewed.rstBytes).renewTarget, sctExternalReference(version, first.session.identifier));
  });

  test(`${version.name}: computeSessionKey from the RST bytes we sent`, () => {
    const { session, rstBytes, rstrBytes } = exchange(version, 'combined');
    assert.deepEqual(computeSessionKey(rstrBytes, { rst: rstBytes }).key, session.key);
    assert.deepEqual(computeSessionKey(rstrBytes, { rst: parseRequest(rstBytes) }).key, session.key);
  });
}

test('computeCombinedKey: the WCF capture, the argument order, providers', () => {
  assert.equal(toB64(computeCombinedKey(b64(WCF.clientEntropy), b64(WCF.serverEntropy), 256)), WCF.sctKey);
  assert.notEqual(toB64(computeCombinedKey(b64(WCF.serverEntropy), b64(WCF.clientEntropy), 256)), WCF.sctKey);
  assert.equal(toB64(computeCombinedKey(b64(WCF.clientEntropy), b64(WCF.serverEntropy), 256, js)), WCF.sctKey);
  assert.equal(toB64(computeCombinedKey(b64(WCF.clientEntropy), b64(WCF.serverEntropy), 256, nodeProvider())), WCF.sctKey);
  assertRefused(() => computeCombinedKey(b64(WCF.clientEntropy), new Uint8Array(0), 256), TrustError, 'ENTROPY_LENGTH');
  assertRefused(() => computeCombinedKey(b64(WCF.clientEntropy), b64(WCF.serverEntropy), 100), TrustError, 'KEY_SIZE');
  assertRefused(() => computeCombinedKey(b64(WCF.clientEntropy), b64(WCF.serverEntropy), 64), TrustError, 'KEY_SIZE');
});

test('server entropy has no zero bytes, even from a source that mostly yields zeros', () => {
  let calls = 0;
  const zeroish = (n: number): Uint8Array => {
    calls++;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.random() < 0.7 ? 0 : 1 + Math.floor(Math.random() * 255);
    return out;
  };
  for (let i = 0; i < 50; i++) {
    const e = generateServerEntropy(32, zeroish);
    assert.equal(e.length, 32);
    assert.ok(!e.includes(0));
  }
  assert.ok(calls > 50);
  // The real source: many draws, never a zero, and every other value turns up.
  const seen = new Set<number>();
  for (let i = 0; i < 400; i++) for (const b of generateServerEntropy(32)) seen.add(b);
  assert.ok(!seen.has(0));
  assert.equal(seen.size, 255);
  // The service uses it for combined entropy.
  const issued = issueSessionKey(parseRequest(buildIssueRequest({ version: WSSC_13, entropy: generateClientEntropy(32), keySize: 256 })), {
    random: zeroish,
  });
  assert.ok(!issued.serverEntropy!.includes(0));
});

// ---------------------------------------------------------------------------------------------------------------
// Client-side refusals of an RSTR that does not fit what was asked

const F = WSSC_FEB2005;
const token = { version: F, identifier: 'urn:uuid:x', id: 'sct-1' };
const ce = generateClientEntropy(32);
const se = generateServerEntropy(32);

const clientRefusals: [string, Uint8Array, Parameters<typeof computeSessionKey>[1], string][] = [
  ['combined: the RSTR lacks server entropy', buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' }, keySize: 256 }), { clientEntropy: ce }, 'ENTROPY_MISSING'],
  ['combined: the RSTR lacks the ComputedKey', buildIssueResponse({ version: F, token, entropy: se, keySize: 256 }), { clientEntropy: ce }, 'ENTROPY_MODE'],
  ['combined: the RSTR sends the key itself', buildIssueResponse({ version: F, token, proof: { kind: 'binarySecret', key: se } }), { clientEntropy: ce }, 'ENTROPY_MODE'],
  ['combined: short server entropy', buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' }, entropy: se.subarray(0, 8), keySize: 256 }), { clientEntropy: ce }, 'ENTROPY_LENGTH'],
  ['combined: KeySize 128 where 256 was requested', buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' }, entropy: se, keySize: 128 }), { clientEntropy: ce, keySize: 256 }, 'KEY_SIZE_MISMATCH'],
  ['combined: KeySize 4096', buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' }, entropy: se, keySize: 4096 }), { clientEntropy: ce }, 'KEY_SIZE'],
  ['combined: no KeySize anywhere', buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' }, entropy: se }), { clientEntropy: ce }, 'KEY_SIZE'],
  ['client: the RSTR adds server entropy', buildIssueResponse({ version: F, token, entropy: se }), { clientEntropy: ce, mode: 'client' }, 'ENTROPY_MODE'],
  ['client: the RSTR adds a proof token', buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' } }), { clientEntropy: ce, mode: 'client' }, 'ENTROPY_MODE'],
  ['client: a KeySize other than the entropy', buildIssueResponse({ version: F, token, keySize: 128 }), { clientEntropy: ce, mode: 'client' }, 'KEY_SIZE_MISMATCH'],
  ['server: no proof token', buildIssueResponse({ version: F, token }), { mode: 'server' }, 'ENTROPY_MISSING'],
  ['server: a ComputedKey', buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' }, entropy: se }), { mode: 'server' }, 'ENTROPY_MODE'],
  ['server: we sent entropy', buildIssueResponse({ version: F, token, proof: { kind: 'binarySecret', key: se } }), { mode: 'server', clientEntropy: ce }, 'ENTROPY_MODE'],
  ['server: a 128-bit key where 256 was requested', buildIssueResponse({ version: F, token, proof: { kind: 'binarySecret', key: se.subarray(0, 16) } }), { mode: 'server', keySize: 256 }, 'KEY_SIZE_MISMATCH'],
  ['a cancel response', utf8(`<t:RequestSecurityTokenResponse xmlns:t="${F.trust}"><t:RequestedTokenCancelled/></t:RequestSecurityTokenResponse>`), { clientEntropy: ce }, 'TRUST_STRUCTURE'],
  ['another Context', buildIssueResponse({ version: F, token, context: 'b', proof: { kind: 'computedKey' }, entropy: se, keySize: 256 }), { clientEntropy: ce, context: 'a' }, 'CONTEXT_MISMATCH'],
  ['a 1.3 RSTR for a Feb 2005 RST', buildIssueResponse({ version: WSSC_13, token: { ...token, version: WSSC_13 }, proof: { kind: 'computedKey' }, entropy: se, keySize: 256 }), { clientEntropy: ce, version: F }, 'TRUST_VERSION'],
];
for (const [name, bytes, request, code] of clientRefusals) {
  test(`client refuses the RSTR (${code}): ${name}`, () => assertRefused(() => computeSessionKey(bytes, request), TrustError, code));
}

test('client refuses short client entropy (ENTROPY_LENGTH) even when the RSTR is fine', () => {
  const rstr = buildIssueResponse({ version: F, token, proof: { kind: 'computedKey' }, entropy: se, keySize: 256 });
  assertRefused(() => computeSessionKey(rstr, { clientEntropy: ce.subarray(0, 8) }), TrustError, 'ENTROPY_LENGTH');
});

// ---------------------------------------------------------------------------------------------------------------
// Service-side refusals of an RST that does not fit the service's configuration

const rstOf = (o: { entropy?: Uint8Array; keySize?: number }) => parseRequest(buildIssueRequest({ version: F, ...o }));
const serviceRefusals: [string, ReturnType<typeof rstOf>, Parameters<typeof issueSessionKey>[1], string][] = [
  ['combined without client entropy', rstOf({ keySize: 256 }), { mode: 'combined' }, 'ENTROPY_MISSING'],
  ['client mode without client entropy', rstOf({ keySize: 256 }), { mode: 'client' }, 'ENTROPY_MISSING'],
  ['server mode with client entropy', rstOf({ entropy: ce, keySize: 256 }), { mode: 'server' }, 'ENTROPY_MODE'],
  ['a KeySize the service does not issue', rstOf({ entropy: ce, keySize: 128 }), { keySize: 256 }, 'KEY_SIZE_MISMATCH'],
  ['client mode with entropy of another size', rstOf({ entropy: ce.subarray(0, 16) }), { mode: 'client', keySize: 256 }, 'KEY_SIZE_MISMATCH'],
  ['8-byte client entropy', rstOf({ entropy: ce.subarray(0, 8), keySize: 256 }), {}, 'ENTROPY_LENGTH'],
  ['a service configured for 64-bit keys', rstOf({ entropy: ce }), { keySize: 64 }, 'KEY_SIZE'],
  ['a Cancel request', parseRequest(utf8(`<t:RequestSecurityToken xmlns:t="${F.trust}" xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><t:RequestType>${F.requestTypes.cancel}</t:RequestType><t:CancelTarget><o:SecurityTokenReference><o:Reference URI="urn:x"/></o:SecurityTokenReference></t:CancelTarget></t:RequestSecurityToken>`)), {}, 'REQUEST_TYPE'],
];
for (const [name, rst, options, code] of serviceRefusals) {
  test(`service refuses the RST (${code}): ${name}`, () => assertRefused(() => issueSessionKey(rst, options), TrustError, code));
}
