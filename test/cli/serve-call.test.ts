// `wssc serve` and `wssc call` over loopback (CONTRACT.md): both bootstraps and versions, 100 messages on one token, renew, cancel, --dump replays, cookie mode across processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SessionError } from '../../src/errors.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { WSSC_13, WSSC_FEB2005 } from '../../src/wssc/versions.js';
import { bin, postSoap as post, wsscCall as call, wsscServe, type ServeProcess } from '../helpers/wssc-cli.js';
import { pkiFiles, testPki } from '../wssc/session-helpers.js';

const files = pkiFiles();
const BODY = '<EchoString xmlns="http://tempuri.org/"><echo>loopback</echo></EchoString>';
const bodyFile = join(files.dir, 'body.xml');
writeFileSync(bodyFile, BODY);
const ring = join(files.dir, 'ring.txt');
writeFileSync(ring, `# cookie key ring\nold ${randomBytes(32).toString('base64')}\nnew ${randomBytes(32).toString('base64')}\n`);

const running = new Set<ServeProcess>();
after(async () => {
  for (const s of running) await s.stop();
});

/** `wssc serve` with the service credentials, stopped after the file if a test has not stopped it. */
async function serve(args: string[]): Promise<ServeProcess> {
  const s = await wsscServe(['--cert-file', files.serviceCert, '--private-key-file', files.serviceKey, ...args]);
  running.add(s);
  return s;
}

const clientArgs = ['--cert-file', files.clientCert, '--private-key-file', files.clientKey, '--service-cert-file', files.serviceCert];
const linesWith = (log: string[], s: string): string[] => log.filter((l) => l.includes(s));

describe('wssc serve / wssc call over loopback', () => {
  for (const [label, serveArgs, callArgs, version] of [
    ['MutualCertificate, Feb 2005', ['--client-ca-file', files.ca], clientArgs, WSSC_FEB2005],
    ['MutualCertificate, 1.3', ['--client-ca-file', files.ca, '--trust13'], [...clientArgs, '--trust13'], WSSC_13],
    ['AnonymousForCertificate, Feb 2005', [], ['--service-cert-file', files.serviceCert], WSSC_FEB2005],
  ] as const) {
    it(`${label}: 100 echo requests on one token (one issuance in the service log), then cancel`, async () => {
      const server = await serve(['--port', '0', ...serveArgs]);
      const r = await call([server.url, ...callArgs, '--count', '100', bodyFile]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split('\n'), Array(100).fill(BODY));
      await new Promise((res) => setTimeout(res, 50));
      const issue = linesWith(server.log, `POST ${version.actions.issue} 200 `);
      assert.equal(issue.length, 1, server.log.join('\n'));
      const session = issue[0]!.split(' ')[3]!;
      assert.match(session, /^[0-9a-f]{8}$/);
      assert.equal(linesWith(server.log, ` 200 ${session} `).length, 102, 'issue + 100 echoes + cancel, all on one session');
      assert.equal(linesWith(server.log, `POST ${version.actions.cancel} 200 ${session}`).length, 1);
      for (const line of server.log.slice(1)) assert.match(line, /^POST \S+ \d{3} \S+ \d+\.\dms$/);
      await server.stop();
    });
  }

  it('renews mid-stream without losing a message (library client over fetch), and a cancelled token is refused', async () => {
    const server = await serve(['--port', '0', '--client-ca-file', files.ca]);
    const p = testPki();
    const wire: Uint8Array[] = [];
    const client = await SecureSessionClient.establish({
      url: server.url, bootstrap: { mode: 'mutual-certificate', client: p.client, serviceCertificate: p.service.certificate },
      onRequest: (b, kind) => kind === 'call' && wire.push(b),
    });
    const replies = await Promise.all(Array.from({ length: 110 }, async (_, i) => {
      if (i === 50) await client.renew();
      return new TextDecoder().decode(await client.call('urn:echo', `<e>${i}</e>`));
    }));
    assert.deepEqual(replies, Array.from({ length: 110 }, (_, i) => `<e>${i}</e>`));
    await client.cancel();
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(linesWith(server.log, `POST ${WSSC_FEB2005.actions.renew} 200`).length, 1);
    assert.equal(linesWith(server.log, `POST urn:echo 200`).length, 110);
    assert.deepEqual(await post(server.url, wire[0]!), { status: 500, fault: 'BadContextToken' });
    await server.stop();
  });

  it('--dump writes every request; a dumped request replayed is refused; --no-cancel keeps the session', async () => {
    const server = await serve(['--port', '0', '--client-ca-file', files.ca]);
    const dump = join(files.dir, 'dump');
    const r = await call([server.url, ...clientArgs, '--count', '3', '--dump', dump, '--no-cancel', bodyFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dump).sort(), ['1.xml', '2.xml', '3.xml', '4.xml']);
    assert.match(readFileSync(join(dump, '1.xml'), 'utf8'), /RST\/SCT<\/a:Action>/);
    assert.deepEqual(await post(server.url, readFileSync(join(dump, '3.xml'))), { status: 500, fault: 'InvalidSecurity' });
    assert.deepEqual(await post(server.url, readFileSync(join(dump, '1.xml'))), { status: 500, fault: 'InvalidSecurity' });
    await server.stop();
  });

  it('refuses --store redis:// without a store key (usage error), and session tokens do not cross processes without a shared store', async () => {
    const r = await call(['http://127.0.0.1:1/', ...clientArgs, bodyFile]);
    assert.equal(r.code, 1, 'connection refused is a failed call');
    const s = spawn(process.execPath, [bin, 'serve', '--cert-file', files.serviceCert, '--private-key-file', files.serviceKey, '--store', 'redis://127.0.0.1:6379'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    s.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const code = await new Promise<number | null>((res) => s.on('exit', res));
    assert.equal(code, 2);
    assert.match(err, /--store needs --store-key-file/);
    const [a, b] = [await serve(['--port', '0', '--client-ca-file', files.ca]), await serve(['--port', '0', '--client-ca-file', files.ca])];
    const two = await call([`${a.url},${b.url}`, ...clientArgs, '--count', '2', bodyFile]);
    assert.equal(two.code, 1);
    assert.match(two.stderr, /BAD_CONTEXT_TOKEN/);
    await a.stop();
    await b.stop();
  });

  it('cookie mode: a session issued by one process is served by a second with the same key ring, and by the first after a restart; a tampered cookie is refused', async () => {
    const a = await serve(['--port', '0', '--client-ca-file', files.ca, '--cookie-key-file', ring]);
    const b = await serve(['--port', '0', '--client-ca-file', files.ca, '--cookie-key-file', ring]);
    const round = await call([`${a.url},${b.url}`, ...clientArgs, '--count', '4', bodyFile]);
    assert.equal(round.code, 0, round.stderr);
    assert.equal(round.stdout.trimEnd().split('\n').length, 4);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(linesWith(b.log, 'RST/SCT').length, 0, 'b never issued');
    assert.equal(linesWith(b.log, ' 200 ').length, 2, 'b served two of the four');
    const p = testPki();
    const wire: Uint8Array[] = [];
    const client = await SecureSessionClient.establish({
      url: [a.url, b.url], bootstrap: { mode: 'mutual-certificate', client: p.client, serviceCertificate: p.service.certificate },
      onRequest: (x, kind) => kind === 'call' && wire.push(x),
    });
    assert.notEqual(client.token.cookie, undefined);
    await client.call('urn:echo', '<one/>');
    const port = a.port;
    await a.stop();
    const a2 = await serve(['--port', String(port), '--client-ca-file', files.ca, '--cookie-key-file', ring]);
    for (let i = 0; i < 4; i++) assert.equal(new TextDecoder().decode(await client.call('urn:echo', `<n>${i}</n>`)), `<n>${i}</n>`);
    await new Promise((res) => setTimeout(res, 50)); // the log leaves within 10 ms
    assert.equal(linesWith(a2.log, 'POST urn:echo 200').length, 2, 'the restarted process serves the session');
    // A changed cookie byte: the SCT no longer opens (BadContextToken), whichever process gets it.
    const t = new TextDecoder().decode(wire.at(-1)!);
    const m = /<dnse:Cookie[^>]*>([^<]+)<\/dnse:Cookie>/.exec(t);
    assert.ok(m, 'the SCT carries the cookie');
    const cookie = Buffer.from(m[1]!, 'base64');
    cookie[cookie.length >> 1]! ^= 1;
    const tampered = new TextEncoder().encode(t.replace(m[1]!, cookie.toString('base64')));
    assert.deepEqual(await post(b.url, tampered), { status: 500, fault: 'BadContextToken' });
    await client.cancel(); // cookie mode: nothing is sent
    assert.equal(client.sent.cancel, 0);
    await assert.rejects(client.call('urn:echo', '<x/>'), SessionError);
    await a2.stop();
    await b.stop();
  });
});
