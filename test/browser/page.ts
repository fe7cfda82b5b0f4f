// The in-browser test page: known answers, WebCrypto differentials, c14n vectors, XML-DSig and XML-Enc round trips,
// session messages both ways with Node, and full WS-SecureConversation sessions against `wssc serve` (RSA through
// WebCrypto), run against the browser bundle of wssc (Web APIs only). Results go to window.__wsscResults and into the page.
import { canonicalize } from '../../src/c14n/index.js';
import { init, js, wasm, type CryptoProvider } from '../../src/crypto/index.js';
import { signXml, verifySignature } from '../../src/dsig/index.js';
import { SecureSessionClient, protectMessage, unprotectMessage, type BootstrapClientOptions, type WsscVersionName } from '../../src/index.js';
import { buildEnvelope } from '../../src/wssc/session-envelope.js';
import { decryptXml, encryptXml } from '../../src/xenc/index.js';
import type { XmlElement } from '../../src/xml/events.js';
import { CROSS_KEY, CROSS_SESSION, ECHO_ACTION, echoBody, resolveCrossSession } from './cross-key.js';

interface CaseResult { name: string; ok: boolean; detail?: string }

const results: CaseResult[] = [];
const enc = new TextEncoder();
const dec = new TextDecoder();
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string): Uint8Array => new Uint8Array((s.replace(/\s+/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)));
const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const unb64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

function same(a: Uint8Array, b: Uint8Array, what: string): void {
  expect(hex(a) === hex(b), `${what}: ${hex(a).slice(0, 64)} != ${hex(b).slice(0, 64)}`);
}

async function check(name: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
    results.push({ name, ok: true });
  } catch (err) {
    results.push({ name, ok: false, detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function knownAnswers(p: CryptoProvider): Promise<void> {
  return check(`${p.name}: FIPS 180-4, RFC 4231, SP 800-38A and P_SHA1 known answers`, async () => {
    same(p.digest('sha1', enc.encode('abc')), unhex('a9993e364706816aba3e25717850c26c9cd0d89d'), 'sha1 abc');
    same(p.digest('sha256', enc.encode('abc')), unhex('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'), 'sha256 abc');
    same(p.hmac('sha256', enc.encode('Jefe'), enc.encode('what do ya want for nothing?')),
      unhex('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'), 'RFC 4231 case 2');
    same(p.hmac('sha1', enc.encode('Jefe'), enc.encode('what do ya want for nothing?')),
      unhex('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'), 'RFC 2202 case 2');
    const key = unhex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
    const iv = unhex('000102030405060708090a0b0c0d0e0f');
    const pt = unhex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710');
    const ct = unhex('f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b');
    same(p.aesCbcEncrypt(key, iv, pt).subarray(0, 64), ct, 'CBC-AES256 encrypt');
    const key192 = unhex('8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b');
    same(p.aesCbcEncrypt(key192, iv, pt).subarray(0, 16), unhex('4f021db243bc633d7178183a9fa071e8'), 'CBC-AES192 encrypt');
    same(p.aesCbcDecrypt(key, iv, ct), pt.subarray(0, 48), 'CBC-AES256 decrypt');
    const { vectors } = JSON.parse(dec.decode(await fetchBytes('/vectors/psha1.json'))) as {
      vectors: Array<{ name: string; hash: 'sha1' | 'sha256'; secret: string; seed: string; length: number; offset: number; output: string }>;
    };
    for (const v of vectors) expect(b64(p.pHash(v.hash, unb64(v.secret), unb64(v.seed), v.length, v.offset)) === v.output, v.name);
  });
}

function webCryptoDifferential(p: CryptoProvider): Promise<void> {
  return check(`${p.name}: digests, HMACs and AES-CBC agree with WebCrypto on random inputs`, async () => {
    const subtle = crypto.subtle;
    for (let i = 0; i < 40; i++) {
      const data = p.randomBytes((i * 37) % 300 + (i === 39 ? 70_000 : 0));
      for (const [alg, name] of [['sha1', 'SHA-1'], ['sha256', 'SHA-256']] as const) {
        same(p.digest(alg, data), new Uint8Array(await subtle.digest(name, data as BufferSource)), `${alg} ${data.length}`);
        const k = p.randomBytes(i % 2 ? 20 : 100);
        const hk = await subtle.importKey('raw', k as BufferSource, { name: 'HMAC', hash: name }, false, ['sign']);
        same(p.hmac(alg, k, data), new Uint8Array(await subtle.sign('HMAC', hk, data as BufferSource)), `hmac ${alg}`);
      }
      // SPEC: Chromium's WebCrypto has no AES-192; the 192-bit path is covered by the known answers above.
      const aesKey = p.randomBytes(i % 2 ? 16 : 32);
      const iv = p.randomBytes(16);
      const ak = await subtle.importKey('raw', aesKey as BufferSource, 'AES-CBC', false, ['encrypt', 'decrypt']);
      const theirs = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: iv as BufferSource }, ak, data as BufferSource));
      same(p.aesCbcEncrypt(aesKey, iv, data), theirs, `aes encrypt ${data.length}`);
      same(p.aesCbcDecrypt(aesKey, iv, theirs), data, `aes decrypt ${data.length}`);
    }
  });
}

async function c14nVectors(): Promise<void> {
  const byName = (name: string) => (el: XmlElement): boolean => el.name === name;
  const cases: Array<[string, string, Parameters<typeof canonicalize>[1]]> = [
    ['inExcl/example2_2_1.xml', 'inExcl/example2_2_c14nized_exclusive.xml', { select: byName('n1:elem2') }],
    ['inExcl/example2_2_2.xml', 'inExcl/example2_2_c14nized_exclusive.xml', { select: byName('n1:elem2') }],
    ['inExcl/example2_2_3.xml', 'inExcl/example2_2_3_c14nized_exclusive.xml', { select: byName('p') }],
    ['inExcl/example2_4.xml', 'inExcl/example2_4_c14nized.xml', { select: byName('etsi:elem2') }],
    ['inExcl/plain-soap-1.1.xml', 'inExcl/plain-soap-c14nized.xml', { select: byName('env:Body'), withComments: true }],
    ['inExcl/example2_2_1.xml', 'inExcl/example2_2_1_c14nized.xml', { select: byName('n1:elem2'), method: 'inclusive' }],
    ['in/32_input.xml', 'in/32_c14n.xml', { method: 'inclusive' }],
  ];
  for (const [input, expected, options] of cases) {
    await check(`c14n: Santuario ${input}`, async () => {
      const out = canonicalize(await fetchBytes(`/vectors/santuario/${input}`), options);
      same(out, await fetchBytes(`/vectors/santuario/${expected}`), input);
    });
  }
}

const ENVELOPE = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><o:Security xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" s:mustUnderstand="1"><u:Timestamp u:Id="_0"><u:Created>2026-01-01T00:00:00.000Z</u:Created><u:Expires>2026-01-01T00:05:00.000Z</u:Expires></u:Timestamp></o:Security></s:Header><s:Body u:Id="_1"><Echo xmlns="http://tempuri.org/"><text>signed in the browser, é €</text></Echo></s:Body></s:Envelope>`;

function signInBrowser(): Uint8Array {
  return signXml(enc.encode(ENVELOPE), {
    key: { kind: 'hmac', secret: CROSS_KEY },
    algorithm: 'hmac-sha1',
    references: [{ id: '_0' }, { id: '_1' }],
    parent: { select: (el) => el.local === 'Security' },
  });
}

async function signatures(): Promise<void> {
  await check('dsig: HMAC-SHA1 sign and verify round trip; a changed byte is refused', () => {
    const signed = signInBrowser();
    const r = verifySignature(signed, { key: { kind: 'hmac', secret: CROSS_KEY } });
    expect(r.ids.join(',') === '_0,_1', `verified ids ${r.ids.join(',')}`);
    const tampered = enc.encode(dec.decode(signed).replace('browser', 'bowser'));
    let refused = false;
    try {
      verifySignature(tampered, { key: { kind: 'hmac', secret: CROSS_KEY } });
    } catch (err) {
      refused = (err as { code?: string }).code === 'DIGEST_MISMATCH';
    }
    expect(refused, 'a tampered message must be refused with DIGEST_MISMATCH');
  });
  await check('dsig: a message signed in Node verifies in the browser', async () => {
    const r = verifySignature(await fetchBytes('/node-signed.xml'), { key: { kind: 'hmac', secret: CROSS_KEY } });
    expect(r.ids.join(',') === '_0,_1', `verified ids ${r.ids.join(',')}`);
  });
  await check('dsig: a message signed in the browser verifies in Node', async () => {
    const r = await fetch('/verify-in-node', { method: 'POST', body: signInBrowser() as BodyInit });
    const verdict = (await r.json()) as { ok: boolean; ids?: string[]; error?: string };
    expect(verdict.ok && verdict.ids?.join(',') === '_0,_1', `node says ${JSON.stringify(verdict)}`);
  });
}

const ENC_DOC = `<Order xmlns="urn:test"><Customer>Ada</Customer><Card Id="card"><Number>4111 1111 1111 1111</Number><Name>é €</Name></Card></Order>`;

async function encryption(): Promise<void> {
  await check('xenc: encryptXml / decryptXml round trip (element and content, AES-128/256-CBC); a changed byte is refused', () => {
    for (const [key, content] of [[wasm.randomBytes(32), false], [wasm.randomBytes(16), true]] as const) {
      const encrypted = encryptXml(enc.encode(ENC_DOC), { key, target: { id: 'card' }, content, id: 'ed1' });
      const wire = dec.decode(encrypted);
      expect(!wire.includes('4111') && wire.includes('EncryptedData'), 'the card number is encrypted');
      const out = decryptXml(encrypted, { key });
      expect(dec.decode(out.document) === ENC_DOC, `decrypted: ${dec.decode(out.document)}`);
      const bent = enc.encode(wire.replace(/(<xenc:CipherValue>)(.)/, (_m, a: string, c: string) => a + (c === 'A' ? 'B' : 'A')));
      let refused = false;
      try {
        decryptXml(bent, { key });
      } catch (err) {
        refused = (err as { code?: string }).code === 'DECRYPTION_FAILED';
      }
      expect(refused, 'a changed CipherValue must fail with the one DecryptionError');
    }
  });
}

/** An application request of the cross-check session, protected here with protectMessage. */
function protectInBrowser(text: string): Uint8Array {
  const env = buildEnvelope({ soap: '1.2', action: ECHO_ACTION, messageId: `urn:uuid:${crypto.randomUUID()}`, to: 'urn:wssc:browser', body: echoBody(text) });
  return protectMessage(env, { token: CROSS_SESSION, includeToken: true });
}

async function sessionMessages(): Promise<void> {
  await check('wssc: a message protected in Node (protectMessage) opens in the browser (unprotectMessage)', async () => {
    const msg = unprotectMessage(await fetchBytes('/node-protected.xml'), { resolveToken: resolveCrossSession, suite: 'basic256' });
    expect(dec.decode(msg.envelope).includes(echoBody('protected in Node')), 'the Node body');
    expect(msg.encryptedParts.includes('Body') && msg.signedParts.includes('Body'), `parts ${msg.encryptedParts}/${msg.signedParts}`);
  });
  await check('wssc: a message protected in the browser (protectMessage) opens in Node (unprotectMessage); a changed byte is refused there', async () => {
    const protectedHere = protectInBrowser('protected in the browser');
    expect(!dec.decode(protectedHere).includes('protected in the browser'), 'the Body is encrypted');
    const r = await fetch('/unprotect-in-node', { method: 'POST', body: protectedHere as BodyInit });
    const verdict = (await r.json()) as { ok: boolean; envelope?: string; error?: string };
    expect(verdict.ok && verdict.envelope!.includes(echoBody('protected in the browser')), `node says ${JSON.stringify(verdict).slice(0, 300)}`);
    const other = protectInBrowser('tampered');
    const at = dec.decode(other).indexOf('<e:CipherValue>') + 20;
    other[at] = other[at] === 0x41 ? 0x42 : 0x41;
    const bad = (await (await fetch('/unprotect-in-node', { method: 'POST', body: other as BodyInit })).json()) as { ok: boolean; error?: string };
    expect(!bad.ok, 'Node must refuse a changed byte');
  });
}

async function fetchText(path: string): Promise<string> {
  return dec.decode(await fetchBytes(path));
}

/** A whole session against `wssc serve` behind `path`: establish (RSA through WebCrypto), echoes, renew, echoes, cancel. */
async function session(path: string, version: WsscVersionName, bootstrap: BootstrapClientOptions): Promise<void> {
  const s = await SecureSessionClient.establish({ url: path, version, bootstrap });
  const id = s.identifier;
  expect(/^urn:uuid:/.test(id), `identifier ${id}`);
  for (let i = 0; i < 3; i++) {
    const body = echoBody(`call ${i} from the browser, é €`);
    const reply = dec.decode(await s.call(ECHO_ACTION, body));
    expect(reply === body, `echo ${i}: ${reply}`);
  }
  const before = s.token.key.slice();
  await s.renew();
  expect(s.identifier === id, 'renew keeps the Identifier');
  expect(hex(s.token.key) !== hex(before), 'renew changes the key');
  for (let i = 0; i < 2; i++) {
    const body = echoBody(`after renew ${i}`);
    expect(dec.decode(await s.call(ECHO_ACTION, body)) === body, `echo after renew ${i}`);
  }
  expect(s.sent.issue === 1 && s.sent.call === 5 && s.sent.renew === 1, `sent ${JSON.stringify(s.sent)}`);
  await s.cancel();
  let closed = false;
  try {
    await s.call(ECHO_ACTION, echoBody('after cancel'));
  } catch (err) {
    closed = (err as { code?: string }).code === 'SESSION_CLOSED';
  }
  expect(closed, 'a cancelled session refuses calls');
}

async function sessions(): Promise<void> {
  const [certificate, privateKey, serviceCertificate] = await Promise.all(['/pki/client.pem', '/pki/client.key', '/pki/service.pem'].map(fetchText));
  const mutual: BootstrapClientOptions = { mode: 'mutual-certificate', serviceCertificate: serviceCertificate!, client: { certificate: certificate!, privateKey: privateKey! } };
  await check('session: MutualCertificate, WS-SC Feb 2005, against wssc serve: establish, 3 echoes, renew, 2 echoes, cancel', () => session('/service', 'feb2005', mutual));
  await check('session: MutualCertificate, WS-SC 1.3, against wssc serve --trust13: establish, 3 echoes, renew, 2 echoes, cancel', () => session('/service13', '1.3', mutual));
  await check('session: AnonymousForCertificate, WS-SC Feb 2005, against wssc serve: establish, 3 echoes, renew, 2 echoes, cancel', () =>
    session('/service-anon', 'feb2005', { mode: 'anonymous-for-certificate', serviceCertificate: serviceCertificate! }));
  await check('session: a request wrapped for another certificate is refused by wssc serve (a fault, typed)', async () => {
    let code: string | undefined;
    try {
      await SecureSessionClient.establish({ url: '/service', bootstrap: { ...mutual, serviceCertificate: certificate! } });
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code !== undefined && code !== 'TRANSPORT', `establish must fail with a fault, got ${String(code)}`);
  });
}

function render(): void {
  const failed = results.filter((r) => !r.ok).length;
  document.title = failed === 0 ? 'wssc: all passed' : `wssc: ${failed} failed`;
  const list = results.map((r) => `<li class="${r.ok ? 'ok' : 'fail'}">${r.ok ? 'PASS' : 'FAIL'} ${r.name}${r.detail ? ` — ${r.detail}` : ''}</li>`);
  document.body.innerHTML = `<h1>${document.title}</h1><p>${navigator.userAgent}</p><ul>${list.join('')}</ul>`;
}

async function main(): Promise<void> {
  await check('wasm: await init() compiles the embedded core asynchronously', () => init());
  for (const p of [wasm, js]) {
    await knownAnswers(p);
    await webCryptoDifferential(p);
  }
  await c14nVectors();
  await signatures();
  await encryption();
  await sessionMessages();
  await sessions();
  render();
  (window as unknown as { __wsscResults: CaseResult[] }).__wsscResults = results;
}

void main();
