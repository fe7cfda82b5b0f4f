// Interop with xmlsec1 (libxmlsec, the independent oracle of xml-security.md §2.2) in both directions, HMAC-SHA1/256.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { signXml, verifySignature, type SignatureAlgorithm } from '../../src/dsig/index.js';
import { SignatureError } from '../../src/errors.js';
import { assertRefused, ORACLES, text, unsignedEnvelope, utf8 } from './helpers.js';

const U = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const S = 'http://www.w3.org/2003/05/soap-envelope';
const IDS = ['--id-attr:Id', `${U}:Timestamp`, '--id-attr:Id', `${S}:Body`];
const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wssc-dsig-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = utf8('secret-hmac-key-0123456789abcdef');
const keyFile = join(dir, 'hmac.bin');
writeFileSync(keyFile, SECRET);

function xmlsec(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('xmlsec1', args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function xmlsecSign(template: string): Uint8Array {
  const out = join(dir, `signed-${template}`);
  const ids = template === 'incl-tmpl.xml' ? ['--id-attr:Id', 'urn:p:data'] : IDS;
  const r = xmlsec(['--sign', '--hmackey:sct-key', keyFile, ...ids, '--output', out, resolve(ORACLES, template)]);
  assert.equal(r.status, 0, r.out);
  return new Uint8Array(readFileSync(out));
}

const skip = hasXmlsec ? false : 'xmlsec1 is not installed (apt-get install -y xmlsec1)';

for (const template of ['sign-tmpl.xml', 'sign256-tmpl.xml', 'sign-str-tmpl.xml', 'incl-tmpl.xml']) {
  test(`xmlsec1 --sign ${template} → wssc verifies; a tampered Body fails`, { skip }, () => {
    const doc = xmlsecSign(template);
    const r = verifySignature(doc, { key: { kind: 'hmac', secret: SECRET } });
    assert.ok(r.ids.length >= 1);
    if (template === 'incl-tmpl.xml') {
      // Two references to one element: with PrefixList #default, and without; the digests differ.
      assert.deepEqual(r.ids, ['d1', 'd1']);
      assert.notDeepEqual(r.references[0]!.digest, r.references[1]!.digest);
    }
    for (const ref of r.references) assert.ok(ref.byteEnd > ref.byteStart);
    const s = text(doc);
    const at = s.indexOf('hello');
    if (at >= 0 && r.ids.includes('_1')) {
      const tampered = utf8(s.slice(0, at) + 'jello' + s.slice(at + 5));
      assertRefused(() => verifySignature(tampered, { key: { kind: 'hmac', secret: SECRET } }), SignatureError, 'DIGEST_MISMATCH');
    }
  });
}

test('xmlsec1 signs the comment/PI template; wssc verifies and reports the whole signed text', { skip }, () => {
  const doc = xmlsecSign('attack-tmpl.xml');
  const r = verifySignature(doc, { key: { kind: 'hmac', secret: SECRET }, keepCanonical: true });
  const body = r.references.find((x) => x.id === '_1')!;
  // SECURITY (A6, A9): the comment is gone from the digested bytes, the PI is kept; the caller reads this, not a text node.
  assert.match(text(body.canonical!), /<text>admin@evil\.com\.example\.com <\?p not-an-\?>admin<\/text>/);
  assert.match(text(doc.subarray(body.byteStart, body.byteEnd)), /admin@evil\.com<!---->\.example\.com/);
});

for (const [algorithm, digest] of [['hmac-sha1', 'sha1'], ['hmac-sha256', 'sha256'], ['hmac-sha256', 'sha1'], ['hmac-sha1', 'sha256']] as const) {
  test(`wssc signs with ${algorithm}/${digest} → xmlsec1 --verify accepts; a tampered copy is rejected`, { skip }, () => {
    const signed = signXml(utf8(unsignedEnvelope()), {
      key: { kind: 'hmac', secret: SECRET },
      algorithm: algorithm as SignatureAlgorithm,
      digest,
      references: [{ id: '_0' }, { id: '_1' }],
      parent: { select: (el) => el.local === 'Security' },
      keyInfo: '<ds:KeyName>sct-key</ds:KeyName>',
    });
    const file = join(dir, `wssc-${algorithm}-${digest}.xml`);
    writeFileSync(file, signed);
    const ok = xmlsec(['--verify', '--hmackey:sct-key', keyFile, ...IDS, file]);
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /References \(ok\/all\): 2\/2/);
    writeFileSync(file, text(signed).replace('hello', 'jello'));
    assert.equal(xmlsec(['--verify', '--hmackey:sct-key', keyFile, ...IDS, file]).status, 1);
    assert.deepEqual(verifySignature(signed, { key: { kind: 'hmac', secret: SECRET } }).ids, ['_0', '_1']);
  });
}

test('wssc enveloped signature over the whole document (URI="") with PrefixList and a default-namespace ds → xmlsec1 accepts', { skip }, () => {
  const signed = signXml(utf8(unsignedEnvelope()), {
    key: { kind: 'hmac', secret: SECRET },
    algorithm: 'hmac-sha256',
    references: [{ id: '' }, { id: '_1', prefixList: 'a #default' }],
    prefix: '',
  });
  const file = join(dir, 'wssc-enveloped.xml');
  writeFileSync(file, signed);
  const ok = xmlsec(['--verify', '--hmackey', keyFile, ...IDS, file]);
  assert.equal(ok.status, 0, ok.out);
  const r = verifySignature(signed, { key: { kind: 'hmac', secret: SECRET } });
  assert.deepEqual(r.ids, ['', '_1']);
  assert.equal(r.references[0]!.transforms[0], 'http://www.w3.org/2000/09/xmldsig#enveloped-signature');
});
