// `wssc encrypt` / `wssc decrypt` end to end through bin/wssc, with xmlsec1 as the other side, and CONTRACT.md's exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scratchDir, wsscSync as wssc } from '../helpers/wssc-cli.js';

const { dir, file } = scratchDir('wssc-xenc-cli-');
const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;

const key16 = file('k16', Uint8Array.from({ length: 16 }, (_, i) => i + 1));
const key24 = file('k24', Uint8Array.from({ length: 24 }, (_, i) => i + 2));
const key32 = file('k32', Uint8Array.from({ length: 32 }, (_, i) => i + 3));
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const envelope = (ns: string): string =>
  `<env:Envelope xmlns:env="${ns}" xmlns:m="urn:m"><env:Header/><env:Body><m:Echo>secret</m:Echo></env:Body><m:after Id="x"><m:c>keep</m:c></m:after></env:Envelope>`;

describe('wssc encrypt / decrypt', () => {
  for (const ns of [SOAP11, SOAP12]) {
    for (const [key, alg] of [[key16, 'aes128-cbc'], [key24, 'aes192-cbc'], [key32, 'aes256-cbc']] as const) {
      for (const content of [false, true]) {
        it(`round trip --body${content ? ' --content' : ''} ${alg} (${ns === SOAP11 ? 'SOAP 1.1' : 'SOAP 1.2'})`, () => {
          const plain = envelope(ns);
          const e = wssc(['encrypt', '--key-file', key, '--alg', alg, '--body', ...(content ? ['--content'] : []), file('plain.xml', plain)]);
          assert.equal(e.status, 0, e.stderr);
          assert.ok(!e.stdout.includes('secret'));
          assert.ok(e.stdout.includes(`#${alg}"`));
          assert.equal(e.stdout.includes('<env:Body>'), content);
          const d = wssc(['decrypt', '--key-file', key], e.stdout); // stdin
          assert.equal(d.status, 0, d.stderr);
          assert.equal(d.stdout, plain);
        });
      }
    }
  }

  it('--id picks the element by Id; the default algorithm follows the key size; FILE may be -', () => {
    const e = wssc(['encrypt', '--key-file', key24, '--id', 'x', '-'], envelope(SOAP12));
    assert.equal(e.status, 0, e.stderr);
    assert.ok(e.stdout.includes('aes192-cbc') && !e.stdout.includes('keep'));
    assert.equal(wssc(['decrypt', '--key-file', key24, '-'], e.stdout).stdout, envelope(SOAP12));
  });

  it('xmlsec1 --decrypt opens what wssc encrypt wrote', { skip: hasXmlsec ? false : 'xmlsec1 is not installed' }, () => {
    const e = wssc(['encrypt', '--key-file', key32, '--body', '--content', file('p2.xml', envelope(SOAP12))]);
    assert.equal(e.status, 0, e.stderr);
    const r = spawnSync('xmlsec1', ['--decrypt', '--aeskey', key32, file('e2.xml', e.stdout)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes('<env:Body><m:Echo>secret</m:Echo></env:Body>'));
  });

  it('exit 1: a wrong key, a key of another size, a tampered CipherValue; nothing on stdout, one message', () => {
    const enc = wssc(['encrypt', '--key-file', key32, '--body', file('p3.xml', envelope(SOAP11))]).stdout;
    const wrong = file('wrong32', Uint8Array.from({ length: 32 }, (_, i) => 255 - i));
    const at = enc.indexOf('<xenc:CipherValue>') + 30;
    const tampered = enc.slice(0, at) + (enc[at] === 'A' ? 'B' : 'A') + enc.slice(at + 1);
    for (const [k, input] of [[wrong, enc], [key16, enc], [key32, tampered]] as const) {
      const d = wssc(['decrypt', '--key-file', k], input);
      assert.equal(d.status, 1, d.stderr);
      assert.equal(d.stdout, '');
      assert.equal(d.stderr, 'wssc decrypt: decryption failed\n');
    }
  });

  it('exit 65: malformed XML, a DTD, an unsupported algorithm, no EncryptedData, no Body, an unknown Id', () => {
    const enc = wssc(['encrypt', '--key-file', key16, '--body', file('p4.xml', envelope(SOAP12))]).stdout;
    const cases: [string[], string][] = [
      [['decrypt', '--key-file', key16], '<a><b></a>'],
      [['decrypt', '--key-file', key16], `<!DOCTYPE a>${enc}`],
      [['decrypt', '--key-file', key16], enc.replace('#aes128-cbc', '#tripledes-cbc')],
      [['decrypt', '--key-file', key16], envelope(SOAP12)],
      [['encrypt', '--key-file', key16, '--body'], '<a><Body/></a>'],
      [['encrypt', '--key-file', key16, '--id', 'nope'], envelope(SOAP12)],
      [['encrypt', '--key-file', key16, '--body'], '<a>'],
    ];
    for (const [args, input] of cases) {
      const r = wssc(args, input);
      assert.equal(r.status, 65, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
  });

  it('exit 2: usage errors (key size vs --alg, --id and --body, missing key file, unknown options)', () => {
    const plain = file('p5.xml', envelope(SOAP12));
    for (const args of [
      ['encrypt', '--key-file', key16, '--alg', 'aes256-cbc', '--body', plain],
      ['encrypt', '--key-file', key32, '--alg', 'aes128-cbc', '--body', plain],
      ['encrypt', '--key-file', key16, '--alg', 'des-cbc', '--body', plain],
      ['encrypt', '--key-file', file('k20', new Uint8Array(20)), '--body', plain],
      ['encrypt', '--key-file', key16, plain],
      ['encrypt', '--key-file', key16, '--body', '--id', 'x', plain],
      ['encrypt', '--body', plain],
      ['encrypt', '--key-file', join(dir, 'missing'), '--body', plain],
      ['encrypt', '--key-file', key16, '--body', '--bogus', plain],
      ['decrypt', plain],
      ['decrypt', '--key-file', file('k7', new Uint8Array(7)), plain],
      ['decrypt', '--key-file', key16, plain, 'extra'],
    ]) {
      const r = wssc(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /usage: wssc (en|de)crypt/);
    }
  });
});
