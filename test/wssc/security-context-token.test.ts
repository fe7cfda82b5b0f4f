// Security Context Token (WS-SC 1.3 §3): round trips in both versions with Instance and cookie, and refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenError } from '../../src/errors.js';
import { DNSE_NAMESPACE, WSSC_13, WSSC_FEB2005, WSU_NAMESPACE, buildSecurityContextToken, parseSecurityContextToken } from '../../src/wssc/index.js';
import { assertRefused, text, utf8 } from './helpers.js';

test('SCT round trips in both versions: Identifier, Instance, wsu:Id, cookie', () => {
  for (const version of [WSSC_FEB2005, WSSC_13]) {
    const cookie = crypto.getRandomValues(new Uint8Array(300));
    const variants = [
      { version, identifier: 'urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08' },
      { version, identifier: 'urn:uuid:1', id: 'uuid-1-1' },
      { version, identifier: 'urn:uuid:1', id: 'uuid-1-1', instance: 'urn:uuid:2' },
      { version, identifier: 'urn:uuid:1', instance: 'urn:uuid:2', cookie },
    ];
    for (const sct of variants) {
      const bytes = buildSecurityContextToken(sct);
      const back = parseSecurityContextToken(bytes);
      assert.deepEqual(back, sct);
      assert.equal(back.version, version);
    }
    const s = text(buildSecurityContextToken(variants[3]!));
    const p = version.scPrefix;
    assert.equal(
      s,
      `<${p}:SecurityContextToken xmlns:${p}="${version.sc}"><${p}:Identifier>urn:uuid:1</${p}:Identifier><${p}:Instance>urn:uuid:2</${p}:Instance>` +
        `<dnse:Cookie xmlns:dnse="${DNSE_NAMESPACE}">${Buffer.from(cookie).toString('base64')}</dnse:Cookie></${p}:SecurityContextToken>`,
    );
  }
});

test('SCT with u already in scope writes no xmlns:u; whitespace around the Identifier is ignored', () => {
  const s = text(buildSecurityContextToken({ version: WSSC_FEB2005, identifier: 'urn:x', id: 'a' }, { u: WSU_NAMESPACE }));
  assert.equal(s, `<c:SecurityContextToken u:Id="a" xmlns:c="${WSSC_FEB2005.sc}"><c:Identifier>urn:x</c:Identifier></c:SecurityContextToken>`);
  const sct = parseSecurityContextToken(utf8(`<c:SecurityContextToken xmlns:c="${WSSC_FEB2005.sc}">\n  <c:Identifier> urn:x </c:Identifier>\n</c:SecurityContextToken>`));
  assert.equal(sct.identifier, 'urn:x');
});

const C = WSSC_FEB2005.sc;
const sctXml = (inner: string, ns = C): Uint8Array => utf8(`<c:SecurityContextToken xmlns:c="${ns}" xmlns:dnse="${DNSE_NAMESPACE}">${inner}</c:SecurityContextToken>`);
const refused: [string, string, string][] = [
  ['no Identifier', '', 'TOKEN_STRUCTURE'],
  ['an empty Identifier', '<c:Identifier> </c:Identifier>', 'TOKEN_STRUCTURE'],
  ['two Identifiers', '<c:Identifier>a</c:Identifier><c:Identifier>b</c:Identifier>', 'TOKEN_STRUCTURE'],
  ['Instance before Identifier', '<c:Instance>i</c:Instance><c:Identifier>a</c:Identifier>', 'TOKEN_STRUCTURE'],
  ['an unknown child', '<c:Identifier>a</c:Identifier><c:Other/>', 'TOKEN_STRUCTURE'],
  ['a cookie that is not base64', '<c:Identifier>a</c:Identifier><dnse:Cookie>%%%</dnse:Cookie>', 'TOKEN_STRUCTURE'],
  ['an empty cookie', '<c:Identifier>a</c:Identifier><dnse:Cookie></dnse:Cookie>', 'TOKEN_STRUCTURE'],
  ['an element inside the Identifier', '<c:Identifier>a<c:b/></c:Identifier>', 'TOKEN_STRUCTURE'],
];
for (const [name, inner, code] of refused) {
  test(`SCT refused (${code}): ${name}`, () => assertRefused(() => parseSecurityContextToken(sctXml(inner)), TokenError, code));
}

test('SCT refused (TOKEN_VERSION): another namespace, or the other version when one is expected', () => {
  assertRefused(() => parseSecurityContextToken(sctXml('<c:Identifier>a</c:Identifier>', 'urn:x')), TokenError, 'TOKEN_VERSION');
  assertRefused(() => parseSecurityContextToken(sctXml('<c:Identifier>a</c:Identifier>'), { version: WSSC_13 }), TokenError, 'TOKEN_VERSION');
});
