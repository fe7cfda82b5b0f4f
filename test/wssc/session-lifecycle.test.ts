// Secure sessions end to end in process: issue under each bootstrap, both versions, all suites; 100+ messages on one token; renew; cancel; faults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionError } from '../../src/errors.js';
import { protectMessage } from '../../src/wssc/protect.js';
import { buildEnvelope, newMessageId, readFault } from '../../src/wssc/session-envelope.js';
import { faultEnvelope } from '../../src/wssc/session-faults.js';
import { inProcessTransport, type Transport } from '../../src/wssc/session-transport.js';
import { SUITE_NAMES } from '../../src/wssc/suites.js';
import { WSSC_FEB2005, WSSC_VERSIONS, type SessionToken } from '../../src/wssc/index.js';
import { ECHO, TestClock, establish, newService, text, utf8 } from './session-helpers.js';

const HOUR = 3_600_000;
const echoBody = (i: number | string): string => `<EchoString xmlns="http://tempuri.org/"><echo>${i}</echo></EchoString>`;

/** Sends a message protected by `token` (a copy the test kept) straight to the service; returns status and fault. */
async function sendAs(service: ReturnType<typeof newService>, token: SessionToken, clock?: TestClock, action = ECHO): Promise<{ status: number; fault?: string }> {
  const env = buildEnvelope({ soap: '1.2', action, messageId: newMessageId(), to: 'urn:wssc:in-process', body: echoBody('x') });
  const wire = protectMessage(env, { token, includeToken: true, ...(clock === undefined ? {} : { clock: clock.date }) });
  const r = await service.handle(wire, { 'content-type': 'application/soap+xml; charset=utf-8' });
  const f = readFault(r.body);
  return f === undefined ? { status: r.status } : { status: r.status, fault: f.subcode?.local ?? f.code.local };
}

const copyToken = (t: Readonly<SessionToken>): SessionToken => ({ ...t, key: t.key.slice() });

describe('secure session lifecycle (in process)', () => {
  for (const version of WSSC_VERSIONS) {
    for (const bootstrapMode of ['mutual-certificate', 'anonymous-for-certificate'] as const) {
      it(`${bootstrapMode}, WS-SC ${version.name}: establish, call, cancel; the service learns the client certificate only with mutual-certificate`, async () => {
        const seen: (string | undefined)[] = [];
        const service = newService({ versions: [version], handler: (r) => (seen.push(r.session.client?.subject), { body: r.body }) });
        const client = await establish(service, { version, bootstrapMode });
        assert.equal(text(await client.call(ECHO, echoBody(1))), echoBody(1));
        assert.equal(seen[0], bootstrapMode === 'mutual-certificate' ? 'CN=client' : undefined);
        const id = client.identifier;
        assert.notEqual(await service.store.get(id), undefined);
        await client.cancel();
        assert.equal(await service.store.get(id), undefined, 'gone from the store');
      });
    }
  }

  for (const suite of SUITE_NAMES) {
    for (const version of WSSC_VERSIONS) {
      it(`suite ${suite}, WS-SC ${version.name}: round trip; another suite is refused`, async () => {
        const service = newService({ suite, versions: [version] });
        const client = await establish(service, { suite, version });
        assert.equal(text(await client.call(ECHO, echoBody(suite))), echoBody(suite));
        const token = copyToken(client.token);
        const other = suite === 'basic256' ? 'basic128' : 'basic256';
        const env = buildEnvelope({ soap: '1.2', action: ECHO, messageId: newMessageId(), to: 'x', body: echoBody(0) });
        const wire = protectMessage(env, { token, suite: other });
        const r = await service.handle(wire, { 'content-type': 'application/soap+xml' });
        assert.equal(r.status, 500);
        await client.cancel();
      });
    }
  }

  it('carries 120 messages on one token (one issuance), renews mid-stream without losing one, then cancels', async () => {
    const log: string[] = [];
    const service = newService();
    const logging: Transport = async (body, headers) => {
      const r = await service.handle(body, headers);
      log.push(`${r.action} ${r.session}`);
      return { status: r.status, body: r.body, headers: { 'content-type': r.contentType } };
    };
    const client = await establish(service, { transport: logging });
    const identifier = client.identifier;
    const firstInstance = client.token.instance;
    const replies: Promise<Uint8Array>[] = [];
    for (let i = 0; i < 120; i++) {
      replies.push(client.call(ECHO, echoBody(i)));
      if (i === 60) replies.push(client.renew().then(() => utf8('renewed')));
    }
    const got = (await Promise.all(replies)).map(text).filter((s) => s !== 'renewed');
    assert.deepEqual(got, Array.from({ length: 120 }, (_, i) => echoBody(i)));
    assert.equal(client.identifier, identifier, 'same Identifier after renew');
    assert.notEqual(client.token.instance, firstInstance, 'a new key generation');
    assert.equal(log.filter((l) => l.startsWith(WSSC_FEB2005.actions.issue + ' ')).length, 1, 'one issuance');
    assert.equal(log.filter((l) => l.startsWith(WSSC_FEB2005.actions.renew + ' ')).length, 1);
    assert.equal(log.filter((l) => l === `${ECHO} ${identifier}`).length, 120, 'all 120 on the same session');
    await client.cancel();
    assert.equal(log.at(-1), `${WSSC_FEB2005.actions.cancel} ${identifier}`);
  });

  it('accepts the previous key for the rollover window after a renewal, not after', async () => {
    const clock = new TestClock();
    const service = newService({ clock: clock.date, settings: { inactivityTimeoutMs: HOUR } });
    const client = await establish(service, { clock: clock.date });
    const old = copyToken(client.token);
    await client.renew();
    assert.equal((await sendAs(service, old, clock)).status, 200);
    clock.advance(5 * 60_000 + 1);
    assert.deepEqual(await sendAs(service, old, clock), { status: 500, fault: 'BadContextToken' });
    assert.equal(text(await client.call(ECHO, echoBody('new'))), echoBody('new'));
  });

  it('a cancelled token is refused with BadContextToken', async () => {
    const service = newService();
    const client = await establish(service);
    const token = copyToken(client.token);
    assert.equal((await sendAs(service, token)).status, 200);
    await client.cancel();
    assert.deepEqual(await sendAs(service, token), { status: 500, fault: 'BadContextToken' });
    await assert.rejects(client.call(ECHO, '<x/>'), (e: unknown) => e instanceof SessionError && e.code === 'SESSION_CLOSED');
  });

  it('an expired key is answered RenewNeeded (only to an authenticated message); an expired token BadContextToken', async () => {
    const clock = new TestClock();
    const service = newService({ clock: clock.date, settings: { sessionKeyRenewalIntervalMs: HOUR, sessionTokenLifetimeMs: 3 * HOUR, inactivityTimeoutMs: 10 * HOUR } });
    const client = await establish(service, { clock: clock.date });
    assert.equal(client.keyExpiresAt, clock.now + HOUR, 'the RSTR Lifetime is the key lifetime');
    const token = copyToken(client.token);
    clock.advance(HOUR);
    assert.deepEqual(await sendAs(service, token, clock), { status: 500, fault: 'RenewNeeded' });
    assert.deepEqual(await sendAs(service, { ...token, key: new Uint8Array(32).fill(1) }, clock), { status: 500, fault: 'InvalidSecurity' });
    // The client renews proactively (its key is past the Lifetime), then works.
    assert.equal(client.needsRenewal, true);
    assert.equal(text(await client.call(ECHO, echoBody('after'))), echoBody('after'));
    assert.equal(client.sent.renew, 1);
    clock.advance(2 * HOUR);
    await assert.rejects(client.call(ECHO, echoBody('late')), (e: unknown) => e instanceof SessionError && e.code === 'BAD_CONTEXT_TOKEN');
  });

  it('the client renews on a RenewNeeded fault and retries once; a second one is an error', async () => {
    const service = newService();
    let faults = 1;
    const inner = inProcessTransport(service);
    const transport: Transport = async (body, headers) => {
      if (faults > 0 && headers['content-type']!.includes(ECHO)) {
        faults--;
        return { status: 500, body: faultEnvelope('renew-needed', '1.2', WSSC_FEB2005), headers: {} };
      }
      return inner(body, headers);
    };
    const client = await establish(service, { transport });
    assert.equal(text(await client.call(ECHO, echoBody(1))), echoBody(1));
    assert.equal(client.sent.renew, 1);
    faults = 2;
    await assert.rejects(client.call(ECHO, echoBody(2)), (e: unknown) => e instanceof SessionError && e.code === 'RENEW_NEEDED');
  });

  it('the client renews proactively after its renewal interval (10 h by default)', async () => {
    const clock = new TestClock();
    const service = newService({ clock: clock.date, settings: { inactivityTimeoutMs: 24 * HOUR } });
    const client = await establish(service, { clock: clock.date });
    clock.advance(10 * HOUR - 1000);
    await client.call(ECHO, echoBody(1));
    assert.equal(client.sent.renew, 0);
    clock.advance(2000);
    await client.call(ECHO, echoBody(2));
    assert.equal(client.sent.renew, 1);
  });

  it('SOAP 1.1 sessions (text/xml + SOAPAction)', async () => {
    const service = newService();
    const client = await establish(service, { soap: '1.1' });
    assert.equal(text(await client.call(ECHO, echoBody('11'))), echoBody('11'));
    await client.cancel();
  });

  it('entropy modes: client and server', async () => {
    for (const entropyMode of ['client', 'server'] as const) {
      const service = newService({ entropyMode });
      const client = await establish(service, { entropyMode });
      assert.equal(text(await client.call(ECHO, echoBody(entropyMode))), echoBody(entropyMode));
      await client.renew();
      assert.equal(text(await client.call(ECHO, echoBody(entropyMode))), echoBody(entropyMode));
      await client.cancel();
    }
  });

  it('destroy() wipes the keys on both sides', async () => {
    const service = newService();
    const client = await establish(service);
    const clientKey = client.token.key;
    const stored = (service.store as unknown as { peek(id: string): { keys: { key: Uint8Array }[] } }).peek(client.identifier)!.keys[0]!.key;
    client.destroy();
    service.destroy();
    assert.ok(clientKey.every((b) => b === 0));
    assert.ok(stored.every((b) => b === 0));
  });

  it('transport mode (HTTPS shape: the SCT key signs the Timestamp)', async () => {
    const service = newService({ mode: 'transport' });
    const client = await establish(service, { mode: 'transport' });
    assert.equal(text(await client.call(ECHO, echoBody('t'))), echoBody('t'));
    await client.cancel();
  });

  it('handlers: an async reply is awaited; a throw or a rejection is a Receiver fault', async () => {
    const service = newService({
      handler: (r) => {
        const t = text(r.body);
        if (t.includes('throw')) throw new Error('sync failure');
        if (t.includes('reject')) return Promise.reject(new Error('async failure'));
        if (t.includes('async')) return Promise.resolve({ body: `<late>${t}</late>`, action: 'urn:late' });
        return { body: r.body };
      },
    });
    const client = await establish(service);
    assert.equal(text(await client.call(ECHO, '<sync/>')), '<sync/>');
    const late = await client.request(ECHO, '<async/>');
    assert.equal(text(late.body), '<late><async/></late>');
    assert.equal(late.action, 'urn:late');
    for (const body of ['<throw/>', '<reject/>']) {
      await assert.rejects(client.call(ECHO, body), (e: unknown) => e instanceof SessionError && e.code === 'SOAP_FAULT' && /Receiver/.test(e.message));
    }
  });

  it('a replay cache of its own is asked through checkAndAdd: a replay is refused, a failure that may pass is ServerTooBusy', async () => {
    const seen = new Set<string>();
    let failing = false;
    const service = newService({
      replayCache: {
        checkAndAdd: async (key) => {
          if (failing) throw new SessionError('REPLAY_CACHE_FULL', 'down', { retry: true });
          const k = Buffer.from(key).toString('hex');
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        },
      },
    });
    const client = await establish(service);
    assert.equal(text(await client.call(ECHO, '<a/>')), '<a/>');
    const env = buildEnvelope({ soap: '1.2', action: ECHO, messageId: newMessageId(), to: 'urn:wssc:in-process', body: echoBody('r') });
    const wire = client.protectRequest(env);
    const headers = { 'content-type': 'application/soap+xml; charset=utf-8' };
    assert.equal((await service.handle(wire, headers)).status, 200);
    const again = await service.handle(wire, headers);
    assert.equal(readFault(again.body)?.subcode?.local, 'InvalidSecurity');
    failing = true;
    await assert.rejects(client.call(ECHO, '<b/>'), (e: unknown) => e instanceof SessionError && e.code === 'SERVER_TOO_BUSY');
    assert.ok(seen.size >= 2);
  });
});
