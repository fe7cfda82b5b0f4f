// Interop with xmlsec1 (the independent oracle of xml-security.md §2.3) in both directions, AES-128/192/256-CBC.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { decryptXml, encryptXml, type AesCbcAlgorithm } from '../../src/xenc/index.js';
import { c14n, envelope, SOAP11, SOAP12, text, utf8 } from './helpers.js';

const ORACLES = resolve(process.cwd(), '../shared/oracles');
const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;
const skip = hasXmlsec ? false : 'xmlsec1 is not installed (apt-get install -y xmlsec1)';
const dir = mkdtempSync(join(tmpdir(), 'wssc-xenc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ALGS: [AesCbcAlgorithm, number][] = [['aes128-cbc', 16], ['aes192-cbc', 24], ['aes256-cbc', 32]];
const keyOf = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);

function xmlsec(args: string[]): { status: number | null; stdout: string; out: string } {
  const r = spawnSync('xmlsec1', args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

function keyFile(n: number): string {
  const file = join(dir, `aes${n * 8}.bin`);
  writeFileSync(file, keyOf(n));
  return file;
}

/** The oracle template with the algorithm of this test (the templates name aes256-cbc). */
function template(name: string, alg: AesCbcAlgorithm): string {
  const file = join(dir, `${alg}-${name}`);
  writeFileSync(file, readFileSync(resolve(ORACLES, name), 'utf8').replace('#aes256-cbc', `#${alg}`));
  return file;
}

for (const [alg, n] of ALGS) {
  test(`xmlsec1 --encrypt ${alg} Element and Content of plain.xml → wssc decrypts them`, { skip }, () => {
    const plain = readFileSync(resolve(ORACLES, 'plain.xml'));
    for (const [tmpl, node, type] of [
      ['enc-tmpl.xml', 'http://tempuri.org/:Echo', 'element'],
      ['enc-content-tmpl.xml', `${SOAP12}:Body`, 'content'],
    ] as const) {
      const out = join(dir, `xmlsec-${alg}-${tmpl}`);
      const r = xmlsec(['--encrypt', '--aeskey:sct-enc-key', keyFile(n), '--xml-data', resolve(ORACLES, 'plain.xml'), '--node-name', node, '--output', out, template(tmpl, alg)]);
      assert.equal(r.status, 0, r.out);
      const encrypted = new Uint8Array(readFileSync(out));
      assert.ok(!text(encrypted).includes('secret payload'));
      const d = decryptXml(encrypted, { key: keyOf(n) });
      assert.deepEqual(d.decrypted.map((x) => [x.type, x.algorithm]), [[type, alg]]);
      assert.equal(c14n(d.document), c14n(plain));
      assert.ok(text(d.document).includes('<Echo xmlns="http://tempuri.org/"><text>secret payload</text></Echo>'));
    }
  });

  test(`xmlsec1 --encrypt ${alg} --binary-data (no Type) → wssc returns the octets`, { skip }, () => {
    const raw = Uint8Array.from({ length: 77 }, (_, i) => (i * 37) & 0xff);
    const rawFile = join(dir, 'raw.bin');
    writeFileSync(rawFile, raw);
    const out = join(dir, `xmlsec-bin-${alg}.xml`);
    const r = xmlsec(['--encrypt', '--aeskey:k', keyFile(n), '--binary-data', rawFile, '--output', out, template('enc-bin-tmpl.xml', alg)]);
    assert.equal(r.status, 0, r.out);
    const d = decryptXml(new Uint8Array(readFileSync(out)), { key: keyOf(n) });
    assert.deepEqual(d.document, raw);
  });

  for (const soap of [SOAP11, SOAP12]) {
    for (const content of [false, true]) {
      test(`wssc encrypts ${alg} ${content ? 'Body content' : 'Body child element'} (SOAP ${soap === SOAP11 ? '1.1' : '1.2'}) → xmlsec1 --decrypt restores it`, { skip }, () => {
        const doc = utf8(envelope(soap));
        const target = content ? { id: '_1' } : { select: (el: { local: string }) => el.local === 'Echo' };
        const encrypted = encryptXml(doc, { key: keyOf(n), target, content, id: 'ED1', keyInfo: '<KeyName>sct-enc-key</KeyName>' });
        assert.ok(!text(encrypted).includes('secret'));
        const file = join(dir, `wssc-${alg}-${content}.xml`);
        writeFileSync(file, encrypted);
        const r = xmlsec(['--decrypt', '--aeskey:sct-enc-key', keyFile(n), file]);
        assert.equal(r.status, 0, r.out);
        assert.equal(c14n(r.stdout), c14n(doc));
        // A key that differs in one byte: xmlsec1 fails too.
        const wrong = keyOf(n);
        wrong[n - 1]! ^= 0x80;
        const wrongFile = join(dir, 'wrong.bin');
        writeFileSync(wrongFile, wrong);
        assert.notEqual(xmlsec(['--decrypt', '--aeskey:sct-enc-key', wrongFile, file]).status, 0);
      });
    }
  }
}

test('wssc encrypts with the default namespace prefix and no KeyInfo → xmlsec1 --decrypt restores it', { skip }, () => {
  const doc = utf8(envelope(SOAP12));
  const encrypted = encryptXml(doc, { key: keyOf(32), target: { id: '_1' }, content: true, prefix: '' });
  assert.match(text(encrypted), /<EncryptedData xmlns="http:\/\/www\.w3\.org\/2001\/04\/xmlenc#" Type=/);
  const file = join(dir, 'wssc-default-prefix.xml');
  writeFileSync(file, encrypted);
  const r = xmlsec(['--decrypt', '--aeskey', keyFile(32), file]);
  assert.equal(r.status, 0, r.out);
  assert.equal(c14n(r.stdout), c14n(doc));
});

test('the keys file of ../shared/oracles (sct-enc-key) opens what wssc encrypts with that key', { skip }, () => {
  const key = new Uint8Array(Buffer.from('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', 'base64'));
  const doc = utf8(envelope(SOAP11));
  const encrypted = encryptXml(doc, { key, target: { id: '_1' }, content: true, keyInfo: '<KeyName>sct-enc-key</KeyName>' });
  const file = join(dir, 'wssc-keys-file.xml');
  writeFileSync(file, encrypted);
  const r = xmlsec(['--decrypt', '--keys-file', resolve(ORACLES, 'keys.xml'), file]);
  assert.equal(r.status, 0, r.out);
  assert.equal(c14n(r.stdout), c14n(doc));
});
