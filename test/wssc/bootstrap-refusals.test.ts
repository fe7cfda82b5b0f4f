// The X.509 bootstrap's refusals (xml-security.md §1.5; WSS 1.1 §8.5): trust only as configured, proof of the key, keyed failures as one error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecryptionError, SignatureError, WsSecurityError, WsscError } from '../../src/errors.js';
import { signXml } from '../../src/dsig/index.js';
import { readSecurity, tokenReferenceXml, x509Reference, WSSE_NAMESPACE, certificateDer } from '../../src/wss/index.js';
import { WSSC_13, WSSC_FEB2005 } from '../../src/wssc/index.js';
import {
  openBootstrapRequest, openBootstrapResponse, protectBootstrapRequest, protectBootstrapResponse,
  type BootstrapClientOptions, type BootstrapServiceOptions,
} from '../../src/wssc/bootstrap.js';
import { makePki, rstEnvelope, rstrEnvelope } from './bootstrap-fixtures.js';
import { assertRefused, text, utf8 } from './helpers.js';

const pki = makePki();
let now = Date.now();
const clock = (): Date => new Date(now);

const client = (extra: Partial<BootstrapClientOptions> = {}): BootstrapClientOptions => ({
  mode: 'mutual-certificate', client: pki.client, serviceCertificate: pki.service.certificate, clock, ...extra,
});
const anonymous = (extra: Partial<BootstrapClientOptions> = {}): BootstrapClientOptions => ({
  mode: 'anonymous-for-certificate', serviceCertificate: pki.service.certificate, clock, ...extra,
});
const service = (extra: Partial<BootstrapServiceOptions> = {}): BootstrapServiceOptions => ({
  service: pki.service, trust: { ca: [pki.ca.certificate] }, clock, ...extra,
});

/** Removes the security header child at `index` (byte cut). */
function withoutPart(bytes: Uint8Array, index: number): Uint8Array {
  const part = readSecurity(bytes).security!.parts[index]!;
  return new Uint8Array([...bytes.subarray(0, part.el.byteStart), ...bytes.subarray(part.el.byteEnd)]);
}

/** Changes one character of the longest text run inside [start, end) (else of its last attribute value) to another of its class. */
function flipInside(bytes: Uint8Array, start: number, end: number): Uint8Array {
  let best: [number, number] = [0, 0];
  let runStart = -1;
  for (let i = start; i < end; i++) {
    if (bytes[i] === 0x3e) runStart = i + 1;
    else if (bytes[i] === 0x3c && runStart >= 0) {
      if (i - runStart > best[1] - best[0]) best = [runStart, i];
      runStart = -1;
    }
  }
  if (best[1] === best[0]) {
    // No text (a ReferenceList): the last attribute value.
    const s = Buffer.from(bytes.subarray(start, end)).toString('latin1');
    const last = [...s.matchAll(/\s[^\s=]+="([^"]*)"/g)].at(-1);
    assert.ok(last !== undefined, 'nothing to change');
    const at = start + last.index! + last[0].length - 1 - last[1]!.length;
    best = [at, at + last[1]!.length];
  }
  const out = bytes.slice();
  for (let at = (best[0] + best[1]) >> 1; at < best[1]; at++) {
    const c = String.fromCharCode(out[at]!);
    if (/[0-9]/.test(c)) out[at] = c === '9' ? 0x30 : out[at]! + 1;
    else if (/[A-Za-z]/.test(c)) out[at] = c === 'z' ? 0x61 : c === 'Z' ? 0x41 : out[at]! + 1;
    else continue;
    return out;
  }
  throw new Error('nothing to change');
}

function refusedWithOneOf(fn: () => unknown, classes: Array<new (...a: never[]) => WsscError>): string {
  let name = '';
  assert.throws(fn, (err: unknown) => {
    assert.ok(classes.some((c) => err instanceof c), `unexpected ${String(err)}`);
    name = `${(err as WsscError).name}/${(err as WsscError).code}`;
    return true;
  });
  return name;
}

describe('X.509 bootstrap refusals: certificates', () => {
  it('a client certificate neither under the CA nor pinned: CERTIFICATE_UNTRUSTED', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client({ client: pki.unrelated }));
    assertRefused(() => openBootstrapRequest(message, service()), WsSecurityError, 'CERTIFICATE_UNTRUSTED');
    assertRefused(() => openBootstrapRequest(message, service({ trust: { pinned: [pki.client.certificate] } })), WsSecurityError, 'CERTIFICATE_UNTRUSTED');
    // The CA itself is not a client certificate it issued, and a self-signed certificate is not its own anchor.
    const self = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client({ client: pki.ca })).message;
    assertRefused(() => openBootstrapRequest(self, service({ trust: { ca: [pki.service.certificate] } })), WsSecurityError, 'CERTIFICATE_UNTRUSTED');
  });

  it('an expired client certificate: CERTIFICATE_UNTRUSTED (both clocks moved past notAfter)', () => {
    const saved = now;
    now += 3 * 24 * 3600_000;
    try {
      const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
      assertRefused(() => openBootstrapRequest(message, service()), WsSecurityError, 'CERTIFICATE_UNTRUSTED');
    } finally {
      now = saved;
    }
  });

  it('a certificate carried in the message other than the key that signed: SIGNATURE_MISMATCH', () => {
    // Another trusted client's certificate, signed with this client's key.
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client({ client: { certificate: pki.client2.certificate, privateKey: pki.client.privateKey } }));
    assertRefused(() => openBootstrapRequest(message, service()), SignatureError, 'SIGNATURE_MISMATCH');
    // The same by swapping the BinarySecurityToken's bytes of a genuine message.
    const genuine = text(protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client()).message);
    const b64 = (pem: string): string => Buffer.from(certificateDer(pem)).toString('base64');
    const swapped = utf8(genuine.replace(b64(pki.client.certificate), b64(pki.client2.certificate)));
    assertRefused(() => openBootstrapRequest(swapped, service()), SignatureError, 'SIGNATURE_MISMATCH');
    // An untrusted certificate swapped in is refused on trust first.
    const untrusted = utf8(genuine.replace(b64(pki.client.certificate), b64(pki.unrelated.certificate)));
    assertRefused(() => openBootstrapRequest(untrusted, service()), WsSecurityError, 'CERTIFICATE_UNTRUSTED');
  });

  it('the endorsing signature missing: ENDORSING_SIGNATURE_MISSING; modes the service does not accept: refused', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
    const kinds = readSecurity(message).security!.parts.map((p) => p.kind);
    const stripped = withoutPart(message, kinds.lastIndexOf('signature'));
    assertRefused(() => openBootstrapRequest(stripped, service()), WsSecurityError, 'ENDORSING_SIGNATURE_MISSING');
    const anon = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), anonymous()).message;
    assertRefused(() => openBootstrapRequest(anon, service({ modes: ['mutual-certificate'] })), WsSecurityError, 'ENDORSING_SIGNATURE_MISSING');
    // No trust configured: anonymous only, and a mutual request is refused rather than half-accepted.
    assertRefused(() => openBootstrapRequest(message, { service: pki.service, clock }), WsSecurityError, 'BOOTSTRAP_MODE');
    assert.equal(openBootstrapRequest(anon, { service: pki.service, clock }).state.mode, 'anonymous-for-certificate');
  });

  it('the wrong service private key: DecryptionError; a key wrapped for another certificate: KEY_MISMATCH', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
    const wrongKey = service({ service: { certificate: pki.service.certificate, privateKey: pki.unrelated.privateKey } });
    assert.throws(() => openBootstrapRequest(message, wrongKey), (err: unknown) => err instanceof DecryptionError && err.message === 'decryption failed');
    const other = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client({ serviceCertificate: pki.unrelated.certificate })).message;
    assertRefused(() => openBootstrapRequest(other, service()), WsSecurityError, 'KEY_MISMATCH');
  });
});

describe('X.509 bootstrap refusals: tampering', () => {
  for (const order of ['sign-encrypt', 'encrypt-sign'] as const) {
    it(`request (${order}): a changed byte in each protected part, the Body and each WS-A header is refused`, () => {
      const { message } = protectBootstrapRequest(rstEnvelope(WSSC_13), client({ order }));
      const secure = readSecurity(message);
      const targets: Array<[string, number, number]> = secure.security!.parts.map((p, i) => [`${i}:${p.kind}`, p.el.byteStart, p.el.byteEnd]);
      targets.push(['Body', secure.envelope.body.el.byteStart, secure.envelope.body.el.byteEnd]);
      for (const [name, h] of Object.entries(secure.addressingElements)) targets.push([name, h!.el.byteStart, h!.el.byteEnd]);
      const seen: string[] = [];
      for (const [name, start, end] of targets) {
        const tampered = flipInside(message, start, end);
        seen.push(`${name} → ${refusedWithOneOf(() => openBootstrapRequest(tampered, service({ order })), [WsscError])}`);
      }
      // Ciphertext changes are the one DecryptionError or, when the garbled plaintext still parses, a digest mismatch.
      for (const line of seen) if (/encrypted-(key|data)|Body/.test(line)) assert.match(line, /DecryptionError|SignatureError/, line);
    });
  }

  it('a changed Timestamp (milliseconds) or WS-A To fails the signature, not the clock check', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), anonymous());
    const wire = text(message);
    const ms = /(<u:Created>[^<]*\.\d\d)(\d)Z/.exec(wire)!;
    const changed = utf8(wire.replace(ms[0], `${ms[1]}${(Number(ms[2]) + 1) % 10}Z`));
    assertRefused(() => openBootstrapRequest(changed, service()), SignatureError, 'DIGEST_MISMATCH');
    const to = utf8(wire.replace('https://localhost/service.svc', 'https://localhost/service.svd'));
    assertRefused(() => openBootstrapRequest(to, service()), SignatureError, 'DIGEST_MISMATCH');
  });

  it('response: a changed byte in each part is refused by the client', () => {
    const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
    const opened = openBootstrapRequest(message, service());
    const response = protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), opened.state, service());
    const secure = readSecurity(response);
    const targets: Array<[number, number]> = secure.security!.parts.map((p) => [p.el.byteStart, p.el.byteEnd]);
    targets.push([secure.envelope.body.el.byteStart, secure.envelope.body.el.byteEnd]);
    for (const [, h] of Object.entries(secure.addressingElements)) targets.push([h!.el.byteStart, h!.el.byteEnd]);
    for (const [start, end] of targets) {
      const tampered = flipInside(response, start, end);
      refusedWithOneOf(() => openBootstrapResponse(tampered, state), [WsscError]);
    }
    openBootstrapResponse(response, state);
  });
});

describe('X.509 bootstrap refusals: signature confirmation and freshness', () => {
  it('a mutual request downgraded to anonymous in transit: the service answers, the client refuses (SIGNATURE_CONFIRMATION)', () => {
    const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
    const kinds = readSecurity(message).security!.parts.map((p) => p.kind);
    let downgraded = withoutPart(message, kinds.lastIndexOf('signature'));
    downgraded = withoutPart(downgraded, kinds.indexOf('binary-security-token'));
    const opened = openBootstrapRequest(downgraded, service());
    assert.equal(opened.state.mode, 'anonymous-for-certificate');
    const response = protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), opened.state, service());
    assertRefused(() => openBootstrapResponse(response, state), WsSecurityError, 'SIGNATURE_CONFIRMATION');
  });

  it('another trusted client re-endorsing the request: the confirmation names the wrong signature (SIGNATURE_CONFIRMATION)', () => {
    const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_13), client({ order: 'encrypt-sign' }));
    const kinds = readSecurity(message).security!.parts.map((p) => p.kind);
    const bare = withoutPart(message, kinds.lastIndexOf('signature'));
    const wire = text(bare);
    const sigId = /<Signature xmlns="[^"]*" Id="([^"]+)"/.exec(wire)![1]!;
    const bstId = /BinarySecurityToken[^>]*u:Id="([^"]+)"/.exec(wire)![1]!;
    const b64 = (pem: string): string => Buffer.from(certificateDer(pem)).toString('base64');
    const reendorsed = signXml(utf8(wire.replace(b64(pki.client.certificate), b64(pki.client2.certificate))), {
      key: { kind: 'rsa', privateKey: pki.client2.privateKey }, algorithm: 'rsa-sha1', digest: 'sha1', references: [{ id: sigId }],
      parent: { select: (el) => el.depth === 3 && el.uri === WSSE_NAMESPACE && el.local === 'Security' }, prefix: '',
      keyInfo: tokenReferenceXml(x509Reference(bstId)),
    });
    const opened = openBootstrapRequest(reendorsed, service());
    assert.equal(opened.state.mode, 'mutual-certificate');
    assert.match(opened.state.clientCertificate!.subject, /client2/);
    const response = protectBootstrapResponse(rstrEnvelope(WSSC_13), opened.state, service());
    assertRefused(() => openBootstrapResponse(response, state), WsSecurityError, 'SIGNATURE_CONFIRMATION');
  });

  it('a response without its SignatureConfirmations is refused (signature coverage or confirmation)', () => {
    const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client({ order: 'encrypt-sign' }));
    const opened = openBootstrapRequest(message, service());
    const response = protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), opened.state, service({ order: 'encrypt-sign' }));
    const kinds = readSecurity(response).security!.parts.map((p) => p.kind);
    const without = withoutPart(withoutPart(response, kinds.lastIndexOf('signature-confirmation')), kinds.indexOf('signature-confirmation'));
    assertRefused(() => openBootstrapResponse(without, state), SignatureError, 'REFERENCE_UNRESOLVED');
  });

  it('a response to another request (another EncryptedKey) is refused: KEY_MISMATCH', () => {
    const a = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
    const b = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
    const openedB = openBootstrapRequest(b.message, service());
    const responseB = protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), openedB.state, service());
    assertRefused(() => openBootstrapResponse(responseB, a.state), WsSecurityError, 'KEY_MISMATCH');
  });

  it('expired Timestamps: the service refuses a stale request, the client a stale response', () => {
    const { message, state } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), client());
    const later = (): Date => new Date(now + 11 * 60_000);
    assertRefused(() => openBootstrapRequest(message, service({ clock: later })), WsSecurityError, 'TIMESTAMP_EXPIRED');
    const opened = openBootstrapRequest(message, service());
    const earlier = (): Date => new Date(now - 11 * 60_000);
    const stale = protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), opened.state, service({ clock: earlier }));
    assertRefused(() => openBootstrapResponse(stale, state), WsSecurityError, 'TIMESTAMP_EXPIRED');
    const future = protectBootstrapResponse(rstrEnvelope(WSSC_FEB2005), opened.state, service({ clock: later }));
    assertRefused(() => openBootstrapResponse(future, state), WsSecurityError, 'TIMESTAMP_FUTURE');
  });

  it('a request without a Timestamp is refused: TIMESTAMP_MISSING', () => {
    const { message } = protectBootstrapRequest(rstEnvelope(WSSC_FEB2005), anonymous());
    assertRefused(() => openBootstrapRequest(withoutPart(message, 0), service()), WsSecurityError, 'TIMESTAMP_MISSING');
  });
});
