// `wssc psha1` end to end through bin/wssc: the P_hash vectors, and the exit codes of CONTRACT.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { vectorPath } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'wssc-psha1-'));

function wssc(...args: string[]) {
  return spawnSync(process.execPath, ['bin/wssc', ...args], { encoding: 'utf8' });
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('wssc psha1', () => {
  it('prints every vector of psha1.json', () => {
    const { vectors } = JSON.parse(readFileSync(vectorPath('psha1.json'), 'utf8')) as {
      vectors: Array<{ name: string; hash: string; secret: string; seed: string; length: number; offset: number; output: string }>;
    };
    for (const v of vectors) {
      const r = wssc('psha1', '--secret-file', file('s', Buffer.from(v.secret, 'base64')),
        '--seed-file', file('d', Buffer.from(v.seed, 'base64')), '--length', String(v.length),
        '--offset', String(v.offset), '--alg', v.hash);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `${v.output}\n`, v.name);
    }
  });

  it('the README example derives what an independent HMAC-SHA1 P_hash derives', () => {
    const secret = readFileSync('examples/psha1/client-entropy.txt');
    const seed = readFileSync('examples/psha1/server-entropy.txt');
    const a1 = createHmac('sha1', secret).update(seed).digest();
    const a2 = createHmac('sha1', secret).update(a1).digest();
    const expected = Buffer.concat([
      createHmac('sha1', secret).update(a1).update(seed).digest(),
      createHmac('sha1', secret).update(a2).update(seed).digest(),
    ]).subarray(0, 32);
    const r = wssc('psha1', '--secret-file', 'examples/psha1/client-entropy.txt', '--seed-file',
      'examples/psha1/server-entropy.txt', '--length', '32');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${expected.toString('base64')}\n`);
  });

  it('usage errors exit 2 with a message on stderr and nothing on stdout', () => {
    const secret = file('k', new Uint8Array(16));
    for (const args of [
      ['psha1', '--seed-file', secret, '--length', '16'],
      ['psha1', '--secret-file', secret, '--seed-file', secret],
      ['psha1', '--secret-file', secret, '--seed-file', secret, '--length', '-3'],
      ['psha1', '--secret-file', secret, '--seed-file', secret, '--length', '16', '--alg', 'md5'],
      ['psha1', '--secret-file', join(dir, 'missing'), '--seed-file', secret, '--length', '16'],
      ['psha1', '--secret-file', secret, '--seed-file', secret, '--length', '16', '--bogus'],
      ['no-such-command'],
      [],
    ]) {
      const r = wssc(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /usage|required|expects|cannot read|unknown/i);
    }
  });

  it('--help and --version exit 0', () => {
    const help = wssc('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /wssc psha1/);
    const version = wssc('--version');
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(wssc('psha1', '--help').status, 0);
  });
});
