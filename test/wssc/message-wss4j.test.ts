// Interop with Apache WSS4J 1.6 (../shared/oracles/wss4j/wss4j-peer): its session messages open with wssc (library
// and CLI), wssc's pass its check, in WS-SC Feb 2005 and 1.3; a changed byte fails on both sides.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { WsscError } from '../../src/errors.js';
import { WSSC_13, WSSC_FEB2005, protectMessage, unprotectMessage, type SessionToken, type TokenLookup } from '../../src/wssc/index.js';
import { text, utf8 } from './helpers.js';

const PEER = resolve(process.cwd(), '../shared/oracles/wss4j/wss4j-peer');
const available = existsSync(PEER) && spawnSync('java', ['-version']).status === 0 && existsSync('/usr/share/java/wss4j.jar');
const skip = available ? false : 'wss4j-peer needs java and libwss4j-java (see ../shared/oracles/README.md)';
const dir = mkdtempSync(join(tmpdir(), 'wssc-wss4j-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The peer compiles itself once into this cache folder.
const env = { ...process.env, WSS4J_PEER_BUILD: join(tmpdir(), 'wssc-wss4j-peer-build') };

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const keyFile = join(dir, 'sct.key');
writeFileSync(keyFile, SECRET);

/** SPEC (oracles README): WSS4J 1.6 wants the utility namespace bound to `wsu`. */
const plain = (n: number): string =>
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
  `<soap:Header><wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:echo</wsa:Action></soap:Header><soap:Body><Echo xmlns="urn:e"><v>message ${n} é</v></Echo></soap:Body></soap:Envelope>`;

function peer(args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(PEER, args, { encoding: 'utf8', env, timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function wssc(args: string[]) {
  return spawnSync(process.execPath, ['bin/wssc', ...args], { encoding: 'utf8' });
}

const anyKey = (ref: TokenLookup): SessionToken => ({ version: ref.sct?.version ?? WSSC_FEB2005, identifier: ref.identifier ?? '', key: SECRET });

function tamperCipherValue(s: string): string {
  const opens = [...s.matchAll(/<(?:\w+:)?CipherValue>/g)];
  const last = opens[opens.length - 1]!;
  const at = last.index! + last[0].length + 8;
  return s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
}

describe('WSS4J interop', () => {
  for (const [version, label] of [[WSSC_FEB2005, 'Feb 2005'], [WSSC_13, '1.3']] as const) {
    const extra = version === WSSC_13 ? ['1.3'] : [];

    it(`WSS4J protect (${label}) → wssc unprotect (library and CLI); a changed byte fails`, { skip }, () => {
      const input = join(dir, `plain-${version.name}.xml`);
      writeFileSync(input, plain(1));
      const p = peer(['protect', keyFile, input, ...extra]);
      assert.equal(p.status, 0, p.err);
      assert.doesNotMatch(p.out, /message 1/);
      assert.match(p.out, new RegExp(`DerivedKeyToken xmlns:\\w+="${version.sc}"`));
      const r = unprotectMessage(utf8(p.out), { resolveToken: anyKey });
      assert.equal(r.version, version);
      assert.equal(r.mode, 'message');
      assert.deepEqual([...r.signedParts].sort(), ['Body', 'Timestamp']);
      assert.deepEqual(r.encryptedParts, ['Body']);
      assert.match(text(r.envelope), /<v>message 1 é<\/v>/);
      const file = join(dir, `wss4j-${version.name}.xml`);
      writeFileSync(file, p.out);
      const cli = wssc(['unprotect', '--sct-key-file', keyFile, file]);
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(cli.stdout, /<v>message 1 é<\/v>/);
      const bad = join(dir, `wss4j-${version.name}-bad.xml`);
      writeFileSync(bad, tamperCipherValue(p.out));
      assert.throws(() => unprotectMessage(readFileSync(bad), { resolveToken: anyKey }), WsscError);
      assert.equal(wssc(['unprotect', '--sct-key-file', keyFile, bad]).status, 1);
    });

    it(`wssc protect (${label}) → WSS4J check; a changed byte fails there`, { skip }, () => {
      const token: SessionToken = { version, identifier: 'urn:uuid:6a1c0bde-2f53-4d71-9d1e-0c6f1e0d9a11', key: SECRET };
      const out = protectMessage(utf8(plain(2)), { token });
      const file = join(dir, `wssc-${version.name}.xml`);
      writeFileSync(file, out);
      const ok = peer(['check', keyFile, file]);
      assert.equal(ok.status, 0, ok.err);
      assert.match(ok.err, /signatures 1 encryptions 1/);
      assert.match(ok.out, /<v>message 2 é<\/v>/);
      if (version === WSSC_FEB2005) return; // one tamper check on the WSS4J side per run is enough (each call is slow)
      const bad = join(dir, `wssc-${version.name}-bad.xml`);
      writeFileSync(bad, tamperCipherValue(text(out)));
      assert.notEqual(peer(['check', keyFile, bad]).status, 0);
    });
  }

  it('wssc protect (CLI, Feb 2005, --sct-id) → WSS4J check; a changed Timestamp fails there', { skip }, () => {
    const input = join(dir, 'plain-cli.xml');
    writeFileSync(input, plain(3));
    const p = wssc(['protect', '--sct-key-file', keyFile, '--sct-id', 'urn:uuid:11111111-2222-4333-8444-555555555555', input]);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /<c:Identifier>urn:uuid:11111111-2222-4333-8444-555555555555<\/c:Identifier>/);
    const bad = join(dir, 'wssc-cli-bad.xml');
    writeFileSync(bad, p.stdout.replace(/(<\w+:Created>\d{4})/, (_m, y: string) => `${y.slice(0, 3)}${(Number(y[3]) + 1) % 10}`));
    assert.notEqual(peer(['check', keyFile, bad]).status, 0);
  });
});
