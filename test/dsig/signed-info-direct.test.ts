// signXml writes the canonical SignedInfo directly: it must equal what a verifier canonicalizes in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize } from '../../src/c14n/index.js';
import { DSIG_NAMESPACE } from '../../src/dsig/algorithms.js';
import { signXml } from '../../src/dsig/sign.js';
import { verifySignature } from '../../src/dsig/verify.js';
import { initSync } from '../../src/crypto/index.js';

initSync();
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const secret = utf8('0123456789abcdef0123456789abcdef');

test('the SignedInfo a signXml signature covers is its exc-c14n in place, for every prefix and PrefixList form', () => {
  const doc = utf8('<r xmlns="urn:r" xmlns:x="urn:x"><x:a Id="a1">t&amp;</x:a><b Id="b1"/><h/></r>');
  for (const prefix of ['', 'ds', 'sig']) {
    for (const prefixList of [undefined, 'x', '#default x']) {
      for (const algorithm of ['hmac-sha1', 'hmac-sha256'] as const) {
        const signed = signXml(doc, {
          key: { kind: 'hmac', secret }, algorithm, prefix,
          references: [{ id: 'a1', ...(prefixList === undefined ? {} : { prefixList }) }, { id: 'b1' }],
          parent: { select: (el) => el.local === 'h' }, keyInfo: '<k xmlns="urn:k">1</k>',
        });
        const r = verifySignature(signed, { key: { kind: 'hmac', secret } });
        const inPlace = canonicalize(signed, { select: (el) => el.uri === DSIG_NAMESPACE && el.local === 'SignedInfo' });
        assert.deepEqual(r.signedInfo, inPlace);
        assert.deepEqual(r.ids, ['a1', 'b1']);
      }
    }
  }
});

test('verifyCollectedSignature: one pass; the Signature must be the element at the offset given, with the same bytes', async () => {
  const { verifyCollectedSignature } = await import('../../src/dsig/verify.js');
  const { SubtreeCollector } = await import('../../src/dsig/tree.js');
  const { XmlParser } = await import('../../src/xml/parser.js');
  const doc = utf8('<r xmlns="urn:r"><a Id="a1">t</a><h></h></r>');
  const signed = signXml(doc, { key: { kind: 'hmac', secret }, references: [{ id: 'a1' }, { id: '' }], parent: { select: (el) => el.local === 'h' } });
  const collect = (bytes: Uint8Array) => {
    const c = new SubtreeCollector((el, inside) => !inside && el.local === 'Signature');
    const p = new XmlParser(c);
    p.write(bytes);
    p.end();
    return c.roots[0]!;
  };
  const tree = collect(signed);
  const key = { kind: 'hmac' as const, secret };
  const r = verifyCollectedSignature(signed, { tree, source: signed, byteStart: tree.el.byteStart }, { key });
  assert.deepEqual(r.ids, ['a1', '']);
  assert.deepEqual(r.signature, { byteStart: tree.el.byteStart, byteEnd: tree.el.byteEnd });
  assert.deepEqual(r.signedInfo, verifySignature(signed, { key }).signedInfo);
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return (e as { code?: string }).code;
    }
    return undefined;
  };
  // Another offset, or the same bytes where they are not markup (inside a comment), are refused.
  assert.equal(code(() => verifyCollectedSignature(signed, { tree, source: signed, byteStart: tree.el.byteStart + 1 }, { key })), 'SIGNATURE_STRUCTURE');
  const text = new TextDecoder().decode(signed);
  const sigXml = text.slice(tree.el.byteStart, tree.el.byteEnd);
  const hidden = utf8(text.replace(sigXml, `<!--${sigXml}-->`));
  assert.equal(code(() => verifyCollectedSignature(hidden, { tree, source: signed, byteStart: tree.el.byteStart + 4 }, { key })), 'SIGNATURE_STRUCTURE');
  // A tampered reference still fails on its digest.
  const tampered = utf8(text.replace('>t<', '>u<'));
  assert.equal(code(() => verifyCollectedSignature(tampered, { tree, source: signed, byteStart: tree.el.byteStart }, { key })), 'DIGEST_MISMATCH');
});

test('verifyCollectedSignature compares every byte of the Signature in the source (any alignment)', async () => {
  const { verifyCollectedSignature } = await import('../../src/dsig/verify.js');
  const { SubtreeCollector } = await import('../../src/dsig/tree.js');
  const { XmlParser } = await import('../../src/xml/parser.js');
  const signed = signXml(utf8('<r xmlns="urn:r"><a Id="a1">t</a><h></h></r>'), { key: { kind: 'hmac', secret }, references: [{ id: 'a1' }], parent: { select: (el) => el.local === 'h' } });
  const c = new SubtreeCollector((el, inside) => !inside && el.local === 'Signature');
  const p = new XmlParser(c);
  p.write(signed);
  p.end();
  const tree = c.roots[0]!;
  const key = { kind: 'hmac' as const, secret };
  for (const shift of [1, 2, 3, 4]) {
    const source = new Uint8Array(signed.length + shift).subarray(shift);
    source.set(signed);
    assert.deepEqual(verifyCollectedSignature(signed, { tree, source, byteStart: tree.el.byteStart }, { key }).ids, ['a1']);
    for (let i = tree.el.byteStart; i < tree.el.byteEnd; i++) {
      source[i]! ^= 0x20;
      assert.throws(() => verifyCollectedSignature(signed, { tree, source, byteStart: tree.el.byteStart }, { key }), { code: 'SIGNATURE_STRUCTURE' });
      source[i]! ^= 0x20;
    }
  }
});

test('parseSignedInfo reuses a known DigestValue only for the same text', async () => {
  const { parseSignedInfo } = await import('../../src/dsig/signed-info.js');
  const { SubtreeCollector } = await import('../../src/dsig/tree.js');
  const { XmlParser } = await import('../../src/xml/parser.js');
  const signedInfoOf = (doc: string) => {
    const signed = signXml(utf8(doc), { key: { kind: 'hmac', secret }, references: [{ id: 'a1' }, { id: 'b1' }], parent: { select: (el) => el.local === 'h' } });
    const c = new SubtreeCollector((el, inside) => !inside && el.local === 'SignedInfo');
    const p = new XmlParser(c);
    p.write(signed);
    p.end();
    return c.roots[0]!;
  };
  const one = parseSignedInfo(signedInfoOf('<r><a Id="a1">1</a><b Id="b1"/><h/></r>'));
  const tree = signedInfoOf('<r><a Id="a1">2</a><b Id="b1"/><h/></r>');
  const alone = parseSignedInfo(tree);
  const withKnown = parseSignedInfo(tree, one);
  assert.deepEqual(withKnown, alone);
  assert.notDeepEqual(withKnown.references[0]!.digestValue, one.references[0]!.digestValue);
  assert.equal(withKnown.references[1]!.digestValue, one.references[1]!.digestValue);
});

test('signatureElement is the string construction it replaced (SignedInfo encoded twice, the MAC over the canonical one), ASCII or not', async () => {
  const { createHmac, createSign, generateKeyPairSync } = await import('node:crypto');
  const { signatureElement, lendSignatureElement } = await import('../../src/dsig/sign.js');
  const { C14N, DIGEST, EXC_C14N_NAMESPACE, SIGNATURE } = await import('../../src/dsig/algorithms.js');
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  type Ref = { id: string; prefixList?: string; enveloped?: boolean; digest: Uint8Array };
  /** The former signatureElement, with node:crypto for the MAC or signature. */
  const reference = (refs: Ref[], prefix: string, algorithm: keyof typeof SIGNATURE, keyInfo: string | undefined, sign: (canonical: Uint8Array) => Uint8Array): Uint8Array => {
    const p = prefix === '' ? '' : `${prefix}:`;
    let references = '';
    for (const r of refs) {
      const prefixes = (r.prefixList ?? '').split(' ').filter((x) => x !== '');
      const incl = prefixes.length === 0 ? '' : `<ec:InclusiveNamespaces xmlns:ec="${EXC_C14N_NAMESPACE}" PrefixList="${prefixes.join(' ')}"></ec:InclusiveNamespaces>`;
      references += `<${p}Reference URI="${r.id === '' ? '' : `#${r.id}`}"><${p}Transforms>` +
        (r.enveloped === true ? `<${p}Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></${p}Transform>` : '') +
        `<${p}Transform Algorithm="${C14N.exclusive}">${incl}</${p}Transform></${p}Transforms>` +
        `<${p}DigestMethod Algorithm="${DIGEST.sha1}"></${p}DigestMethod><${p}DigestValue>${b64(r.digest)}</${p}DigestValue></${p}Reference>`;
    }
    const decl = `xmlns${prefix === '' ? '' : `:${prefix}`}="${DSIG_NAMESPACE}"`;
    const signedInfo = `<${p}SignedInfo><${p}CanonicalizationMethod Algorithm="${C14N.exclusive}"></${p}CanonicalizationMethod>` +
      `<${p}SignatureMethod Algorithm="${SIGNATURE[algorithm]}"></${p}SignatureMethod>${references}</${p}SignedInfo>`;
    const value = sign(utf8(`<${p}SignedInfo ${decl}>${signedInfo.slice(`<${p}SignedInfo>`.length)}`));
    return utf8(`<${p}Signature ${decl}>${signedInfo}<${p}SignatureValue>${b64(value)}</${p}SignatureValue>` +
      `${keyInfo === undefined ? '' : `<${p}KeyInfo>${keyInfo}</${p}KeyInfo>`}</${p}Signature>`);
  };
  const digest = (n: number): Uint8Array => Uint8Array.from({ length: 20 }, (_, i) => i * n);
  const refSets: Ref[][] = [
    [{ id: '_1', digest: digest(1) }, { id: '_2', digest: digest(2), enveloped: true }],
    [{ id: 'é1', prefixList: 'x ñ', digest: digest(3) }, { id: '', digest: digest(4) }],
    [{ id: '\u4e2d', digest: digest(5) }],
  ];
  for (const prefix of ['', 'ds', 'ñs']) {
    for (const refs of refSets) {
      for (const keyInfo of [undefined, '<k xmlns="urn:k">1</k>', '<k xmlns="urn:k">clé \u{1F511}</k>']) {
        for (const algorithm of ['hmac-sha1', 'hmac-sha256'] as const) {
          const options = { key: { kind: 'hmac' as const, secret }, algorithm, digest: 'sha1' as const, prefix, ...(keyInfo === undefined ? {} : { keyInfo }) };
          const expected = reference(refs, prefix, algorithm, keyInfo, (c) => createHmac(algorithm.slice(5), secret).update(c).digest());
          assert.deepEqual(signatureElement(refs, options), expected, `${prefix} ${refs[0]!.id} ${keyInfo}`);
          // The lent bytes are the same, and wiped once the callback returns.
          let lent: Uint8Array | undefined;
          assert.deepEqual(lendSignatureElement(refs, options, (s) => {
            lent = s;
            return s.slice();
          }), expected);
          assert.ok(lent!.every((x) => x === 0));
        }
      }
    }
  }
  // RSA: a SignatureValue larger than the HMAC room moves the Signature to an array of its own.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  for (const refs of [[{ id: 'a', digest: digest(6) }], refSets[0]!]) {
    const expected = reference(refs, 'ds', 'rsa-sha256', undefined, (c) => createSign('sha256').update(c).sign(privateKey));
    assert.deepEqual(signatureElement(refs, { key: { kind: 'rsa', privateKey }, algorithm: 'rsa-sha256', digest: 'sha1', prefix: 'ds' }), expected);
  }
});

test('signXml with a non-ASCII prefix and Ids: the SignedInfo it covers is its exc-c14n in place', () => {
  const doc = utf8('<r xmlns="urn:r"><a Id="é1">t</a><b Id="\u4e2d"/><h/></r>');
  const signed = signXml(doc, {
    key: { kind: 'hmac', secret }, prefix: 'ñs', references: [{ id: 'é1', prefixList: '#default' }, { id: '\u4e2d' }],
    parent: { select: (el) => el.local === 'h' }, keyInfo: '<k xmlns="urn:k">clé</k>',
  });
  const r = verifySignature(signed, { key: { kind: 'hmac', secret } });
  assert.deepEqual(r.signedInfo, canonicalize(signed, { select: (el) => el.uri === DSIG_NAMESPACE && el.local === 'SignedInfo' }));
  assert.deepEqual(r.ids, ['é1', '\u4e2d']);
});
