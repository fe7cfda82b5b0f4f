// The WCF header orders (protocol.md §5.1) built on the Security header builder: sign-then-encrypt-signature and encrypt-then-sign.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOAP12_NAMESPACE, addAddressing, applyEdits } from '../../src/soap/index.js';
import {
  SC_FEB2005_NAMESPACE, VALUE_TYPE, WSU_NAMESPACE, checkStrictLayout, partKind, prepareSecurity, readSecurity, replacePartEdit, securityItemEdits,
  signEnvelope, tokenReferenceXml, verifyEnvelope, type SecurityItem,
} from '../../src/wss/index.js';
import type { NamespaceSnapshot } from '../../src/soap/scope.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const SECRET = utf8('derived-signing-key-24-b');
const XENC = 'http://www.w3.org/2001/04/xmlenc#';

function tokens({ allocate, scope }: { allocate: () => string; scope: NamespaceSnapshot }): SecurityItem[] {
  const sct = allocate();
  const dk = (id: string) => `<c:DerivedKeyToken xmlns:c="${SC_FEB2005_NAMESPACE}" xmlns:u="${WSU_NAMESPACE}" u:Id="${id}">` +
    `${tokenReferenceXml({ kind: 'reference', uri: `#${sct}`, valueType: VALUE_TYPE.sctFeb2005 }, scope)}<c:Nonce>AAAAAAAAAAAAAAAAAAAAAA==</c:Nonce></c:DerivedKeyToken>`;
  return [
    { kind: 'security-context-token', xml: `<c:SecurityContextToken xmlns:c="${SC_FEB2005_NAMESPACE}" xmlns:u="${WSU_NAMESPACE}" u:Id="${sct}"><c:Identifier>urn:uuid:1</c:Identifier></c:SecurityContextToken>` },
    { kind: 'derived-key-token', xml: dk('dk-sign') },
    { kind: 'derived-key-token', xml: dk('dk-enc') },
  ];
}

function message(): Uint8Array {
  return addAddressing(utf8(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body><Echo xmlns="urn:e">hi</Echo></s:Body></s:Envelope>`),
    { action: 'urn:op', messageId: 'urn:uuid:2', replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://svc/' });
}

const keyInfo = { kind: 'reference', uri: '#dk-sign', valueType: VALUE_TYPE.dkFeb2005 } as const;

describe('WCF protection orders on the header builder', () => {
  it('sign-then-encrypt-signature: Timestamp, SCT, DK, DK, ReferenceList, EncryptedData(Signature)', () => {
    const prepared = prepareSecurity(message(), { ids: { timestamp: true, body: true, addressing: true }, tokens });
    const ids = [prepared.ids.timestamp!, ...Object.values(prepared.ids.addressing), prepared.ids.body!];
    const signed = signEnvelope(prepared.bytes, { key: { kind: 'hmac', secret: SECRET }, references: ids, timestamp: false, keyInfo }).bytes;
    assert.deepEqual(readSecurity(signed).security!.parts.map((p) => p.kind),
      ['timestamp', 'security-context-token', 'derived-key-token', 'derived-key-token', 'signature']);
    // The encryption layer's part: the ReferenceList goes before the Signature, whose element is then replaced.
    const secure = readSecurity(signed);
    const sig = secure.security!.parts.find((p) => p.kind === 'signature')!;
    const refList: SecurityItem = { kind: 'reference-list', xml: `<e:ReferenceList xmlns:e="${XENC}"><e:DataReference URI="#_enc-body"/><e:DataReference URI="#_enc-sig"/></e:ReferenceList>` };
    const encrypted = applyEdits(signed, [
      ...securityItemEdits(signed, secure, [refList], { protectionBefore: sig }),
      replacePartEdit(sig, `<e:EncryptedData xmlns:e="${XENC}" Id="_enc-sig" Type="${XENC}Element"><e:CipherData><e:CipherValue>AAAA</e:CipherValue></e:CipherData></e:EncryptedData>`),
    ]);
    const read = readSecurity(encrypted);
    assert.deepEqual(read.security!.parts.map((p) => p.kind),
      ['timestamp', 'security-context-token', 'derived-key-token', 'derived-key-token', 'reference-list', 'encrypted-data']);
    checkStrictLayout(read.security!);
  });

  it('encrypt-then-sign: Timestamp, SCT, DK, DK, Signature, ReferenceList; the signature verifies', () => {
    const prepared = prepareSecurity(message(), { tokens });
    const secure = readSecurity(prepared.bytes);
    const refList: SecurityItem = { kind: 'reference-list', xml: `<e:ReferenceList xmlns:e="${XENC}"><e:DataReference URI="#_enc-body"/></e:ReferenceList>` };
    const encrypted = applyEdits(prepared.bytes, securityItemEdits(prepared.bytes, secure, [refList]));
    const signed = signEnvelope(encrypted, {
      key: { kind: 'hmac', secret: SECRET }, references: [prepared.ids.timestamp!, prepared.ids.body!], timestamp: false, keyInfo,
      before: (el) => partKind(el) === 'reference-list',
    }).bytes;
    const read = readSecurity(signed);
    assert.deepEqual(read.security!.parts.map((p) => p.kind),
      ['timestamp', 'security-context-token', 'derived-key-token', 'derived-key-token', 'signature', 'reference-list']);
    checkStrictLayout(read.security!);
    assert.deepEqual(verifyEnvelope(signed, { key: { kind: 'hmac', secret: SECRET } }).ids, [prepared.ids.timestamp, prepared.ids.body]);
  });
});
