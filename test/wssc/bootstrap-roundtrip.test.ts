// WCF's X.509 bootstraps (protocol.md §4.1, §5.3): RST protected by the client, opened by the service; RSTR back; both modes, versions, orders.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseRequest, parseResponse, WSSC_13, WSSC_FEB2005 } from '../../src/wssc/index.js';
import {
  destroyBootstrapState, openBootstrapRequest, openBootstrapResponse, protectBootstrapRequest, protectBootstrapRequestAsync, protectBootstrapResponse,
  type BootstrapClientOptions, type BootstrapServiceOptions,
} from '../../src/wssc/bootstrap.js';
import { readSecurity } from '../../src/wss/index.js';
import { makePki, rstEnvelope, rstrEnvelope } from './bootstrap-fixtures.js';
import { text } from './helpers.js';

const pki = makePki();
const NOW = new Date();
const clock = (): Date => NOW;

export function clientOptions(mode: BootstrapClientOptions['mode'], extra: Partial<BootstrapClientOptions> = {}): BootstrapClientOptions {
  return {
    mode, serviceCertificate: pki.service.certificate, clock,
    ...(mode === 'mutual-certificate' ? { client: pki.client } : {}),
    ...extra,
  };
}

const service: BootstrapServiceOptions = { service: pki.service, trust: { ca: [pki.ca.certificate] }, clock };

const kinds = (bytes: Uint8Array): string[] => readSecurity(bytes).security!.parts.map((p) => p.kind);

describe('X.509 bootstrap round trips', () => {
  for (const version of [WSSC_FEB2005, WSSC_13]) {
    for (const mode of ['anonymous-for-certificate', 'mutual-certificate'] as const) {
      it(`${mode}, WS-Trust ${version.name}: RST and RSTR open to their plaintext`, () => {
        const rst = rstEnvelope(version);
        const { message, state } = protectBootstrapRequest(rst, clientOptions(mode));
        const wire = text(message);
        assert.ok(!wire.includes('RequestSecurityToken'), 'the RST is encrypted');
        assert.ok(!wire.includes(pki.service.certificate.split('\n')[1]!), 'the service certificate is not sent');
        assert.equal(state.version, version);

        const opened = openBootstrapRequest(message, service);
        assert.equal(opened.state.mode, mode);
        assert.equal(opened.state.version, version);
        const rstBack = parseRequest(opened.envelope, { expect: 'issue' });
        assert.equal(rstBack.version, version);
        assert.deepEqual([...rstBack.entropy!], [...new Uint8Array(32).fill(7)]);
        if (mode === 'mutual-certificate') {
          assert.ok(opened.state.clientCertificate instanceof X509Certificate);
          assert.ok(opened.state.clientCertificate!.checkIssued(new X509Certificate(pki.ca.certificate)));
          assert.equal(opened.state.clientCertificate!.fingerprint256, new X509Certificate(pki.client.certificate).fingerprint256);
        } else {
          assert.equal(opened.state.clientCertificate, undefined);
        }
        assert.ok(opened.state.signatureValue.length === 20);

        const response = protectBootstrapResponse(rstrEnvelope(version), opened.state, service);
        assert.ok(!text(response).includes('RequestedSecurityToken'), 'the RSTR is encrypted');
        const plain = openBootstrapResponse(response, state);
        const rstr = parseResponse(plain);
        assert.equal(rstr.version, version);
        assert.equal(rstr.token!.identifier, 'urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08');
        destroyBootstrapState(state);
        destroyBootstrapState(opened.state);
        assert.throws(() => openBootstrapResponse(response, state), RangeError);
      });
    }
  }

  it('credentials are parsed once per credentials object, and again once its certificate and key are replaced (sync and async paths)', async () => {
    const credentials = { ...pki.client };
    const fingerprint = async (async: boolean): Promise<string> => {
      const options = clientOptions('mutual-certificate', { client: credentials });
      const { message, state } = async ? await protectBootstrapRequestAsync(rstEnvelope(WSSC_FEB2005), options) : protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), options);
      destroyBootstrapState(state);
      const opened = openBootstrapRequest(message, service);
      destroyBootstrapState(opened.state);
      return opened.state.clientCertificate!.fingerprint256;
    };
    const first = new X509Certificate(pki.client.certificate).fingerprint256;
    const second = new X509Certificate(pki.client2.certificate).fingerprint256;
    for (const async of [false, true]) {
      credentials.certificate = pki.client.certificate;
      credentials.privateKey = pki.client.privateKey;
      assert.equal(await fingerprint(async), first);
      assert.equal(await fingerprint(async), first);
      credentials.certificate = pki.client2.certificate;
      credentials.privateKey = pki.client2.privateKey;
      assert.equal(await fingerprint(async), second, 'the replaced credentials are used');
    }
  });

  it('request layout (mutual, sign-encrypt): Timestamp, EncryptedKey, DKT, DKT, BST, ReferenceList, EncryptedData(signature), endorsing Signature', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), clientOptions('mutual-certificate'));
    assert.deepEqual(kinds(message), [
      'timestamp', 'encrypted-key', 'derived-key-token', 'derived-key-token', 'binary-security-token', 'reference-list', 'encrypted-data', 'signature',
    ]);
    const wire = text(message);
    assert.match(wire, /<c:Offset>0<\/c:Offset><c:Length>24<\/c:Length><c:Nonce>/);
    assert.match(wire, /ThumbprintSHA1/);
    assert.match(wire, /rsa-oaep-mgf1p/);
    assert.match(wire, /ValueType="http:\/\/docs\.oasis-open\.org\/wss\/oasis-wss-soap-message-security-1\.1#EncryptedKey"/);
    assert.match(wire, /<s:Body [^>]*><e:EncryptedData [^>]*Type="http:\/\/www\.w3\.org\/2001\/04\/xmlenc#Content"/);
    assert.match(wire, /<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"><SignedInfo>.*xmldsig#rsa-sha1/);
  });

  it('request layout (anonymous): no BinarySecurityToken, no endorsing signature', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_13), clientOptions('anonymous-for-certificate'));
    assert.deepEqual(kinds(message), ['timestamp', 'encrypted-key', 'derived-key-token', 'derived-key-token', 'reference-list', 'encrypted-data']);
    assert.match(text(message), /<sc:Offset>0<\/sc:Offset><sc:Length>24<\/sc:Length>/);
  });

  it('response layout: Timestamp, DKT, DKT (EncryptedKeySHA1), SignatureConfirmation × 2, ReferenceList, EncryptedData(signature)', () => {
    const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), clientOptions('mutual-certificate'));
    const opened = openBootstrapRequest(message, service);
    const response = protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), opened.state, service);
    assert.deepEqual(kinds(response), [
      'timestamp', 'derived-key-token', 'derived-key-token', 'signature-confirmation', 'signature-confirmation', 'reference-list', 'encrypted-data',
    ]);
    assert.match(text(response), /ValueType="http:\/\/docs\.oasis-open\.org\/wss\/oasis-wss-soap-message-security-1\.1#EncryptedKeySHA1"/);
    openBootstrapResponse(response, state);
  });

  it('encrypt-sign order both ways: the primary signature in the clear, before the ReferenceList', () => {
    const client = clientOptions('mutual-certificate', { order: 'encrypt-sign' });
    const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_13), client);
    assert.deepEqual(kinds(message), [
      'timestamp', 'encrypted-key', 'derived-key-token', 'derived-key-token', 'binary-security-token', 'signature', 'reference-list', 'signature',
    ]);
    const svc = { ...service, order: 'encrypt-sign' as const };
    const opened = openBootstrapRequest(message, svc);
    assert.equal(opened.state.mode, 'mutual-certificate');
    const response = protectBootstrapResponse(rstrEnvelope(WSSC_13), opened.state, svc);
    assert.deepEqual(kinds(response), [
      'timestamp', 'derived-key-token', 'derived-key-token', 'signature-confirmation', 'signature-confirmation', 'signature', 'reference-list',
    ]);
    assert.equal(parseResponse(openBootstrapResponse(response, state)).version, WSSC_13);
  });

  for (const suite of ['basic128', 'basic256sha256', 'basic128sha256'] as const) {
    it(`suite ${suite}: key sizes and algorithms follow the suite`, () => {
      const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), clientOptions('mutual-certificate', { suite }));
      const wire = text(message);
      if (suite.startsWith('basic128')) assert.match(wire, /aes128-cbc/);
      if (suite.endsWith('sha256')) assert.match(wire, /xmldsig-more#rsa-sha256/);
      const svc = { ...service, suite };
      const opened = openBootstrapRequest(message, svc);
      openBootstrapResponse(protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), opened.state, svc), state);
      // A service configured for another suite refuses it.
      assert.throws(() => openBootstrapRequest(message, service));
    });
  }

  it('a pinned client certificate is accepted without a CA', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), clientOptions('mutual-certificate'));
    const opened = openBootstrapRequest(message, { service: pki.service, trust: { pinned: [pki.client.certificate] }, clock });
    assert.equal(opened.state.mode, 'mutual-certificate');
  });
});
