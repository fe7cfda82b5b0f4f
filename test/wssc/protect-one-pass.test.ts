// protectMessage's one-parse path (protocol.md §5.1 layout) against its two-parse reference: the same bytes for the same randomness and clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { auto } from '../../src/crypto/index.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { addAddressing } from '../../src/soap/index.js';
import { SUITE_NAMES, WSSC_13, WSSC_FEB2005, unprotectMessage, type SessionToken } from '../../src/wssc/index.js';
import { protectMessage, protectMessageTwoPass } from '../../src/wssc/protect.js';
import { buildEnvelope } from '../../src/wssc/session-envelope.js';
import { text, utf8 } from './helpers.js';

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

/** auto with a seeded randomBytes (nonces, IVs), and a count of one-shot digests (the one-parse path hashes the Timestamp that way). */
function seeded(seed: number): CryptoProvider & { oneShots: number } {
  let n = seed;
  const p = {
    ...auto,
    oneShots: 0,
    randomBytes: (len: number) => Uint8Array.from({ length: len }, () => (n = (n * 1103515245 + 12345) >>> 0) >>> 24),
    digest: (alg: Parameters<CryptoProvider['digest']>[0], data: Uint8Array) => {
      p.oneShots++;
      return auto.digest(alg, data);
    },
  };
  return p;
}

const token = (version = WSSC_FEB2005): SessionToken => ({ version, identifier: 'urn:uuid:00000000-0000-4000-8000-000000000007', key: new Uint8Array(32).fill(7) });
const clock = (): Date => new Date('2026-01-01T00:00:00.000Z');
/** The SCT's wsu:Id is a random UUID (not from the provider): the one byte-range the two paths may not share. */
const normalized = (b: Uint8Array): string => text(b).replace(/uuid-[0-9a-f-]{36}-1/g, 'uuid-SCT-1');

function bothPaths(envelope: Uint8Array, options: { suite?: (typeof SUITE_NAMES)[number]; includeToken?: boolean; version?: typeof WSSC_13 }, seed = 1) {
  const common = { token: token(options.version), clock, ...(options.suite === undefined ? {} : { suite: options.suite }), ...(options.includeToken === undefined ? {} : { includeToken: options.includeToken }) };
  const fast = seeded(seed);
  const one = protectMessage(envelope, { ...common, provider: fast });
  const two = protectMessageTwoPass(envelope, { ...common, provider: seeded(seed) });
  return { one, two, onePassTaken: fast.oneShots > 0 };
}

const SHAPES: Record<string, Uint8Array> = {
  'client request (buildEnvelope, SOAP 1.2)': buildEnvelope({ soap: '1.2', action: 'urn:op', messageId: 'urn:uuid:1', to: 'https://svc/', body: '<Echo xmlns="urn:e"><v>héllo &amp; bye</v></Echo>' }),
  'service reply (buildEnvelope, SOAP 1.1, RelatesTo)': buildEnvelope({ soap: '1.1', action: 'urn:op/Response', messageId: 'urn:uuid:2', relatesTo: 'urn:uuid:1', body: '<R xmlns="urn:e">ok</R>' }),
  'addAddressing, no wsu prefix in scope (declared on each element)': addAddressing(utf8(`<s:Envelope xmlns:s="${SOAP12}"><s:Body><m:x xmlns:m="urn:m" m:a="1" b="2"><!-- c --><?pi d?>t&lt;</m:x></s:Body></s:Envelope>`),
    { action: 'urn:op', messageId: 'urn:uuid:3', replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://svc/' }),
  'wsu bound to another prefix, Ids already on the Body and one header': utf8(`<S:Envelope xmlns:S="${SOAP11}" xmlns:wsu="${WSU}" xmlns:w="http://www.w3.org/2005/08/addressing"><S:Header><w:To>https://svc/</w:To><w:Action wsu:Id="act">urn:op</w:Action></S:Header><S:Body wsu:Id="_1"><x xmlns="urn:x"/></S:Body></S:Envelope>`),
  'headers out of WCF order, a non-addressing header between them': utf8(`<s:Envelope xmlns:s="${SOAP12}" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:To>https://svc/</a:To><h xmlns="urn:h">x</h><a:MessageID>urn:uuid:4</a:MessageID><a:Action>urn:op</a:Action></s:Header><s:Body><x xmlns="urn:x">y</x></s:Body></s:Envelope>`),
};

describe('protectMessage one-parse path', () => {
  for (const [name, envelope] of Object.entries(SHAPES)) {
    it(`${name}: the same message as the two-parse path, in every suite, with and without the SCT`, () => {
      for (const suite of SUITE_NAMES) {
        for (const includeToken of [true, false]) {
          const { one, two, onePassTaken } = bothPaths(envelope, { suite, includeToken });
          assert.equal(normalized(one), normalized(two), `${suite} ${includeToken}`);
          assert.ok(onePassTaken, 'the one-parse path was taken');
          const opened = unprotectMessage(one, { resolveToken: () => token() });
          assert.ok(opened.signedParts.includes('Body') && opened.signedParts.includes('Timestamp'));
        }
      }
    });
  }

  it('falls back to two parses, with the same result, when a guessed Id is taken later in the document or the Body is empty', () => {
    const taken = utf8(`<s:Envelope xmlns:s="${SOAP12}" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="${WSU}"><s:Header><a:Action>urn:op</a:Action></s:Header><s:Body><x xmlns="urn:x" u:Id="_2"/></s:Body></s:Envelope>`);
    const empty = utf8(`<s:Envelope xmlns:s="${SOAP12}" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>urn:op</a:Action></s:Header><s:Body/></s:Envelope>`);
    for (const envelope of [taken, empty]) {
      const { one, two, onePassTaken } = bothPaths(envelope, {});
      assert.equal(onePassTaken, false);
      assert.equal(normalized(one), normalized(two));
      unprotectMessage(one, { resolveToken: () => token() });
    }
  });

  it('WS-SC 1.3 and random Bodies (property): both paths agree and the message opens to the same Body', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.constantFrom('<a>', '</a>', '<b x="1"/>', '&amp;', '&#xD;', '\u00e9', '\ud83d\ude00', ' ', '\t', '<!--c-->', '<?p q?>', '<c:d xmlns:c="urn:c" c:e="&lt;"/>'), fc.string({ maxLength: 8 }).map((s) => s.replace(/[<&\r]/g, ''))), { maxLength: 20 }),
      fc.integer({ min: 1, max: 1 << 30 }),
      (pieces, seed) => {
        // Balance the generated tags so the Body is well-formed.
        let depth = 0;
        const body = pieces.filter((p) => (p === '<a>' ? (depth++, true) : p === '</a>' ? depth > 0 && (depth--, true) : true)).join('') + '</a>'.repeat(depth);
        const envelope = buildEnvelope({ soap: '1.2', action: 'urn:op', messageId: 'urn:uuid:5', to: 'https://svc/', body: `<r xmlns="urn:r">${body}</r>` });
        const { one, two } = bothPaths(envelope, { version: WSSC_13 }, seed);
        assert.equal(normalized(one), normalized(two));
        const opened = unprotectMessage(one, { resolveToken: () => token(WSSC_13) });
        assert.equal(text(opened.read!.body), `<r xmlns="urn:r">${body}</r>`);
      },
    ), { numRuns: 150 });
  });
});
