// Session messages (protocol.md §5.1, §5.2): protect → unprotect in every suite, order, version and mode; refusals
// of another session's key, of tampered bytes and of hostile DKTs; the real WCF capture accepted and tampered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WsscError, DecryptionError, SignatureError, TokenError, WsSecurityError } from '../../src/errors.js';
import { addAddressing } from '../../src/soap/index.js';
import {
  SUITE_NAMES, WSSC_13, WSSC_FEB2005, protectMessage, unprotectMessage, type SessionToken, type TokenLookup,
} from '../../src/wssc/index.js';
import { readEnvelope } from '../../src/wssc/session-envelope.js';
import { WCF, assertRefused, b64, text, toB64, utf8 } from './helpers.js';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

function sampleEnvelope(body = '<Echo xmlns="urn:e"><v>héllo &amp; bye</v></Echo>'): Uint8Array {
  return addAddressing(utf8(`<s:Envelope xmlns:s="${SOAP12}"><s:Body>${body}</s:Body></s:Envelope>`),
    { action: 'urn:op', messageId: 'urn:uuid:2d1e', replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://svc/' });
}

function session(version = WSSC_FEB2005, fill = 7): SessionToken {
  return { version, identifier: `urn:uuid:00000000-0000-4000-8000-00000000000${fill}`, key: new Uint8Array(32).fill(fill) };
}

const resolver = (token: SessionToken) => (ref: TokenLookup): SessionToken | undefined => (ref.identifier === token.identifier ? token : undefined);

/** Replaces one base64 character inside the n-th match of `open…<` with another (still valid base64). */
function flipIn(doc: Uint8Array, marker: RegExp, nth = 0): Uint8Array {
  const s = text(doc);
  const matches = [...s.matchAll(marker)];
  const m = matches[nth];
  assert.ok(m !== undefined, `no ${marker} #${nth}`);
  const at = m.index! + m[0].length + 5;
  const c = s[at]!;
  return utf8(s.slice(0, at) + (c === 'A' ? 'B' : 'A') + s.slice(at + 1));
}

describe('protectMessage → unprotectMessage', () => {
  for (const version of [WSSC_FEB2005, WSSC_13]) {
    for (const suite of SUITE_NAMES) {
      for (const order of ['sign-encrypt', 'encrypt-sign'] as const) {
        it(`message mode, ${version.name}, ${suite}, ${order}`, () => {
          const token = session(version);
          const env = sampleEnvelope();
          const protectedBytes = protectMessage(env, { token, suite, order });
          assert.doesNotMatch(text(protectedBytes), /héllo/);
          const r = unprotectMessage(protectedBytes, { resolveToken: resolver(token), suite, mode: 'message' });
          assert.equal(r.mode, 'message');
          assert.equal(r.suite, suite);
          assert.equal(r.version, version);
          assert.equal(r.token, token);
          assert.deepEqual([...r.signedParts].sort(), ['Action', 'Body', 'MessageID', 'ReplyTo', 'Timestamp', 'To']);
          assert.deepEqual(r.encryptedParts, order === 'sign-encrypt' ? ['Body', 'Signature'] : ['Body']);
          assert.match(text(r.envelope), /<s:Body[^>]*><Echo xmlns="urn:e"><v>héllo &amp; bye<\/v><\/Echo><\/s:Body>/);
          assert.equal(r.signatureValue.length, suite.endsWith('sha256') ? 32 : 20);
          assert.ok(r.timestamp !== undefined && r.timestamp.expires!.getTime() - r.timestamp.created.getTime() === 300_000);
          // Without a fixed suite, the suite is read from the algorithms.
          assert.equal(unprotectMessage(protectedBytes, { resolveToken: resolver(token) }).suite, suite);
          // What unprotect read in its one parse is what readEnvelope reads from the opened envelope.
          assert.deepEqual(r.read, readEnvelope(r.envelope));
        });
      }
      it(`transport mode, ${version.name}, ${suite}`, () => {
        const token = session(version);
        const p = protectMessage(sampleEnvelope(), { token, suite, mode: 'transport' });
        assert.match(text(p), /héllo/);
        const r = unprotectMessage(p, { resolveToken: resolver(token), mode: 'transport', suite });
        assert.equal(r.mode, 'transport');
        assert.deepEqual(r.signedParts, ['Timestamp']);
        assert.deepEqual(r.read, readEnvelope(r.envelope));
        assert.deepEqual(r.encryptedParts, []);
        assertRefused(() => unprotectMessage(p, { resolveToken: resolver(token), mode: 'message' }), WsSecurityError, 'SECURITY_HEADER');
      });
    }
  }

  it('a response without the SCT names it by Identifier (unattached reference), Instance included', () => {
    const token = { ...session(WSSC_13), instance: 'urn:uuid:gen-2' };
    const p = protectMessage(sampleEnvelope(), { token, includeToken: false });
    assert.doesNotMatch(text(p), /SecurityContextToken/);
    assert.match(text(p), new RegExp(`URI="${token.identifier}" ValueType="${WSSC_13.sctTokenType}" sc:Instance="urn:uuid:gen-2"`));
    const seen: TokenLookup[] = [];
    const r = unprotectMessage(p, { resolveToken: (ref) => (seen.push(ref), token) });
    assert.equal(seen.length, 1);
    assert.deepEqual({ identifier: seen[0]!.identifier, instance: seen[0]!.instance, sct: seen[0]!.sct }, { identifier: token.identifier, instance: 'urn:uuid:gen-2', sct: undefined });
    assert.equal(r.token, token);
  });

  it('an unknown token is UNKNOWN_TOKEN; the key of another session fails', () => {
    const token = session();
    const p = protectMessage(sampleEnvelope(), { token });
    assertRefused(() => unprotectMessage(p, { resolveToken: () => undefined }), TokenError, 'UNKNOWN_TOKEN');
    const other = { ...session(WSSC_FEB2005, 8), identifier: token.identifier };
    assert.throws(() => unprotectMessage(p, { resolveToken: () => other }), DecryptionError);
    const pe = protectMessage(sampleEnvelope(), { token, order: 'encrypt-sign' });
    assertRefused(() => unprotectMessage(pe, { resolveToken: () => other }), SignatureError, 'SIGNATURE_MISMATCH');
    const pt = protectMessage(sampleEnvelope(), { token, mode: 'transport' });
    assertRefused(() => unprotectMessage(pt, { resolveToken: () => other }), SignatureError, 'SIGNATURE_MISMATCH');
  });

  it('a suite other than the one required is refused', () => {
    const token = session();
    const p = protectMessage(sampleEnvelope(), { token, suite: 'basic128' });
    assert.throws(() => unprotectMessage(p, { resolveToken: resolver(token), suite: 'basic256' }), WsscError);
    const q = protectMessage(sampleEnvelope(), { token, suite: 'basic256sha256', order: 'encrypt-sign' });
    assertRefused(() => unprotectMessage(q, { resolveToken: resolver(token), suite: 'basic256' }), SignatureError, 'ALGORITHM_NOT_ALLOWED');
  });

  for (const order of ['sign-encrypt', 'encrypt-sign'] as const) {
    it(`tampering (${order}): Body CipherValue, Signature CipherValue, a DKT nonce, the Timestamp — each a typed error`, () => {
      const token = session();
      const p = protectMessage(sampleEnvelope('<Echo xmlns="urn:e">' + 'x'.repeat(300) + '</Echo>'), { token, order });
      const cases: [string, Uint8Array][] = [
        ['Body CipherValue', flipIn(p, /<s:Body[^>]*>[^]*?<e:CipherValue>/g)],
        ['DKT nonce (signing)', flipIn(p, /<c:Nonce>/g, 0)],
        ['DKT nonce (encryption)', flipIn(p, /<c:Nonce>/g, 1)],
        ['Timestamp', utf8(text(p).replace(/(<u:Created>\d{4}-\d\d-\d\dT\d\d:\d\d:)(\d)/, (_m, a: string, d: string) => a + String((Number(d) + 1) % 6)))],
      ];
      if (order === 'sign-encrypt') cases.push(['Signature CipherValue', flipIn(p, /<e:CipherValue>/g, 0)]);
      else cases.push(['SignatureValue', flipIn(p, /<SignatureValue>/g, 0)]);
      for (const [what, bad] of cases) {
        assert.notDeepEqual(bad, p, what);
        assert.throws(() => unprotectMessage(bad, { resolveToken: resolver(token) }), (err: unknown) => {
          assert.ok(err instanceof WsscError, `${what}: ${String(err)}`);
          return true;
        }, what);
      }
      assert.ok(unprotectMessage(p, { resolveToken: resolver(token) }));
    });
  }

  it('a DKT with Offset > 64 or a nonce > 128 bytes is refused before any key is derived', () => {
    const token = session();
    let derived = 0;
    const counting = (ref: TokenLookup) => (derived++, resolver(token)(ref));
    const p = text(protectMessage(sampleEnvelope(), { token }));
    const offset = p.replace('<c:Offset>0</c:Offset>', '<c:Offset>65</c:Offset>');
    assertRefused(() => unprotectMessage(utf8(offset), { resolveToken: counting }), TokenError, 'DKT_OFFSET_LIMIT');
    const nonce = p.replace(/<c:Nonce>[^<]*<\/c:Nonce>/, `<c:Nonce>${toB64(new Uint8Array(129))}</c:Nonce>`);
    assertRefused(() => unprotectMessage(utf8(nonce), { resolveToken: counting }), TokenError, 'DKT_NONCE_LENGTH');
    const length = p.replace('<c:Length>24</c:Length>', '<c:Length>4096</c:Length>');
    assertRefused(() => unprotectMessage(utf8(length), { resolveToken: counting }), TokenError, 'DKT_LENGTH_LIMIT');
    assert.equal(derived, 0);
  });

  it('a second signature, or none, is refused', () => {
    const token = session();
    const p = text(protectMessage(sampleEnvelope(), { token, order: 'encrypt-sign' }));
    const sig = /<Signature xmlns[^]*?<\/Signature>/.exec(p)![0];
    assertRefused(() => unprotectMessage(utf8(p.replace(sig, sig + sig)), { resolveToken: resolver(token) }), SignatureError, 'SIGNATURE_STRUCTURE');
    assertRefused(() => unprotectMessage(utf8(p.replace(sig, '')), { resolveToken: resolver(token) }), SignatureError, 'SIGNATURE_NOT_FOUND');
  });

  it('requireEncryptedBody: a message-mode message with a plaintext Body is refused unless allowed', () => {
    const token = session();
    const p = text(protectMessage(sampleEnvelope(), { token, order: 'encrypt-sign' }));
    // The signature then covers the ciphertext: drop the ReferenceList and the Body stays encrypted, unlisted.
    const unlisted = utf8(p.replace(/<e:ReferenceList[^]*?<\/e:ReferenceList>/, ''));
    assertRefused(() => unprotectMessage(unlisted, { resolveToken: resolver(token) }), WsSecurityError, 'SECURITY_HEADER');
    assert.deepEqual(unprotectMessage(unlisted, { resolveToken: resolver(token), requireEncryptedBody: false }).encryptedParts, []);
  });
});

describe('the WCF capture (transport mode, SCT key signs the Timestamp)', () => {
  const token: SessionToken = { version: WSSC_FEB2005, identifier: WCF.identifier, key: b64(WCF.sctKey) };
  const resolve = (ref: TokenLookup): SessionToken | undefined => (ref.identifier === WCF.identifier ? token : undefined);
  for (const [name, load, value] of [['app-request.xml', WCF.app, 'u1Ea4tTYJ6xCsT00WjiqxF5fNow='], ['cancel-request.xml', WCF.cancel, 'En1kfMeqpMJdjhS1F+O02mKOK14=']] as const) {
    it(`${name} is accepted, and refused once a byte of its Timestamp changes`, () => {
      const bytes = load();
      const r = unprotectMessage(bytes, { resolveToken: resolve, suite: 'basic256' });
      assert.equal(r.mode, 'transport');
      assert.deepEqual(r.signedParts, ['Timestamp']);
      assert.equal(toB64(r.signatureValue), value);
      assert.equal(r.token, token);
      assert.deepEqual(r.envelope, bytes);
      const s = text(bytes);
      const at = s.indexOf('<u:Created>') + '<u:Created>2024-02-14T02:0'.length;
      const tampered = utf8(s.slice(0, at) + String.fromCharCode(s.charCodeAt(at) ^ 1) + s.slice(at + 1));
      assertRefused(() => unprotectMessage(tampered, { resolveToken: resolve }), SignatureError, 'DIGEST_MISMATCH');
      assertRefused(() => unprotectMessage(bytes, { resolveToken: () => undefined }), TokenError, 'UNKNOWN_TOKEN');
    });
  }
});
