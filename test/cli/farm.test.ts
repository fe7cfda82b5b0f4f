// A farm without sticky sessions: three `wssc serve --store redis://…` processes sharing one redis-server (AOF on): one session served by all, cross-node replay refusal, cancellation everywhere, Redis stopped and restarted mid-session.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SessionError } from '../../src/errors.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { buildEnvelope, newMessageId } from '../../src/wssc/session-envelope.js';
import { WSSC_FEB2005 } from '../../src/wssc/versions.js';
import { postSoap as post, wsscCall as call, wsscServe, type ServeProcess } from '../helpers/wssc-cli.js';
import { NO_REDIS, startRedis, type RedisServer } from '../wssc/redis-helpers.js';
import { pkiFiles, testPki } from '../wssc/session-helpers.js';

const BODY = '<EchoString xmlns="http://tempuri.org/"><echo>farm</echo></EchoString>';
const ECHO = 'http://tempuri.org/IEchoService/Echo';

/** One node of the farm: MutualCertificate, verbose, on a free port. */
function serve(files: ReturnType<typeof pkiFiles>, args: string[]): Promise<ServeProcess> {
  return wsscServe(['--port', '0', '--verbose', '--cert-file', files.serviceCert, '--private-key-file', files.serviceKey, '--client-ca-file', files.ca, ...args]);
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));
const echoes = (log: string[], session: string): number => log.filter((l) => l.startsWith(`POST ${ECHO} 200 ${session} `)).length;
const prefixOf = (identifier: string): string => identifier.replace(/^urn:uuid:/, '').replace(/-/g, '').slice(0, 8);

describe('a farm of three wssc serve processes on one Redis', { skip: NO_REDIS }, () => {
  const files = pkiFiles();
  const bodyFile = join(files.dir, 'body.xml');
  const storeKey = join(files.dir, 'store.key');
  let redis: RedisServer;
  let nodes: ServeProcess[] = [];
  let urls: string[] = [];
  const clientArgs = ['--cert-file', files.clientCert, '--private-key-file', files.clientKey, '--service-cert-file', files.serviceCert];
  const pki = testPki();
  const bootstrap = { mode: 'mutual-certificate' as const, client: pki.client, serviceCertificate: pki.service.certificate };

  before(async () => {
    writeFileSync(bodyFile, BODY);
    writeFileSync(storeKey, `# store key ring, the same on every node\ns1 ${randomBytes(32).toString('base64')}\n`);
    redis = await startRedis({ aof: true });
    nodes = await Promise.all([0, 1, 2].map(() => serve(files, ['--store', redis.url, '--store-key-file', storeKey, '--store-timeout', '500'])));
    urls = nodes.map((n) => n.url);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
  });

  it('one session issued by the first node is served by all three in turn for 300 messages (wssc call URL1,URL2,URL3)', async () => {
    const r = await call([urls.join(','), ...clientArgs, '--count', '300', bodyFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), Array(300).fill(BODY));
    await settle();
    const issue = nodes[0]!.log.filter((l) => l.startsWith(`POST ${WSSC_FEB2005.actions.issue} 200 `));
    assert.equal(issue.length, 1);
    const session = issue[0]!.split(' ')[3]!;
    for (const [i, n] of nodes.entries()) assert.equal(echoes(n.log, session), 100, `node ${i + 1} served a third of the session`);
    for (const n of nodes.slice(1)) assert.equal(n.log.filter((l) => l.includes('RST/SCT 200')).length, 0, 'only the first node issued');
    assert.equal(nodes.filter((n) => n.log.some((l) => l.startsWith(`POST ${WSSC_FEB2005.actions.cancel} 200 ${session}`))).length, 1);
  });

  it('a request captured with --dump (session left open) and replayed to another node is refused as a replay', async () => {
    const dump = join(files.dir, 'dump');
    const r = await call([urls.join(','), ...clientArgs, '--count', '3', '--dump', dump, '--no-cancel', bodyFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dump).sort(), ['1.xml', '2.xml', '3.xml', '4.xml']);
    // 2.xml went to node 2; replayed to nodes 3 and 1 (and 2 itself): refused, and the logs say why.
    const captured = readFileSync(join(dump, '2.xml'));
    const before = nodes.map((n) => n.log.filter((l) => l.includes('REPLAY')).length);
    for (const n of [nodes[2]!, nodes[0]!, nodes[1]!]) assert.deepEqual(await post(n.url, captured), { status: 500, fault: 'InvalidSecurity' });
    await settle();
    assert.deepEqual(nodes.map((n, i) => n.log.filter((l) => l.includes('REPLAY')).length - before[i]!), [1, 1, 1], 'each refusal is a replay, not an unknown token');
    // The session is still open: a fresh message under it is accepted by node 3 (it was not the token that failed).
    const issue = nodes[0]!.log.filter((l) => l.startsWith(`POST ${WSSC_FEB2005.actions.issue} 200 `)).at(-1)!;
    assert.equal(echoes(nodes[2]!.log, issue.split(' ')[3]!), 1);
  });

  it('cancelling at one node ends the session on all: a later request to another node gets BadContextToken', async () => {
    const client = await SecureSessionClient.establish({ url: urls, bootstrap });
    for (let i = 0; i < 3; i++) assert.equal(new TextDecoder().decode(await client.call(ECHO, `<n>${i}</n>`)), `<n>${i}</n>`);
    // Protected now, sent after the cancel: fresh signatures and timestamps, so only the token can be refused.
    const later = [0, 1].map(() => client.protectRequest(buildEnvelope({ soap: '1.2', action: ECHO, messageId: newMessageId(), to: urls[0]!, body: '<late/>' })));
    const session = prefixOf(client.identifier);
    await client.cancel(); // the fourth request since the issue: node 2
    await settle();
    assert.equal(nodes[1]!.log.filter((l) => l.startsWith(`POST ${WSSC_FEB2005.actions.cancel} 200 ${session}`)).length, 1, 'node 2 cancelled');
    assert.deepEqual(await post(urls[2]!, later[0]!), { status: 500, fault: 'BadContextToken' });
    assert.deepEqual(await post(urls[0]!, later[1]!), { status: 500, fault: 'BadContextToken' });
  });

  it('Redis stopped mid-session: every node refuses (ServerTooBusy, retryable), accepts nothing unchecked; after a restart on its AOF the same session continues and old messages stay replays', async () => {
    const accepted: Uint8Array[] = [];
    const client = await SecureSessionClient.establish({ url: urls, bootstrap, onRequest: (b, kind) => kind === 'call' && accepted.push(b) });
    const session = prefixOf(client.identifier);
    for (let i = 0; i < 6; i++) await client.call(ECHO, `<before>${i}</before>`);
    await settle();
    const served = nodes.map((n) => echoes(n.log, session));
    assert.deepEqual(served, [2, 2, 2]);
    const wasAccepted = accepted.slice();

    await redis.kill(); // SIGKILL: no shutdown save; only what appendfsync=always wrote survives
    for (let i = 0; i < 6; i++) {
      await assert.rejects(client.call(ECHO, '<during/>'), (e: unknown) => e instanceof SessionError && e.code === 'SERVER_TOO_BUSY' && e.retry, `request ${i}`);
    }
    // Replays of accepted requests cannot be checked either: refused the same way, never served.
    for (const [i, n] of nodes.entries()) assert.deepEqual(await post(n.url, wasAccepted[i]!), { status: 500, fault: 'ServerTooBusy' });
    await settle();
    assert.deepEqual(nodes.map((n) => echoes(n.log, session)), served, 'nothing was served while Redis was down');
    for (const n of nodes) assert.ok(n.log.some((l) => /redis .* unreachable/.test(l)), 'each node logs the outage');

    redis = await redis.restart();
    // The nodes reconnect by themselves (backoff ≤ 1 s); the client retries on the retryable fault.
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        await client.call(ECHO, '<after/>');
        break;
      } catch (e) {
        if (!(e instanceof SessionError && e.code === 'SERVER_TOO_BUSY') || Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (let i = 0; i < 6; i++) assert.equal(new TextDecoder().decode(await client.call(ECHO, `<after>${i}</after>`)), `<after>${i}</after>`);
    assert.equal(prefixOf(client.identifier), session, 'the same session');
    await settle();
    assert.ok(nodes.every((n, i) => echoes(n.log, session) > served[i]!), 'every node serves it again');
    // The replay entries came back with the AOF: requests accepted before the outage are still refused everywhere.
    for (const [i, n] of nodes.entries()) assert.deepEqual(await post(n.url, wasAccepted[(i + 1) % 3]!), { status: 500, fault: 'InvalidSecurity' });
    await client.cancel();
  });
});
