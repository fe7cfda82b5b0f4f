// `wssc protect` / `wssc unprotect` end to end through bin/wssc (CONTRACT.md): round trips and exit codes 0/1/2/65.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scratchDir, wsscSync as wssc } from '../helpers/wssc-cli.js';

const { dir, file } = scratchDir('wssc-session-cli-');

const key = file('sct.key', Uint8Array.from({ length: 32 }, (_, i) => 255 - i));
const otherKey = file('other.key', Uint8Array.from({ length: 32 }, (_, i) => i));
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const plain = `<soap:Envelope xmlns:soap="${SOAP11}" xmlns:wsa="http://www.w3.org/2005/08/addressing"><soap:Header><wsa:Action>urn:a</wsa:Action><wsa:To>http://x/</wsa:To></soap:Header><soap:Body><m:Echo xmlns:m="urn:m">secret text</m:Echo></soap:Body></soap:Envelope>`;

describe('wssc protect / unprotect', () => {
  for (const suite of ['basic256', 'basic128', 'basic256sha256', 'basic128sha256']) {
    for (const trust13 of [false, true]) {
      it(`round trip --suite ${suite}${trust13 ? ' --trust13' : ''}`, () => {
        const p = wssc(['protect', '--sct-key-file', key, '--suite', suite, ...(trust13 ? ['--trust13'] : []), file('plain.xml', plain)]);
        assert.equal(p.status, 0, p.stderr);
        assert.ok(!p.stdout.includes('secret text'));
        assert.match(p.stdout, trust13 ? /ws-secureconversation\/200512/ : /schemas\.xmlsoap\.org\/ws\/2005\/02\/sc/);
        assert.match(p.stdout, /<c?:?Identifier>urn:uuid:|Identifier>urn:uuid:/);
        const u = wssc(['unprotect', '--sct-key-file', key], p.stdout); // stdin
        assert.equal(u.status, 0, u.stderr);
        assert.match(u.stdout, /<m:Echo xmlns:m="urn:m">secret text<\/m:Echo>/);
        assert.match(u.stdout, /<wsa:Action [^>]*>urn:a<\/wsa:Action>/);
      });
    }
  }

  it('--sct-id names the context; exit 1 for another key or a changed byte', () => {
    const p = wssc(['protect', '--sct-key-file', key, '--sct-id', 'urn:uuid:12345678-1234-4234-8234-123456789abc', file('plain.xml', plain)]);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /Identifier>urn:uuid:12345678-1234-4234-8234-123456789abc</);
    assert.equal(wssc(['unprotect', '--sct-key-file', otherKey, file('p.xml', p.stdout)]).status, 1);
    const created = p.stdout.replace(/(Created>\d{4}-\d\d-\d\dT\d\d:\d\d:)(\d)/, (_m, a: string, d: string) => a + String((Number(d) + 1) % 6));
    assert.notEqual(created, p.stdout);
    const r = wssc(['unprotect', '--sct-key-file', key, file('t.xml', created)]);
    assert.equal(r.status, 1, r.stderr);
    const body = p.stdout.replace(/(<soap:Body[^]*?CipherValue>.{10})(.)/, (_m, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'));
    assert.equal(wssc(['unprotect', '--sct-key-file', key, file('b.xml', body)]).status, 1);
  });

  it('usage errors exit 2, unacceptable input 65', () => {
    assert.equal(wssc(['protect', file('plain.xml', plain)]).status, 2);
    assert.equal(wssc(['unprotect', file('plain.xml', plain)]).status, 2);
    assert.equal(wssc(['protect', '--sct-key-file', key, '--suite', 'basic192', file('plain.xml', plain)]).status, 2);
    assert.equal(wssc(['protect', '--sct-key-file', key, '--bogus']).status, 2);
    assert.equal(wssc(['protect', '--sct-key-file', join(dir, 'missing.key')], plain).status, 2);
    assert.equal(wssc(['protect', '--sct-key-file', key], '<a>not soap</a>').status, 65);
    assert.equal(wssc(['unprotect', '--sct-key-file', key], '<soap:Envelope').status, 65);
    // A plain envelope has no Security header to open.
    assert.equal(wssc(['unprotect', '--sct-key-file', key], plain).status, 65);
  });
});
