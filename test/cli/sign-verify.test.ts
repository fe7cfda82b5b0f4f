// `wssc sign` / `wssc verify` end to end through bin/wssc, with xmlsec1 as the independent oracle (CONTRACT.md exit codes).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ORACLES = resolve(process.cwd(), '../shared/oracles');
const U = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const S = 'http://www.w3.org/2003/05/soap-envelope';
const A = 'http://www.w3.org/2005/08/addressing';
const IDS = ['--id-attr:Id', `${U}:Timestamp`, '--id-attr:Id', `${S}:Body`];
const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;
const skip = hasXmlsec ? false : 'xmlsec1 is not installed (apt-get install -y xmlsec1)';

const dir = mkdtempSync(join(tmpdir(), 'wssc-sign-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
const keyFile = path('hmac.bin');
writeFileSync(keyFile, 'secret-hmac-key-0123456789abcdef');

// The oracle template without its Signature: SOAP 1.2, Action header, Timestamp _0, Body _1.
const unsigned = readFileSync(resolve(ORACLES, 'sign-tmpl.xml'), 'utf8').replace(/<Signature[\s\S]*<\/Signature>\s*/, '');
writeFileSync(path('unsigned.xml'), unsigned);
// Without Timestamp and without any Id: wssc adds both.
const bare = `<s:Envelope xmlns:s="${S}" xmlns:a="${A}"><s:Header><a:Action s:mustUnderstand="1">urn:op</a:Action></s:Header>` +
  '<s:Body><Echo xmlns="http://tempuri.org/"><text>hello</text></Echo></s:Body></s:Envelope>';
writeFileSync(path('bare.xml'), bare);

function wssc(args: string[], input?: string | Uint8Array) {
  return spawnSync(process.execPath, ['bin/wssc', ...args], { input: input ?? '', encoding: 'utf8' });
}
function xmlsec(args: string[]) {
  const r = spawnSync('xmlsec1', args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
function openssl(name: string): { key: string; cert: string } {
  const key = path(`${name}-key.pem`);
  const cert = path(`${name}-cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key, cert };
}

describe('wssc sign (HMAC) → xmlsec1 --verify and wssc verify', () => {
  for (const [alg, digest] of [['hmac-sha1', 'sha1'], ['hmac-sha256', 'sha256'], ['hmac-sha256', undefined]] as const) {
    it(`${alg}${digest === undefined ? '' : ` / ${digest}`}`, { skip }, () => {
      for (const input of ['unsigned.xml', 'bare.xml']) {
        const args = ['sign', '--key-file', keyFile, '--alg', alg, ...(digest === undefined ? [] : ['--digest', digest]), path(input)];
        const r = wssc(args);
        assert.equal(r.status, 0, r.stderr);
        const out = path(`signed-${alg}-${input}`);
        writeFileSync(out, r.stdout);
        const ok = xmlsec(['--verify', '--hmackey', keyFile, ...IDS, out]);
        assert.equal(ok.status, 0, ok.out);
        assert.match(ok.out, /References \(ok\/all\): 2\/2/);
        const v = wssc(['verify', '--key-file', keyFile, out]);
        assert.equal(v.status, 0, v.stderr);
        assert.equal(v.stdout, '_0\n_1\n');
        if (input === 'bare.xml') assert.match(r.stdout, /<u:Timestamp [^>]*u:Id="_0"><u:Created>/);
        if (input === 'unsigned.xml') {
          // The caller's bytes around the Signature are unchanged (no re-serialization).
          assert.equal(r.stdout.replace(/<Signature [\s\S]*<\/Signature>/, ''), unsigned);
        }
      }
    });
  }

  it('--ref selects the references; stdin in, stdout out', () => {
    const r = wssc(['sign', '--key-file', keyFile, '--ref', '_1'], unsigned);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((r.stdout.match(/<Reference /g) ?? []).length, 1);
    const v = wssc(['verify', '--key-file', keyFile, '-'], r.stdout);
    assert.equal(v.stdout, '_1\n');
  });
});

describe('xmlsec1 --sign → wssc verify', () => {
  it('HMAC-SHA1 over Timestamp, Body and WS-Addressing headers (wsu:Id references)', { skip }, () => {
    const tmpl = readFileSync(resolve(ORACLES, 'sign-tmpl.xml'), 'utf8')
      .replace('<a:Action s:mustUnderstand="1">', '<a:Action u:Id="_4" s:mustUnderstand="1">')
      .replace('</a:Action>', '</a:Action>\n    <a:MessageID u:Id="_5">urn:uuid:0b1c</a:MessageID>\n    <a:ReplyTo u:Id="_6"><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>\n    <a:To u:Id="_7" s:mustUnderstand="1">https://localhost/svc</a:To>')
      .replace(/(<Reference URI="#_1">[\s\S]*?<\/Reference>)/, (ref: string) => ['_1', '_4', '_5', '_6', '_7'].map((id) => ref.replace('#_1', `#${id}`)).join('\n'));
    writeFileSync(path('wsa-tmpl.xml'), tmpl);
    const ids = [...IDS, ...['Action', 'MessageID', 'ReplyTo', 'To'].flatMap((n) => ['--id-attr:Id', `${A}:${n}`])];
    const signed = path('wsa-signed.xml');
    const r = xmlsec(['--sign', '--hmackey:sct-key', keyFile, ...ids, '--output', signed, path('wsa-tmpl.xml')]);
    assert.equal(r.status, 0, r.out);
    const v = wssc(['verify', '--key-file', keyFile, signed]);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout, '_0\n_1\n_4\n_5\n_6\n_7\n');
    // A changed byte in a signed header's text fails the check.
    writeFileSync(path('wsa-tampered.xml'), readFileSync(signed, 'utf8').replace('urn:uuid:0b1c', 'urn:uuid:0b1d'));
    const bad = wssc(['verify', '--key-file', keyFile, path('wsa-tampered.xml')]);
    assert.equal(bad.status, 1, bad.stderr);
    assert.equal(bad.stdout, '');
  });
});

describe('wssc sign (RSA, X.509 BinarySecurityToken)', () => {
  const trusted = openssl('trusted');
  const other = openssl('other');

  for (const alg of ['rsa-sha256', 'rsa-sha1']) {
    it(`${alg}: verifies with the certificate (wssc and xmlsec1), not with another one`, () => {
      const r = wssc(['sign', '--private-key-file', trusted.key, '--cert-file', trusted.cert, '--alg', alg, path('bare.xml')]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /<o:BinarySecurityToken [^>]*ValueType="[^"]+#X509v3"/);
      assert.match(r.stdout, /<KeyInfo><o:SecurityTokenReference[^>]*><o:Reference URI="#_2" ValueType="[^"]+#X509v3">/);
      // Strict: Timestamp, then the token, then the Signature that uses it.
      assert.ok(r.stdout.indexOf('<u:Timestamp') < r.stdout.indexOf('<o:BinarySecurityToken') && r.stdout.indexOf('<o:BinarySecurityToken') < r.stdout.indexOf('<Signature'));
      const signed = path(`rsa-${alg}.xml`);
      writeFileSync(signed, r.stdout);
      const v = wssc(['verify', '--cert-file', trusted.cert, signed]);
      assert.equal(v.status, 0, v.stderr);
      assert.equal(v.stdout, '_0\n_1\n');
      if (hasXmlsec) {
        const ok = xmlsec(['--verify', '--pubkey-cert-pem', trusted.cert, ...IDS, signed]);
        assert.equal(ok.status, 0, ok.out);
      }
      const wrong = wssc(['verify', '--cert-file', other.cert, signed]);
      assert.equal(wrong.status, 1, wrong.stderr);
      // An HMAC key for an RSA signature is refused as unacceptable, not tried (A2).
      assert.equal(wssc(['verify', '--key-file', keyFile, signed]).status, 65);
    });
  }

  it('a certificate in the message is never trusted by itself', () => {
    // Signed by "other", carrying other's certificate: verifying against the trusted certificate fails.
    const forged = wssc(['sign', '--private-key-file', other.key, '--cert-file', other.cert, path('bare.xml')]);
    assert.equal(forged.status, 0, forged.stderr);
    assert.equal(wssc(['verify', '--cert-file', trusted.cert], forged.stdout).status, 1);
    // Signed by the trusted key, but the BinarySecurityToken swapped for another certificate: KEY_MISMATCH.
    const good = wssc(['sign', '--private-key-file', trusted.key, '--cert-file', trusted.cert, path('bare.xml')]).stdout;
    const otherB64 = readFileSync(other.cert, 'utf8').replace(/-----[^-]+-----|\s/g, '');
    const swapped = good.replace(/(<o:BinarySecurityToken[^>]*>)[^<]+/, `$1${otherB64}`);
    const v = wssc(['verify', '--cert-file', trusted.cert], swapped);
    assert.equal(v.status, 1, v.stderr);
    assert.match(v.stderr, /other than the trusted one/);
    assert.equal(wssc(['verify', '--cert-file', trusted.cert], good).status, 0);
  });
});

describe('wssc verify exit codes', () => {
  const signed = () => wssc(['sign', '--key-file', keyFile, path('unsigned.xml')]).stdout;

  it('a changed byte in signed text, a removed signed Id or a wrong key → 1', () => {
    const s = signed();
    for (const doc of [s.replace('hello', 'hellp'), s.replace('2024-01-01T00:05:00.000Z', '2024-01-01T00:15:00.000Z'), s.replace('u:Id="_1"', 'u:Id="_9"')]) {
      const r = wssc(['verify', '--key-file', keyFile], doc);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
    writeFileSync(path('wrong.bin'), 'another-key');
    assert.equal(wssc(['verify', '--key-file', path('wrong.bin')], s).status, 1);
  });

  it('malformed or unacceptable input → 65', () => {
    const s = signed();
    for (const doc of [s.slice(0, s.length - 20), `<!DOCTYPE x>${s}`, '<x/>', unsigned, s.replace(/<DigestValue>/, '<DigestValue><!--x-->')]) {
      const r = wssc(['verify', '--key-file', keyFile], doc);
      assert.equal(r.status, 65, `${r.stderr}`);
    }
    assert.equal(wssc(['sign', '--key-file', keyFile], '<not-soap/>').status, 65);
  });

  it('usage errors → 2', () => {
    const t = trustedPair();
    for (const args of [
      ['sign', path('unsigned.xml')],
      ['sign', '--key-file', keyFile, '--private-key-file', t.key, '--cert-file', t.cert, path('unsigned.xml')],
      ['sign', '--key-file', keyFile, '--alg', 'rsa-sha256', path('unsigned.xml')],
      ['sign', '--private-key-file', t.key, '--cert-file', t.cert, '--alg', 'hmac-sha1', path('unsigned.xml')],
      ['sign', '--key-file', keyFile, '--digest', 'md5', path('unsigned.xml')],
      ['sign', '--key-file', keyFile, '--ref', 'nope', path('unsigned.xml')],
      ['sign', '--key-file', path('missing.bin'), path('unsigned.xml')],
      ['sign', '--key-file', keyFile, '--bogus', path('unsigned.xml')],
      ['verify', path('unsigned.xml')],
      ['verify', '--key-file', keyFile, '--cert-file', t.cert, path('unsigned.xml')],
      ['verify', '--key-file', keyFile, 'a.xml', 'b.xml'],
    ]) {
      const r = wssc(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
  });
});

let pair: { key: string; cert: string } | undefined;
function trustedPair() {
  pair ??= openssl('usage');
  return pair;
}
