// `wssc c14n` and `wssc digest` as CONTRACT.md describes them: output, exit codes 0 / 2 / 65.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const VECTORS = resolve(process.cwd(), '../shared/vectors');
const BIN = resolve(process.cwd(), 'bin/wssc');

function wssc(args: string[], input?: string | Uint8Array): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: input ?? '', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

test('wssc digest: the WCF Timestamp digest, from a file and from stdin, SHA-1 by default', () => {
  const file = resolve(VECTORS, 'wcf/app-request.xml');
  assert.equal(wssc(['digest', '--id', '_0', file]).stdout.toString(), 'Ez9dbXPzjM7hrzmienuYWiT3QDE=\n');
  assert.equal(wssc(['digest', '--id', '_0', '-'], readFileSync(file)).stdout.toString(), 'Ez9dbXPzjM7hrzmienuYWiT3QDE=\n');
  assert.equal(wssc(['digest', '--id', '_0'], readFileSync(resolve(VECTORS, 'wcf/cancel-request.xml'))).stdout.toString(), '3Mt6VCsGhHlkMnsrDBTWGQSUX/o=\n');
});

test('wssc digest --prefixes and --alg sha256 digest the bytes that wssc c14n prints', async () => {
  const file = resolve(VECTORS, 'xmlsec/merlin-exc-c14n-one/exc-signature.xml');
  assert.equal(wssc(['digest', '--id', 'to-be-signed', '--prefixes', 'bar #default', file]).stdout.toString(), '09xMy0RTQM1Q91demYe/0F6AGXo=\n');
  const { createHash } = await import('node:crypto');
  const c14n = wssc(['c14n', '--id', 'to-be-signed', '--prefixes', 'bar #default', file]);
  assert.equal(c14n.status, 0);
  const expected = createHash('sha256').update(c14n.stdout).digest('base64');
  assert.equal(wssc(['digest', '--alg', 'sha256', '--id', 'to-be-signed', '--prefixes', 'bar #default', file]).stdout.toString(), `${expected}\n`);
});

test('wssc c14n: Santuario expected outputs (inclusive whole document; exclusive with comments by Id)', () => {
  const r = wssc(['c14n', '--inclusive', resolve(VECTORS, 'santuario/in/32_input.xml')]);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, readFileSync(resolve(VECTORS, 'santuario/in/32_c14n.xml')));
  // merlin's comment-keeping digest over the bytes wssc c14n prints.
  const withComments = wssc(['c14n', '--with-comments', '--id', 'to-be-signed', resolve(VECTORS, 'xmlsec/merlin-exc-c14n-one/exc-signature.xml')]);
  return import('node:crypto').then(({ createHash }) => {
    assert.equal(createHash('sha1').update(withComments.stdout).digest('base64'), 'ZQH+SkCN8c5y0feAr+aRTZDwyvY=');
  });
});

test('exit codes: 65 for refused input (nothing on stdout), 2 for usage errors', () => {
  const dtd = wssc(['c14n'], '<!DOCTYPE a><a/>');
  assert.equal(dtd.status, 65);
  assert.equal(dtd.stdout.length, 0);
  assert.equal(wssc(['c14n'], '<a>').status, 65);
  assert.equal(wssc(['c14n', resolve(VECTORS, 'santuario/in/36_input.xml')]).status, 65);
  assert.equal(wssc(['digest', '--id', 'missing', resolve(VECTORS, 'wcf/app-request.xml')]).status, 65);
  assert.equal(wssc(['digest', '--id', 'x'], '<r><a Id="x"/><b Id="x"/></r>').status, 65);
  assert.equal(wssc(['c14n', '--bogus']).status, 2);
  assert.equal(wssc(['digest', '--alg', 'md5', '--id', 'x']).status, 2);
  assert.equal(wssc(['digest']).status, 2);
  assert.equal(wssc(['c14n', '--inclusive', '--prefixes', 'a']).status, 2);
});
