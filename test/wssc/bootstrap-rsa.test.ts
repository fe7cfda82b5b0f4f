// The async client half of the X.509 bootstrap (protocol.md §5.3) over WebCrypto and node:crypto: requests open with openBootstrapRequest, match the sync path byte for byte, and the strict DER walker (X.690 §10) refuses what is not DER.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { auto, initSync, wasm, type CryptoProvider } from '../../src/crypto/index.js';
import { WsSecurityError } from '../../src/errors.js';
import { certificateRsaSpki, pkcs1ToPkcs8, pkcs8RsaModulusBits, readDerRoot } from '../../src/wss/der.js';
import { certificateDer } from '../../src/wss/x509.js';
import {
  destroyBootstrapState, nodeRsa, openBootstrapRequest, openBootstrapResponse, protectBootstrapRequest, protectBootstrapRequestAsync,
  protectBootstrapResponse, webCryptoRsa, type BootstrapClientOptions, type BootstrapServiceOptions, type RsaBackend,
} from '../../src/wssc/bootstrap.js';
import { encryptedKeyXml, rsaSigningKey } from '../../src/wssc/bootstrap-rsa.js';
import { parseRequest, parseResponse, WSSC_13, WSSC_FEB2005 } from '../../src/wssc/index.js';
import { buildEncryptedKey } from '../../src/xenc/encrypted-key.js';
import { makePki, rstEnvelope, rstrEnvelope } from './bootstrap-fixtures.js';
import { text } from './helpers.js';

const pki = makePki();
const NOW = new Date();
const clock = (): Date => NOW;
const service: BootstrapServiceOptions = { service: pki.service, trust: { ca: [pki.ca.certificate] }, clock };
const backends: Array<[string, () => RsaBackend]> = [['webcrypto', () => webCryptoRsa()], ['node', () => nodeRsa()]];

function clientOptions(mode: BootstrapClientOptions['mode'], extra: Partial<BootstrapClientOptions> = {}): BootstrapClientOptions {
  return { mode, serviceCertificate: pki.service.certificate, clock, ...(mode === 'mutual-certificate' ? { client: pki.client } : {}), ...extra };
}

/** A provider whose random bytes repeat run to run: the sync and async paths then write the same message. */
function seededProvider(): CryptoProvider {
  let n = 0;
  return { ...auto, randomBytes: (len: number) => Uint8Array.from({ length: len }, () => (n = (n * 1103515245 + 12345) >>> 0) >>> 24) };
}

const blankCipherValue = (s: string): string => s.replace(/(<e:CipherValue>)[^<]+(<\/e:CipherValue>)/, '$1…$2');

const dir = mkdtempSync(join(tmpdir(), 'wssc-rsa-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

describe('protectBootstrapRequestAsync', () => {
  for (const [name, make] of backends) {
    for (const version of [WSSC_FEB2005, WSSC_13]) {
      for (const mode of ['anonymous-for-certificate', 'mutual-certificate'] as const) {
        for (const suite of ['basic256', 'basic128sha256'] as const) {
          it(`${name}, ${mode}, ${version.name}, ${suite}: the request opens with openBootstrapRequest, the response with openBootstrapResponse`, async () => {
            const { message, state } = await protectBootstrapRequestAsync(rstEnvelope(version), clientOptions(mode, { rsa: make(), suite }));
            const opened = openBootstrapRequest(message, { ...service, suite });
            assert.equal(opened.state.mode, mode);
            assert.equal(opened.state.version, version);
            assert.equal(parseRequest(opened.envelope).entropy?.length, 32);
            if (mode === 'mutual-certificate') assert.equal(opened.state.clientCertificate?.subject, 'CN=client');
            const reply = protectBootstrapResponse(rstrEnvelope(version), opened.state, { ...service, suite });
            assert.equal(parseResponse(openBootstrapResponse(reply, state)).token?.identifier, 'urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08');
            destroyBootstrapState(state);
            destroyBootstrapState(opened.state);
          });
        }
      }
    }
  }

  for (const order of ['sign-encrypt', 'encrypt-sign'] as const) {
    for (const suite of ['basic256', 'basic256sha256'] as const) {
      it(`writes the sync path's bytes (${order}, ${suite}): same seed and clock, only the OAEP CipherValue differs`, async () => {
        const mk = (): BootstrapClientOptions => clientOptions('mutual-certificate', { provider: seededProvider(), order, suite, rsa: webCryptoRsa() });
        const sync = protectBootstrapRequest(rstEnvelope(WSSC_13), mk()).message;
        const async = (await protectBootstrapRequestAsync(rstEnvelope(WSSC_13), mk())).message;
        assert.notEqual(text(sync), text(async), 'OAEP is randomized');
        assert.equal(blankCipherValue(text(async)), blankCipherValue(text(sync)));
      });
    }
  }

  it('takes the client key as PKCS#1 PEM, PKCS#8 DER, a KeyObject and a CryptoKey; refuses an encrypted key and a CryptoKey of another hash', async () => {
    const key = createPrivateKey(pki.client.privateKey);
    const pkcs1 = key.export({ format: 'pem', type: 'pkcs1' }) as string;
    assert.ok(pkcs1.startsWith('-----BEGIN RSA PRIVATE KEY-----'));
    const der = new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
    const crypto = await globalThis.crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, false, ['sign']);
    for (const privateKey of [pkcs1, der, key, crypto]) {
      for (const [, make] of backends) {
        const opts = clientOptions('mutual-certificate', { client: { certificate: pki.client.certificate, privateKey: privateKey as string }, rsa: make() });
        const { message } = await protectBootstrapRequestAsync(rstEnvelope(WSSC_FEB2005), opts);
        assert.equal(openBootstrapRequest(message, service).state.mode, 'mutual-certificate');
      }
    }
    const encrypted = key.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
    await assert.rejects(protectBootstrapRequestAsync(rstEnvelope(WSSC_FEB2005), clientOptions('mutual-certificate', { client: { certificate: pki.client.certificate, privateKey: encrypted } })),
      (e: Error) => e instanceof RangeError && /encrypted key/.test(e.message));
    const sha256Key = await globalThis.crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    await assert.rejects(protectBootstrapRequestAsync(rstEnvelope(WSSC_FEB2005),
      clientOptions('mutual-certificate', { client: { certificate: pki.client.certificate, privateKey: sha256Key as unknown as string }, rsa: webCryptoRsa() })),
    (e: Error & { code?: string }) => e.code === 'KEY_UNUSABLE');
    assert.throws(() => rsaSigningKey(pki.client.certificate, 'client'), /a PEM CERTIFICATE block is not a private key/);
  });

  it('refuses unusable options as the sync path does: no client credentials, an unreadable or non-RSA certificate, a key under 1024 bits', async () => {
    const rst = rstEnvelope(WSSC_FEB2005);
    await assert.rejects(protectBootstrapRequestAsync(rst, { mode: 'mutual-certificate', serviceCertificate: pki.service.certificate }), RangeError);
    await assert.rejects(protectBootstrapRequestAsync(rst, clientOptions('anonymous-for-certificate', { serviceCertificate: 'junk' })), /unreadable service certificate/);
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=ec', '-days', '1', '-keyout', 'ec.key', '-out', 'ec.pem');
    await assert.rejects(protectBootstrapRequestAsync(rst, clientOptions('anonymous-for-certificate', { serviceCertificate: readFileSync(join(dir, 'ec.pem'), 'utf8') })),
      /unreadable service certificate: the public key is not an RSA key/);
    openssl('req', '-x509', '-newkey', 'rsa:768', '-nodes', '-subj', '/CN=small', '-days', '1', '-keyout', 'small.key', '-out', 'small.pem');
    await assert.rejects(protectBootstrapRequestAsync(rst, clientOptions('anonymous-for-certificate', { serviceCertificate: readFileSync(join(dir, 'small.pem'), 'utf8') })),
      (e: Error & { code?: string }) => e instanceof WsSecurityError && e.code === 'CERTIFICATE_UNTRUSTED');
  });

  it('reaches no node: module with the WebCrypto backend and the wasm provider', async () => {
    initSync();
    const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
    const original = proc.getBuiltinModule;
    const asked: string[] = [];
    proc.getBuiltinModule = (id: string) => {
      asked.push(id);
      return undefined;
    };
    let message: Uint8Array;
    try {
      const opts = clientOptions('mutual-certificate', { rsa: webCryptoRsa(), provider: wasm });
      message = (await protectBootstrapRequestAsync(rstEnvelope(WSSC_13), opts)).message;
    } finally {
      proc.getBuiltinModule = original;
    }
    assert.deepEqual(asked, []);
    assert.equal(openBootstrapRequest(message, service).state.mode, 'mutual-certificate');
  });

  it('writes the EncryptedKey as buildEncryptedKey does', () => {
    const key = new Uint8Array(32).fill(3);
    const built = buildEncryptedKey({ recipient: pki.service.certificate, key, id: '_2', prefix: 'e', keyInfo: '<r/>' });
    assert.equal(encryptedKeyXml(built.wrapped, '_2', '<r/>'), built.xml);
  });
});

describe('strict DER walker', () => {
  const der = certificateDer(pki.service.certificate);

  it('finds the SubjectPublicKeyInfo node:crypto finds, and the modulus size', () => {
    const got = certificateRsaSpki(der);
    const want = new X509Certificate(der).publicKey.export({ format: 'der', type: 'spki' });
    assert.deepEqual(Buffer.from(got.spki), want);
    assert.equal(got.modulusBits, 2048);
    openssl('req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-subj', '/CN=big', '-days', '1', '-keyout', 'big.key', '-out', 'big.pem');
    assert.equal(certificateRsaSpki(certificateDer(readFileSync(join(dir, 'big.pem'), 'utf8'))).modulusBits, 4096);
    const pkcs8 = new Uint8Array(createPrivateKey(pki.client.privateKey).export({ format: 'der', type: 'pkcs8' }));
    assert.equal(pkcs8RsaModulusBits(pkcs8), 2048);
    const pkcs1 = new Uint8Array(createPrivateKey(pki.client.privateKey).export({ format: 'der', type: 'pkcs1' }));
    assert.deepEqual(pkcs1ToPkcs8(pkcs1), pkcs8);
  });

  it('refuses every truncation, trailing bytes, indefinite and non-minimal lengths and high tag numbers', () => {
    const refused = (bytes: Uint8Array): boolean => {
      try {
        certificateRsaSpki(bytes);
        return false;
      } catch (err) {
        return err instanceof WsSecurityError && err.code === 'TOKEN_INVALID';
      }
    };
    for (let n = 0; n < der.length; n++) assert.ok(refused(der.subarray(0, n)), `truncated at ${n}`);
    assert.ok(refused(Uint8Array.of(...der, 0)), 'a trailing byte');
    // The outer SEQUENCE is 30 82 LL LL: re-encode its length in three octets (non-minimal) and as indefinite.
    assert.equal(der[1], 0x82);
    assert.ok(refused(Uint8Array.of(0x30, 0x83, 0, der[2]!, der[3]!, ...der.subarray(4))), 'a length with a leading zero');
    assert.ok(refused(Uint8Array.of(0x30, 0x80, ...der.subarray(4), 0, 0)), 'an indefinite length');
    assert.ok(refused(Uint8Array.of(0x30, 0x81, 0x05, 0x02, 0x01, 0x00, 0x05, 0x00)), 'a long-form length below 128');
    assert.ok(refused(Uint8Array.of(0x1f, 0x81, 0x01, 0x00)), 'a high tag number');
    assert.throws(() => readDerRoot(Uint8Array.of(0x30)), WsSecurityError);
    // Every single-byte change is either refused or still yields an RSA key (never a crash, never another error).
    for (let i = 0; i < der.length; i += 7) {
      const bent = Uint8Array.from(der);
      bent[i] ^= 0x41;
      try {
        certificateRsaSpki(bent);
      } catch (err) {
        assert.ok(err instanceof WsSecurityError, `byte ${i}: ${String(err)}`);
      }
    }
  });
});
