// Parsers fail closed with typed errors only: byte mutations of the WCF RSTR and of a WCF-shaped security header
// (protocol.md §5.1) never escape as TypeError/RangeError, and the §5.1 header built from these builders reads back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WsscError } from '../../src/errors.js';
import {
  WSSC_13,
  WSSC_FEB2005,
  WSSE_NAMESPACE,
  WSU_NAMESPACE,
  buildDerivedKeyToken,
  buildSecurityContextToken,
  computeSessionKey,
  deriveKey,
  newDerivedKeyToken,
  parseDerivedKeyToken,
  parseDerivedKeyTokenElement,
  parseSecurityContextTokenElement,
  referencesSct,
  sctLocalReference,
  type SecurityContextToken,
} from '../../src/wssc/index.js';
import { readVector } from '../helpers/vectors.js';
import { WCF, b64, collect, independentPHash, text, toB64, utf8 } from './helpers.js';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const out = input.slice();
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(rnd() * out.length);
    const pick = rnd();
    // Mostly XML-significant bytes, so that the mutants get past the tokenizer often enough to reach our checks.
    out[pos] = pick < 0.5 ? '<>/="0123456789AZaz:+ '.charCodeAt(Math.floor(rnd() * 22)) : Math.floor(rnd() * 256);
  }
  return out;
}

test('byte mutations of the WCF RSTR: a key or a typed WsscError, never anything else', () => {
  const rstr = readVector('wcf/rstr-response.xml');
  const rnd = seeded(6);
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const m = mutate(rstr, rnd);
    try {
      const s = computeSessionKey(m, { clientEntropy: b64(WCF.clientEntropy), keySize: 256 });
      accepted++;
      assert.equal(s.key.length, 32);
    } catch (err) {
      assert.ok(err instanceof WsscError, `mutant ${i}: ${String(err)}\n${text(m)}`);
    }
  }
  assert.ok(accepted > 0 && accepted < 3000);
});

/** The §5.1 header skeleton (Timestamp, SCT, signing DKT 24 B, encryption DKT 32 B) built from this folder's builders. */
function header(version: typeof WSSC_FEB2005, sct: SecurityContextToken, nonces: [Uint8Array, Uint8Array]): Uint8Array {
  const scope = { s: SOAP12, u: WSU_NAMESPACE, o: WSSE_NAMESPACE };
  const ref = sctLocalReference(version, sct.id!);
  const parts = [
    `<u:Timestamp u:Id="_0"><u:Created>2024-02-14T02:07:04.784Z</u:Created><u:Expires>2024-02-14T02:12:04.784Z</u:Expires></u:Timestamp>`,
    text(buildSecurityContextToken(sct, scope)),
    text(buildDerivedKeyToken(newDerivedKeyToken({ version, id: '_1', reference: ref, length: 24, nonce: nonces[0] }), scope)),
    text(buildDerivedKeyToken(newDerivedKeyToken({ version, id: '_2', reference: ref, nonce: nonces[1] }), scope)),
  ];
  return utf8(
    `<s:Envelope xmlns:s="${SOAP12}" xmlns:u="${WSU_NAMESPACE}"><s:Header><o:Security s:mustUnderstand="1" xmlns:o="${WSSE_NAMESPACE}">${parts.join('')}</o:Security></s:Header><s:Body/></s:Envelope>`,
  );
}

for (const version of [WSSC_FEB2005, WSSC_13]) {
  test(`${version.name}: a §5.1-shaped header reads back; the DKTs point at the SCT and derive the psha1.json keys`, () => {
    const sct = { version, identifier: WCF.identifier, id: WCF.sctId };
    const nonce = Uint8Array.from({ length: 16 }, (_, i) => i);
    const doc = header(version, sct, [nonce, nonce]);
    const [sctNode] = collect(doc, version.sc, 'SecurityContextToken');
    assert.deepEqual(parseSecurityContextTokenElement(sctNode!), sct);
    const dkts = collect(doc, version.sc, 'DerivedKeyToken').map((n) => parseDerivedKeyTokenElement(n, { version, dktLimits: { maxLength: 32 } }));
    assert.deepEqual(dkts.map((d) => [d.id, d.offset, d.length]), [['_1', 0, 24], ['_2', undefined, 32]]);
    for (const d of dkts) assert.ok(referencesSct(d.reference, sct));
    const key = b64(WCF.sctKey);
    assert.equal(toB64(deriveKey(dkts[0]!, key)), 'Gs1VgGSvxA0zMgbLwe4o4NZ4R/eM9TGB');
    assert.equal(toB64(deriveKey(dkts[1]!, key)), 'Gs1VgGSvxA0zMgbLwe4o4NZ4R/eM9TGB1pIocToeZHg=');
    assert.deepEqual(deriveKey(dkts[1]!, key), independentPHash('sha1', key, utf8(`WS-SecureConversationWS-SecureConversation${String.fromCharCode(...nonce)}`), 32));
  });
}

test('byte mutations of a DKT: a token or a typed WsscError, and no accepted mutant exceeds the limits', () => {
  const dkt = buildDerivedKeyToken(newDerivedKeyToken({ version: WSSC_13, id: '_0', reference: sctLocalReference(WSSC_13, 's'), length: 24, offset: 16 }));
  const rnd = seeded(7);
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const m = mutate(dkt, rnd);
    try {
      const d = parseDerivedKeyToken(m);
      accepted++;
      const position = d.offset ?? (d.generation ?? 0) * d.length;
      assert.ok(position <= 64 && d.length >= 1 && d.length <= 64 && d.nonce.length >= 16 && d.nonce.length <= 128, text(m));
    } catch (err) {
      assert.ok(err instanceof WsscError, `mutant ${i}: ${String(err)}\n${text(m)}`);
    }
  }
  assert.ok(accepted > 0);
});
