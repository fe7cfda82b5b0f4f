// verifyCollectedSignature's second reading of the SignedInfo (SECURITY A4), skipped when the canonical content is the original's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalize } from '../../src/c14n/index.js';
import { DSIG_NAMESPACE, signXml, verifySignature } from '../../src/dsig/index.js';
import { parseSignedInfo, type ParsedSignedInfo } from '../../src/dsig/signed-info.js';
import { SubtreeCollector } from '../../src/dsig/tree.js';
import { canonicalContentIsOriginal, rereadSignedInfo } from '../../src/dsig/verify.js';
import { XmlParser } from '../../src/xml/parser.js';
import { text, unsignedEnvelope, utf8 } from './helpers.js';

const SECRET = utf8('secret-hmac-key-0123456789abcdef');
const hmac = { kind: 'hmac' as const, secret: SECRET };
const inSecurity = { select: (el: { local: string }) => el.local === 'Security' };

/** A wssc-signed envelope (Timestamp _0 and Body _1, one reference with a PrefixList) as a string to vary. */
const SIGNED = text(signXml(utf8(unsignedEnvelope()), { key: hmac, references: [{ id: '_0' }, { id: '_1', prefixList: 's u' }], parent: inSecurity }));

interface Readings {
  /** What the SignedInfo element reads as where it lies (undefined: refused). */
  original?: ParsedSignedInfo;
  /** What its canonical bytes read as (undefined: refused, or read differently: rereadSignedInfo throws). */
  reread?: ParsedSignedInfo;
  skipped: boolean;
}

function readings(doc: string, method: 'exclusive' | 'inclusive'): Readings | undefined {
  const bytes = utf8(doc);
  const tree = new SubtreeCollector((el, inside) => !inside && el.uri === DSIG_NAMESPACE && el.local === 'SignedInfo');
  try {
    const p = new XmlParser(tree);
    p.write(bytes);
    p.end();
  } catch {
    return undefined; // not a document: nothing to compare
  }
  if (tree.roots.length !== 1) return undefined;
  const si = tree.roots[0]!;
  const canonical = canonicalize(bytes, { method, select: (el) => el.uri === DSIG_NAMESPACE && el.local === 'SignedInfo' });
  let original: ParsedSignedInfo | undefined;
  try {
    original = parseSignedInfo(si);
  } catch {
    original = undefined;
  }
  let reread: ParsedSignedInfo | undefined;
  if (original !== undefined) {
    try {
      reread = rereadSignedInfo(canonical, original);
    } catch {
      reread = undefined;
    }
  }
  return { ...(original === undefined ? {} : { original }), ...(reread === undefined ? {} : { reread }), skipped: canonicalContentIsOriginal(canonical, bytes, si.el) };
}

/** SECURITY: a skipped second reading must be one that would have read the same (and never one that refuses). */
function assertSafe(doc: string, method: 'exclusive' | 'inclusive' = 'exclusive'): Readings | undefined {
  const r = readings(doc, method);
  if (r === undefined || !r.skipped || r.original === undefined) return r;
  assert.ok(r.reread !== undefined, `skipped a second reading that refuses:\n${doc}`);
  assert.deepEqual(r.reread, r.original);
  return r;
}

test('the SignedInfo wssc writes is not read twice, and verifies', () => {
  assert.equal(assertSafe(SIGNED)?.skipped, true);
  assert.deepEqual(verifySignature(utf8(SIGNED), { key: hmac }).ids, ['_0', '_1']);
});

test('contents that canonicalize differently are read again (and what reads differently is refused)', () => {
  const si = SIGNED.match(/<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/)![0];
  const variants: [string, string][] = [
    ['a comment', si.replace('<ds:SignatureMethod', '<!-- c --><ds:SignatureMethod')],
    ['an empty-element tag', si.replace(/(<ds:DigestMethod [^>]*)><\/ds:DigestMethod>/, '$1/>')],
    ['single quotes', si.replace(/Algorithm="([^"]*)"/, "Algorithm='$1'")],
    ['a character reference', si.replace('#_0', '#&#x5F;0')],
    ['a CR', si.replace('</ds:Transforms>', '\r\n</ds:Transforms>')],
    ['space before >', si.replace('<ds:Transforms>', '<ds:Transforms >')],
    ['the default namespace from outside used inside', si.replace('<ds:SignatureMethod', '<SignatureMethod xmlns:x="urn:x"').replace('</ds:SignatureMethod>', '</SignatureMethod>')],
    ['an ancestor prefix first used inside', si.replace('<ec:InclusiveNamespaces ', '<ec:InclusiveNamespaces u:x="1" ')],
  ];
  for (const [what, variant] of variants) {
    const r = assertSafe(SIGNED.replace(si, variant));
    assert.ok(r !== undefined, what);
    assert.equal(r.skipped, false, `${what} was not read again`);
  }
  // Declarations the canonical form keeps where they are read the same both ways: here both readings refuse.
  const same = [
    si.replace('<ds:CanonicalizationMethod', '<ds:CanonicalizationMethod xmlns:ds="urn:not-dsig"'),
    si.replace('<ds:Reference URI="#_1">', '<w:W xmlns:w="urn:w"><ds:Reference URI="#_1">').replace(/(<ds:Reference URI="#_1">[\s\S]*?<\/ds:Reference>)/, '$1</w:W>'),
  ];
  for (const variant of same) {
    const r = assertSafe(SIGNED.replace(si, variant));
    assert.equal(r?.skipped, true);
    assert.equal(r?.original, undefined);
  }
});

test('SignedInfo placed in other namespace contexts: skipped only where both readings agree', () => {
  const si = SIGNED.match(/<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/)![0];
  const unprefixed = si.replace(/<(\/?)ds:/g, '<$1');
  const contexts = [
    SIGNED,
    // SignedInfo in the default namespace declared on the Signature.
    SIGNED.replace(si, unprefixed).replace('<ds:Signature xmlns:ds=', '<ds:Signature xmlns="http://www.w3.org/2000/09/xmldsig#" xmlns:ds='),
    // The ds prefix declared on the SignedInfo itself, and again on the Envelope only.
    SIGNED.replace('<ds:SignedInfo>', `<ds:SignedInfo xmlns:ds="${DSIG_NAMESPACE}">`),
    SIGNED.replace(' xmlns:ds="http://www.w3.org/2000/09/xmldsig#"', '').replace('<s:Envelope ', `<s:Envelope xmlns:ds="${DSIG_NAMESPACE}" `),
    // The ec prefix of InclusiveNamespaces declared on the Signature instead of each element.
    SIGNED.replace(/ xmlns:ec="[^"]*"/g, '').replace('<ds:Signature ', '<ds:Signature xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" '),
  ];
  const skipped = contexts.map((doc) => assertSafe(doc)?.skipped);
  assert.deepEqual(skipped, [true, true, true, true, false]);
  for (const doc of contexts) assertSafe(doc, 'inclusive');
});

test('property: random edits of the SignedInfo never skip a second reading that would differ', () => {
  const si = SIGNED.match(/<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/)![0];
  const tagEnds = [...si.matchAll(/>/g)].map((m) => m.index! + 1).filter((i) => i < si.length);
  const startTags = [...si.matchAll(/<[a-zA-Z:]+/g)].map((m) => m.index! + m[0].length);
  // Between tags: what exc-c14n drops or rewrites. In start tags: bindings redundant, new, or inherited from outside.
  const between = ['<!--x-->', ' ', '\r\n', '\n', '<?p x?>', '&#x20;'];
  const inTag = [` xmlns:ds="${DSIG_NAMESPACE}"`, ' xmlns:ds="urn:x"', ` xmlns="${DSIG_NAMESPACE}"`, ' xmlns="urn:y"', ' xmlns=""', ' u:a="1"', ' s:a="2"', ' xml:lang="en"', ' a="&#x41;"', " b='1'"];
  const stats = { skipped: 0, reread: 0 };
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.tuple(fc.constant(0), fc.constantFrom(...tagEnds), fc.constantFrom(...between)), fc.tuple(fc.constant(1), fc.constantFrom(...startTags), fc.constantFrom(...inTag))), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.boolean(),
      (edits, unprefix, inclusive) => {
        let v = si;
        // From the end, so earlier offsets hold.
        for (const [, at, piece] of [...edits].sort((x, y) => y[1] - x[1])) v = v.slice(0, at) + piece + v.slice(at);
        if (unprefix) v = v.replace(/<(\/?)ds:(Transforms|DigestMethod)\b/g, '<$1$2');
        const r = assertSafe(SIGNED.replace(si, v), inclusive ? 'inclusive' : 'exclusive');
        if (r?.original !== undefined) r.skipped ? stats.skipped++ : stats.reread++;
      },
    ),
    { numRuns: 2000 },
  );
  // Both ways were taken with readable SignedInfos (the test would prove nothing otherwise).
  assert.ok(stats.skipped > 50 && stats.reread > 50, JSON.stringify(stats));
});
