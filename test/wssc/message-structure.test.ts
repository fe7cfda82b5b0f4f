// protectMessage output against protocol.md §5.1 (WCF's header order, DKT contents, namespaces, ReferenceList,
// EncryptedData types) in both WS-SC versions and all four suites; the signature inside verified by xmlsec1 with the DK.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { elementChildren } from '../../src/dsig/tree.js';
import { SOAP12_NAMESPACE, WSA_NAMESPACE } from '../../src/soap/index.js';
import { WSSE_NAMESPACE, WSU_NAMESPACE, readSecurity } from '../../src/wss/index.js';
import {
  SUITE_NAMES, WSSC_13, WSSC_FEB2005, algorithmSuite, deriveKey, parseDerivedKeyTokenElement, parseScTokenReference,
  parseSecurityContextTokenElement, protectMessage, unprotectMessage, type SessionToken,
} from '../../src/wssc/index.js';
import { addAddressing } from '../../src/soap/index.js';
import { text, utf8 } from './helpers.js';

const sampleEnvelope = (): Uint8Array =>
  addAddressing(utf8(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body><Echo xmlns="urn:e"><v>héllo</v></Echo></s:Body></s:Envelope>`),
    { action: 'urn:op', messageId: 'urn:uuid:2d1e', replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://svc/' });

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wssc-message-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const attr = (el: { attributes: readonly { uri: string; local: string; value: string }[] }, local: string, uri = ''): string | undefined =>
  el.attributes.find((a) => a.local === local && a.uri === uri)?.value;

describe('protectMessage: the WCF message-mode shape', () => {
  for (const version of [WSSC_FEB2005, WSSC_13]) {
    for (const name of SUITE_NAMES) {
      it(`${version.name} ${name}: header order, DKTs, references, EncryptedData types; xmlsec1 verifies the signature`, () => {
        const suite = algorithmSuite(name);
        const token: SessionToken = { version, identifier: 'urn:uuid:3c2b1a00-1111-4222-8333-444455556666', key: Uint8Array.from({ length: 32 }, (_, i) => i) };
        const out = protectMessage(sampleEnvelope(), { token, suite: name });
        const read = readSecurity(out);
        const sec = read.security!;
        assert.ok(sec.mustUnderstand);
        assert.deepEqual(sec.parts.map((p) => p.kind),
          ['timestamp', 'security-context-token', 'derived-key-token', 'derived-key-token', 'reference-list', 'encrypted-data']);
        // Action and the other WS-A headers are preserved, each with a wsu:Id.
        assert.equal(read.addressing.action, 'urn:op');
        assert.equal(read.addressing.to, 'https://svc/');
        for (const h of ['Action', 'MessageID', 'ReplyTo', 'To'] as const) assert.ok(attr(read.addressingElements[h]!.el, 'Id', WSU_NAMESPACE), h);
        const bodyId = attr(read.envelope.body.el, 'Id', WSU_NAMESPACE);
        assert.ok(bodyId);

        const [ts, sctPart, signDkPart, encDkPart, refList, sigEd] = sec.parts;
        assert.equal(ts!.el.uri, WSU_NAMESPACE);
        const sct = parseSecurityContextTokenElement(sctPart!.tree);
        assert.equal(sctPart!.el.uri, version.sc);
        assert.equal(sct.identifier, token.identifier);
        assert.match(sct.id!, /^uuid-[0-9a-f-]{36}-1$/);
        const signDk = parseDerivedKeyTokenElement(signDkPart!.tree);
        const encDk = parseDerivedKeyTokenElement(encDkPart!.tree);
        for (const dk of [signDk, encDk]) {
          assert.equal(dk.version, version);
          assert.equal(dk.nonce.length, 16);
          assert.equal(dk.label, undefined);
          assert.deepEqual(dk.reference, { kind: 'reference', uri: `#${sct.id}`, valueType: version.sctTokenType });
          assert.equal(attr(dk === signDk ? signDkPart!.el : encDkPart!.el, 'Algorithm'), undefined);
        }
        assert.equal(signDk.length, suite.signatureKeyLength);
        assert.equal(encDk.length, suite.encryptionKeyLength);
        // SPEC: Offset/Length only when the length is not 32 (protocol.md §2.2): Basic256 `<Offset>0</Offset><Length>24</Length>`.
        const locals = (p: typeof signDkPart) => elementChildren(p!.tree).map((c) => c.el.local);
        const expected = (len: number) => len === 32 ? ['SecurityTokenReference', 'Nonce'] : ['SecurityTokenReference', 'Offset', 'Length', 'Nonce'];
        assert.deepEqual(locals(signDkPart), expected(suite.signatureKeyLength));
        assert.deepEqual(locals(encDkPart), expected(suite.encryptionKeyLength));
        if (name === 'basic256') assert.match(text(out), new RegExp(`<${version.scPrefix}:Offset>0</${version.scPrefix}:Offset><${version.scPrefix}:Length>24</${version.scPrefix}:Length><${version.scPrefix}:Nonce>`));

        // ReferenceList: the Body's EncryptedData, then the Signature's.
        assert.equal(refList!.el.uri, XENC);
        const listed = elementChildren(refList!.tree).map((c) => attr(c.el, 'URI'));
        assert.equal(listed.length, 2);
        assert.equal(listed[1], `#${attr(sigEd!.el, 'Id')}`);
        assert.equal(attr(sigEd!.el, 'Type'), `${XENC}Element`);
        const s = text(out);
        const bodyEd = new RegExp(`<s:Body [^>]*><e:EncryptedData xmlns:e="${XENC}" Id="([^"]+)" Type="${XENC}Content"><e:EncryptionMethod Algorithm="${XENC}${suite.encryption}"/>`).exec(s);
        assert.ok(bodyEd, 'Body content encrypted');
        assert.equal(listed[0], `#${bodyEd[1]}`);
        for (const ed of [sigEd!.tree]) {
          const keyInfo = elementChildren(ed).find((c) => c.el.uri === DSIG && c.el.local === 'KeyInfo')!;
          const ref = parseScTokenReference(elementChildren(keyInfo)[0]!);
          assert.deepEqual(ref, { kind: 'reference', uri: `#${encDk.id}`, valueType: version.dktTokenType });
        }

        // The signature, decrypted by wssc, verified by xmlsec1 with the derived signing key.
        const opened = unprotectMessage(out, { resolveToken: () => token, suite: name });
        const plainSig = /<Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">[^]*<\/Signature>/.exec(text(opened.envelope))![0];
        assert.match(plainSig, new RegExp(`<SignatureMethod Algorithm="${suite.signature === 'hmac-sha1' ? `${DSIG}hmac-sha1` : 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256'}">`));
        assert.equal([...plainSig.matchAll(/<Reference URI=/g)].length, 6);
        assert.match(plainSig, new RegExp(`<KeyInfo><o:SecurityTokenReference><o:Reference ValueType="${version.dktTokenType}" URI="#${signDk.id}">`));
        if (!hasXmlsec) return;
        const key = deriveKey(signDk, token.key);
        const keyFile = join(dir, `dk-${version.name}-${name}.bin`);
        const docFile = join(dir, `opened-${version.name}-${name}.xml`);
        writeFileSync(keyFile, key);
        writeFileSync(docFile, opened.envelope);
        const ids = ['--id-attr:Id', `${WSU_NAMESPACE}:Timestamp`, '--id-attr:Id', `${SOAP12_NAMESPACE}:Body`,
          ...['Action', 'MessageID', 'ReplyTo', 'To'].flatMap((h) => ['--id-attr:Id', `${WSA_NAMESPACE}:${h}`])];
        const r = spawnSync('xmlsec1', ['--verify', '--hmackey', keyFile, ...ids, docFile], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
        assert.match(`${r.stdout}${r.stderr}`, /References \(ok\/all\): 6\/6/);
        writeFileSync(keyFile, token.key.subarray(0, key.length));
        assert.notEqual(spawnSync('xmlsec1', ['--verify', '--hmackey', keyFile, ...ids, docFile]).status, 0);
        assert.equal(WSSE_NAMESPACE, 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd');
      });
    }
  }

  it('encrypt-sign: Timestamp, SCT, DK, DK, Signature, ReferenceList; the signature is not encrypted', () => {
    const token: SessionToken = { version: WSSC_13, identifier: 'urn:uuid:1', key: new Uint8Array(32).fill(1) };
    const out = protectMessage(sampleEnvelope(), { token, order: 'encrypt-sign' });
    assert.deepEqual(readSecurity(out).security!.parts.map((p) => p.kind),
      ['timestamp', 'security-context-token', 'derived-key-token', 'derived-key-token', 'signature', 'reference-list']);
  });

  it('transport mode: Timestamp, SCT, Signature by the SCT key over the Timestamp, KeyInfo → SCT', () => {
    const token: SessionToken = { version: WSSC_FEB2005, identifier: 'urn:uuid:1', key: new Uint8Array(32).fill(1) };
    const out = text(protectMessage(sampleEnvelope(), { token, mode: 'transport' }));
    const read = readSecurity(new TextEncoder().encode(out));
    assert.deepEqual(read.security!.parts.map((p) => p.kind), ['timestamp', 'security-context-token', 'signature']);
    const sctId = read.security!.parts[1]!.id!;
    assert.match(out, new RegExp(`<Reference URI="#${read.security!.timestamp!.id}">`));
    assert.equal([...out.matchAll(/<Reference URI=/g)].length, 1);
    assert.match(out, new RegExp(`<KeyInfo><o:SecurityTokenReference><o:Reference ValueType="${WSSC_FEB2005.sctTokenType}" URI="#${sctId}">`));
  });
});
