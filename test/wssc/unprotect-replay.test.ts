// unprotectMessage's signature pass over replayed events (src/xml/event-log.ts) against a parse of the decrypted document: same results, same refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WsscError } from '../../src/errors.js';
import { addAddressing } from '../../src/soap/index.js';
import { readSecurity } from '../../src/wss/security-header.js';
import { TYPE_CONTENT, TYPE_ELEMENT } from '../../src/xenc/algorithms.js';
import { buildEncryptedData } from '../../src/xenc/encrypt.js';
import { buildReferenceList } from '../../src/xenc/reference-list.js';
import { deriveKey, parseDerivedKeyTokenElement } from '../../src/wssc/derived-key-token.js';
import { SUITE_NAMES, WSSC_13, WSSC_FEB2005, protectMessage, type SessionToken, type TokenLookup } from '../../src/wssc/index.js';
import { algorithmSuite, type SuiteName } from '../../src/wssc/suites.js';
import { openMessage, type UnprotectOptions } from '../../src/wssc/unprotect.js';
import { Rng } from '../c14n/random-document.js';
import { text, utf8 } from './helpers.js';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

function session(version = WSSC_FEB2005): SessionToken {
  return { version, identifier: 'urn:uuid:00000000-0000-4000-8000-000000000007', key: new Uint8Array(32).fill(7) };
}
const resolver = (token: SessionToken) => (ref: TokenLookup): SessionToken | undefined => (ref.identifier === token.identifier ? token : undefined);

/** Bodies with odd namespace placements, Ids, CR LF, CDATA, comments, PIs and references. */
const BODIES = [
  '<Echo xmlns="urn:e"><v>héllo &amp; bye</v></Echo>',
  `<p:A xmlns:p="urn:p" xmlns:u="${WSU}" u:Id="inner-1"><p:B Id="inner-2">x\r\ny</p:B><q:C xmlns:q="urn:q" xmlns="">t<![CDATA[<&]]></q:C></p:A>`,
  '<a:X xmlns:a="urn:a"><!-- c --><?pi data?>text&#13;<a:Y a:z="1" xmlns:a="urn:a2"/></a:X>tail',
  '',
  '  <s:Inner xmlns:s="urn:not-soap">\r\n</s:Inner>  ',
  `<a:One xmlns:a="urn:a" xmlns:u="${WSU}" u:Id="inner-1">1</a:One>\r\n<a:Two xmlns:a="urn:a">]]&gt;</a:Two> text\r\n<!--c--> <?p d?>&lt;<Three xmlns="urn:t" Id="inner-3"/>`,
];

function envelope(body: string, soap: string, prefix: 's' | 'env'): Uint8Array {
  return addAddressing(utf8(`<${prefix}:Envelope xmlns:${prefix}="${soap}" xmlns:p="urn:p-on-envelope"><${prefix}:Body>${body}</${prefix}:Body></${prefix}:Envelope>`),
    { action: 'urn:op', messageId: 'urn:uuid:2d1e', to: 'https://svc/' });
}

/** What a run gives: the verification and the opened message, or the refusal's class and code. */
function outcome(bytes: Uint8Array, options: UnprotectOptions, source: 'replay' | 'parse'): unknown {
  try {
    const { message, verification } = openMessage(bytes, options, source);
    return { verification, envelope: text(message.envelope), signedParts: message.signedParts, encryptedParts: message.encryptedParts, suite: message.suite };
  } catch (err) {
    assert.ok(err instanceof WsscError, String(err));
    return `${err.name} ${err.code}`;
  }
}

const counts = { accepted: 0, refused: 0 };
function same(bytes: Uint8Array, options: UnprotectOptions, what: string): unknown {
  const replay = outcome(bytes, options, 'replay');
  assert.deepEqual(replay, outcome(bytes, options, 'parse'), what);
  if (typeof replay === 'string') counts.refused++;
  else counts.accepted++;
  return replay;
}

/**
 * The message re-protected with the decrypted Body content cut into pieces, each its own EncryptedData (Type Content,
 * ids given by `ids`, some pieces left in the clear), and the Signature re-encrypted: what is signed is unchanged.
 */
function reencrypt(opened: string, token: SessionToken, suite: SuiteName, pieces: readonly { xml: string; encrypt: boolean; id: string }[], keysFrom = opened): Uint8Array {
  const sigId = 'sig-ed';
  const secure = readSecurity(utf8(keysFrom));
  const dkts = secure.security!.parts.filter((p) => p.kind === 'derived-key-token').map((p) => parseDerivedKeyTokenElement(p.tree));
  const dkt = dkts[1]!; // protectMessage writes the signing DKT, then the encryption DKT
  const key = deriveKey(dkt, token.key);
  const s = algorithmSuite(suite);
  const keyInfo = `<o:SecurityTokenReference xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><o:Reference URI="#${dkt.id!}" ValueType="${dkt.version.dktTokenType}"/></o:SecurityTokenReference>`;
  const options = { key, algorithm: s.encryption, keyInfo, prefix: 'e' };
  const sigStart = opened.indexOf('<Signature ');
  const sigEnd = opened.indexOf('</Signature>') + '</Signature>'.length;
  const listStart = opened.search(/<e:ReferenceList/);
  const listEnd = opened.indexOf('</e:ReferenceList>') + '</e:ReferenceList>'.length;
  const ids = [...pieces.filter((p) => p.encrypt).map((p) => p.id), sigId];
  const header = buildReferenceList(ids, { prefix: 'e' }) + buildEncryptedData(utf8(opened.slice(sigStart, sigEnd)), TYPE_ELEMENT, { ...options, id: sigId });
  const bodyOpen = opened.search(/<(s|env):Body[^>]*>/);
  const contentStart = opened.indexOf('>', bodyOpen) + 1;
  const contentEnd = opened.search(/<\/(s|env):Body>/);
  const joined = pieces.map((p) => p.xml).join('');
  assert.equal(joined, opened.slice(contentStart, contentEnd), 'the pieces make the Body content');
  const body = pieces.map((p) => (p.encrypt ? buildEncryptedData(utf8(p.xml), TYPE_CONTENT, { ...options, id: p.id }) : p.xml)).join('');
  return utf8(opened.slice(0, listStart) + header + opened.slice(listEnd, sigStart) + opened.slice(sigEnd, contentStart) + body + opened.slice(contentEnd));
}

/** Cuts `content` between its top-level nodes and inside its top-level text, where `rng` chooses. */
function cut(content: string, rng: Rng): string[] {
  const pieces: string[] = [];
  let current = '';
  let depth = 0;
  for (const [token] of content.matchAll(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<\/[^>]*>|<[^>]*\/>|<[^>]*>|&[^;&<]*;|[\s\S]/g)) {
    if (depth === 0 && current !== '' && rng.chance(0.3)) {
      pieces.push(current);
      current = '';
    }
    current += token;
    if (token.startsWith('</')) depth--;
    else if (token.startsWith('<') && !/^<[!?]/.test(token) && !token.endsWith('/>')) depth++;
  }
  if (current !== '') pieces.push(current);
  return pieces.length === 0 ? [''] : pieces;
}

test('protected messages: replay and parse give the same VerificationResult (every suite, order, version, mode, request and response)', () => {
  for (const version of [WSSC_FEB2005, WSSC_13]) {
    const token = session(version);
    for (const suite of SUITE_NAMES) {
      for (const [i, body] of BODIES.entries()) {
        for (const order of ['sign-encrypt', 'encrypt-sign'] as const) {
          for (const includeToken of [true, false]) {
            const env = envelope(body, i % 2 === 0 ? SOAP12 : SOAP11, i % 2 === 0 ? 's' : 'env');
            const bytes = protectMessage(env, { token, suite, order, includeToken });
            const r = same(bytes, { resolveToken: resolver(token) }, `${version.name} ${suite} ${order} body ${i}`);
            assert.equal(typeof r, 'object', `accepted: ${String(r)}`);
          }
        }
        const transport = protectMessage(envelope(body, SOAP12, 's'), { token, suite, mode: 'transport' });
        assert.equal(typeof same(transport, { resolveToken: resolver(token) }, `transport ${suite}`), 'object');
      }
    }
  }
});

test('several EncryptedData in the Body (some text in the clear), Ids in the plaintexts: the same results; refusals alike', () => {
  const token = session();
  const rng = new Rng(7);
  const opts = { resolveToken: resolver(token) };
  for (const suite of SUITE_NAMES) {
    for (const [i, body] of BODIES.entries()) {
      const bytes = protectMessage(envelope(body, SOAP12, 's'), { token, suite });
      const opened = text(openMessage(bytes, opts, 'parse').message.envelope);
      const content = opened.slice(opened.indexOf('>', opened.search(/<s:Body/)) + 1, opened.search(/<\/s:Body>/));
      for (let round = 0; round < 6; round++) {
        const parts = cut(content, rng);
        // An EncryptedData may carry the Id of an element inside its own plaintext: it is gone once decrypted.
        const pieces = parts.map((xml, k) => ({ xml, encrypt: rng.chance(0.8), id: xml.includes('u:Id="inner-1"') && rng.chance(0.5) ? 'inner-1' : `ed-${k}` }));
        if (!pieces.some((p) => p.encrypt)) pieces[0]!.encrypt = true;
        const m = reencrypt(opened, token, suite, pieces);
        const r = same(m, opts, `${suite} body ${i} round ${round} ${JSON.stringify(parts)}`);
        assert.equal(typeof r, 'object', `accepted: ${String(r)} ${JSON.stringify(pieces)}`);
      }
      // Seams inside a CR LF: the replay must not read two line ends (the parse of the whole reads one).
      if (content.includes('</a:One>\r\n')) {
        const at = content.indexOf('</a:One>\r\n') + '</a:One>\r'.length;
        const m = reencrypt(opened, token, suite, [{ xml: content.slice(0, at), encrypt: true, id: 'a' }, { xml: content.slice(at), encrypt: true, id: 'b' }]);
        const r = same(m, opts, `CR|LF seam ${suite} ${i}`);
        assert.equal(typeof r, 'object', String(r));
      }
    }
  }
  assert.ok(counts.accepted > 100, `${counts.accepted} accepted`);
});

test('plaintexts that are well-formed apart but not together, too deep in place, or repeat an Id: refused alike', () => {
  const token = session();
  const opts = { resolveToken: resolver(token) };
  const bytes = protectMessage(envelope('<Echo xmlns="urn:e"><v>x</v></Echo>', SOAP12, 's'), { token });
  const opened = text(openMessage(bytes, opts, 'parse').message.envelope);
  const content = '<Echo xmlns="urn:e"><v>x</v></Echo>';
  const swap = (pieces: { xml: string; encrypt: boolean; id: string }[]): Uint8Array => {
    // The Body content replaced (the signature then fails, after the digest pass has had its say).
    const o = opened.replace(content, pieces.map((p) => p.xml).join(''));
    return reencrypt(o, token, 'basic256', pieces, opened);
  };
  const deep = '<d>'.repeat(255) + '</d>'.repeat(255);
  const cases: [string, { xml: string; encrypt: boolean; id: string }[], string][] = [
    [']]> across two plaintexts', [{ xml: '<a/>]]', encrypt: true, id: 'a' }, { xml: '>', encrypt: true, id: 'b' }], 'XmlError XML_MALFORMED'],
    [']]> across clear text and a plaintext', [{ xml: ']]', encrypt: false, id: 'x' }, { xml: '><a/>', encrypt: true, id: 'b' }], 'XmlError XML_MALFORMED'],
    [']]> across a plaintext and clear text', [{ xml: ']', encrypt: false, id: 'x' }, { xml: ']', encrypt: true, id: 'b' }, { xml: '>', encrypt: false, id: 'y' }], 'XmlError XML_MALFORMED'],
    ['nesting over maxDepth once in place', [{ xml: deep, encrypt: true, id: 'a' }], 'XmlError XML_LIMIT'],
    ['nesting up to maxDepth in place', [{ xml: deep.slice(3, -4), encrypt: true, id: 'a' }], 'SignatureError DIGEST_MISMATCH'],
    ['an Id of the header repeated in a plaintext', [{ xml: `<z xmlns:u="${WSU}" u:Id="_0"/>`, encrypt: true, id: 'a' }], 'C14nError DUPLICATE_ID'],
    ['an Id repeated in two plaintexts', [{ xml: '<z Id="dup"/>', encrypt: true, id: 'a' }, { xml: '<z Id="dup"/>', encrypt: true, id: 'b' }], 'C14nError DUPLICATE_ID'],
    ['an Id of a plaintext on its own EncryptedData only', [{ xml: '<z Id="a"/>', encrypt: true, id: 'a' }], 'SignatureError DIGEST_MISMATCH'],
  ];
  for (const [what, pieces, expected] of cases) assert.equal(same(swap(pieces), opts, what), expected, what);
});

test('mutated messages and plaintexts: the same refusal (class and code) or the same result', () => {
  const token = session();
  const opts = { resolveToken: resolver(token) };
  const rng = new Rng(11);
  const ALPHABET = ['<', '>', '&', ']', '\r', '\n', ' ', 'x', '"', '/', '=', ':', 'Id="_0" '];
  for (const order of ['sign-encrypt', 'encrypt-sign'] as const) {
    const bytes = protectMessage(envelope(BODIES[1]!, SOAP12, 's'), { token, order });
    for (let n = 0; n < 150; n++) {
      const m = bytes.slice();
      for (let k = 1 + rng.int(3); k > 0; k--) m[rng.int(m.length)] = rng.pick([0x3c, 0x3e, 0x22, 0x41, 0x20, 0x0d, 0x5d]);
      same(m, opts, `${order} wire mutation ${n}`);
    }
  }
  const bytes = protectMessage(envelope(BODIES[1]!, SOAP12, 's'), { token });
  const opened = text(openMessage(bytes, opts, 'parse').message.envelope);
  for (let n = 0; n < 200; n++) {
    // A mutation of the decrypted document, then re-encrypted in pieces: the digest pass sees it first.
    let o = opened;
    for (let k = 1 + rng.int(2); k > 0; k--) {
      const lo = o.indexOf('>', o.search(/<s:Body/)) + 1;
      const at = lo + rng.int(o.search(/<\/s:Body>/) - lo);
      o = o.slice(0, at) + rng.pick(ALPHABET) + o.slice(at + (rng.chance(0.5) ? 1 : 0));
    }
    const content = o.slice(o.indexOf('>', o.search(/<s:Body/)) + 1, o.search(/<\/s:Body>/));
    const parts = cut(content, rng);
    let m: Uint8Array;
    try {
      m = reencrypt(o, token, 'basic256', parts.map((xml, k) => ({ xml, encrypt: rng.chance(0.7), id: `m-${k}` })), opened);
    } catch {
      continue; // a mutation that moved the Body's tags: the pieces no longer make its content
    }
    same(m, opts, `plaintext mutation ${n}`);
  }
  assert.ok(counts.refused > 100, `${counts.refused} refused`);
});
