// Attacks on a secure-session service, one test each (protocol.md §4.3-§4.5): replay, stale replay, cross-session keys, hostile DKTs, unknown tokens, floods, idle sessions.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { SessionError, WsscError } from '../../src/errors.js';
import { protectMessage } from '../../src/wssc/protect.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { buildEnvelope, newMessageId, readFault } from '../../src/wssc/session-envelope.js';
import type { SecureSessionService } from '../../src/wssc/session-service.js';
import type { MemoryTokenStore } from '../../src/wssc/token-store.js';
import { WSSC_FEB2005 } from '../../src/wssc/versions.js';
import { ECHO, TestClock, establish, newService, testPki, text, utf8 } from './session-helpers.js';

const MIN = 60_000;
const H12 = { 'content-type': 'application/soap+xml; charset=utf-8' };
const body = (i: number | string): string => `<EchoString xmlns="http://tempuri.org/"><echo>${i}</echo></EchoString>`;

/** A service that records refusal causes, and a client whose wire requests are kept. */
async function setup(options: Parameters<typeof newService>[0] = {}, clock?: TestClock) {
  const causes: unknown[] = [];
  const service = newService({ ...(clock === undefined ? {} : { clock: clock.date }), onError: (e) => causes.push(e), ...options });
  const wire: Uint8Array[] = [];
  const client = await establish(service, { ...(clock === undefined ? {} : { clock: clock.date }), onRequest: (b, kind) => kind === 'call' && wire.push(b) });
  return { service, client, wire, causes };
}

async function faultOf(service: SecureSessionService, bytes: Uint8Array): Promise<string | undefined> {
  const r = await service.handle(bytes, H12);
  if (r.status === 200) return undefined;
  const f = readFault(r.body);
  return f?.subcode?.local ?? f?.code.local ?? String(r.status);
}

const edit = (bytes: Uint8Array, from: RegExp | string, to: string): Uint8Array => {
  const s = text(bytes);
  const out = s.replace(from, to);
  assert.notEqual(out, s, `no ${String(from)} in the message`);
  return utf8(out);
};

const codeOf = (e: unknown): string | undefined => (e instanceof WsscError ? e.code : undefined);

describe('secure session attacks', () => {
  it('a replayed request is refused (signature value seen before), with a generic fault', async () => {
    const { service, client, wire, causes } = await setup();
    await client.call(ECHO, body(1));
    assert.equal(await faultOf(service, wire[0]!), 'InvalidSecurity');
    assert.equal(codeOf(causes.at(-1)), 'REPLAY');
    assert.equal(text(await client.call(ECHO, body(2))), body(2), 'the session still works');
  });

  it('a request replayed after the replay cache forgot it is refused by its Timestamp', async () => {
    const clock = new TestClock();
    const { service, client, wire, causes } = await setup({ settings: { inactivityTimeoutMs: 60 * MIN } }, clock);
    await client.call(ECHO, body(1));
    clock.advance(16 * MIN); // past the cache TTL (replay window 5 + 2 × skew 5)
    assert.equal(await faultOf(service, wire[0]!), 'MessageExpired');
    assert.equal(codeOf(causes.at(-1)), 'TIMESTAMP_EXPIRED');
    clock.advance(-10 * MIN); // 6 min after: the Timestamp is still acceptable (skew), the cache catches it
    assert.equal(await faultOf(service, wire[0]!), 'InvalidSecurity');
  });

  it('a message signed with another session\'s key is refused', async () => {
    const { service, client: a } = await setup();
    const b = await establish(service);
    const forged = protectMessage(buildEnvelope({ soap: '1.2', action: ECHO, messageId: newMessageId(), to: 'x', body: body('f') }), {
      token: { ...b.token, key: b.token.key.slice(), identifier: a.identifier },
    });
    assert.equal(await faultOf(service, forged), 'InvalidSecurity');
    // B's own message, relabelled with A's Identifier: the derived keys no longer match.
    const wireB: Uint8Array[] = [];
    const b2 = await establish(service, { onRequest: (x, kind) => kind === 'call' && wireB.push(x) });
    await b2.call(ECHO, body('b'));
    const relabelled = edit(wireB[0]!, b2.identifier, a.identifier);
    assert.equal(await faultOf(service, relabelled), 'InvalidSecurity');
    assert.equal(text(await a.call(ECHO, body('a'))), body('a'));
  });

  it('DerivedKeyTokens with an offset over 64 or a nonce over 128 bytes are refused before any key is derived', async () => {
    const { service, client, causes } = await setup({ settings: { detectReplays: false } });
    const wire: Uint8Array[] = [];
    const c2 = await establish(service, { onRequest: (x, kind) => kind === 'call' && wire.push(x) });
    await c2.call(ECHO, body(1));
    const offset = edit(wire[0]!, /<c:Offset>0<\/c:Offset>/, '<c:Offset>96</c:Offset>');
    assert.equal(await faultOf(service, offset), 'InvalidSecurity');
    assert.equal(codeOf(causes.at(-1)), 'DKT_OFFSET_LIMIT');
    const nonce = edit(wire[0]!, /<c:Nonce>[^<]*<\/c:Nonce>/, `<c:Nonce>${Buffer.alloc(129, 1).toString('base64')}</c:Nonce>`);
    assert.equal(await faultOf(service, nonce), 'InvalidSecurity');
    assert.equal(codeOf(causes.at(-1)), 'DKT_NONCE_LENGTH');
    void client;
  });

  it('a token Identifier the service never issued is answered BadContextToken', async () => {
    const { service } = await setup();
    const token = { version: WSSC_FEB2005, identifier: `urn:uuid:${crypto.randomUUID()}`, key: new Uint8Array(32).fill(3) };
    const msg = protectMessage(buildEnvelope({ soap: '1.2', action: ECHO, messageId: newMessageId(), to: 'x', body: body(0) }), { token });
    assert.equal(await faultOf(service, msg), 'BadContextToken');
  });

  it('a changed byte in the Body ciphertext or a signed header is refused with the same generic fault', async () => {
    const { service, client, wire } = await setup({ settings: { detectReplays: false } });
    await client.call(ECHO, body(1));
    const m = wire[0]!;
    assert.equal(await faultOf(service, edit(m, '>urn:wssc:in-process<', '>urn:wssc:in-procesS<')), 'InvalidSecurity');
    const cv = text(m).lastIndexOf('<e:CipherValue>') + 20;
    const flipped = m.slice();
    flipped[cv] = flipped[cv] === 0x41 ? 0x42 : 0x41;
    assert.equal(await faultOf(service, flipped), 'InvalidSecurity');
  });

  it('an RST flood past max pending sessions is refused (retryable) while existing sessions keep working', async () => {
    const { service, client: active } = await setup({ settings: { maxPendingSessions: 3 } });
    await active.call(ECHO, body('active'));
    const pending: SecureSessionClient[] = [];
    for (let i = 0; i < 3; i++) pending.push(await establish(service));
    assert.equal(service.pendingSessions, 3);
    for (let i = 0; i < 5; i++) {
      await assert.rejects(establish(service), (e: unknown) => e instanceof SessionError && e.code === 'SERVER_TOO_BUSY' && e.retry);
    }
    assert.equal(text(await active.call(ECHO, body('still'))), body('still'));
    assert.equal(text(await pending[0]!.call(ECHO, body('p0'))), body('p0'), 'a pending session may start');
    assert.equal(service.pendingSessions, 2);
    const late = await establish(service);
    assert.equal(text(await late.call(ECHO, body('late'))), body('late'));
  });

  it('sessions idle past the inactivity timeout are gone, their keys wiped, the store empty', async () => {
    const clock = new TestClock();
    const { service, client } = await setup({}, clock);
    const others = [await establish(service, { clock: clock.date }), await establish(service, { clock: clock.date })];
    for (const c of [client, ...others]) await c.call(ECHO, body('x'));
    const store = service.store as MemoryTokenStore;
    assert.equal(store.size, 3);
    const keys = [client, ...others].map((c) => store.peek(c.identifier)!.keys[0]!.key);
    clock.advance(2 * MIN - 1000);
    await others[0]!.call(ECHO, body('keeps it alive'));
    clock.advance(1001);
    service.sweep();
    assert.equal(store.size, 1, 'only the session used within the timeout is left');
    assert.ok(keys[0]!.every((b) => b === 0) && keys[2]!.every((b) => b === 0), 'keys wiped');
    assert.ok(keys[1]!.some((b) => b !== 0));
    await assert.rejects(client.call(ECHO, body('late')), (e: unknown) => e instanceof SessionError && e.code === 'BAD_CONTEXT_TOKEN');
    clock.advance(2 * MIN);
    service.sweep();
    assert.equal(store.size, 0);
    assert.equal(service.pendingSessions, 0);
  });

  it('a replayed RST is refused; oversized, non-SOAP and unknown-action requests are refused early', async () => {
    const { service } = await setup();
    const rst: Uint8Array[] = [];
    await establish(service, { onRequest: (b, kind) => kind === 'issue' && rst.push(b) });
    assert.equal(await faultOf(service, rst[0]!), 'InvalidSecurity');
    const small = newService({ settings: { maxMessageBytes: 100 } });
    assert.equal((await small.handle(new Uint8Array(101), H12)).status, 413);
    assert.equal((await service.handle(utf8('<x/>'), { 'content-type': 'application/json' })).status, 415);
    assert.equal(await faultOf(service, utf8('not xml')), 'InvalidSecurity');
  });
});

describe('a reply over the size cap', () => {
  it('is refused while it arrives over HTTP (HTTP_STATUS), not buffered whole', async () => {
    let sent = 0;
    // A hostile endpoint: a 4 MiB answer to the RST, written in 64 KiB pieces.
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' });
      const piece = Buffer.alloc(64 * 1024, 0x20);
      const more = (): void => {
        if (res.destroyed) return;
        if (sent >= 4 << 20) return void res.end();
        sent += piece.length;
        res.write(piece);
        setTimeout(more, 2);
      };
      more();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as { port: number };
      const p = testPki();
      await assert.rejects(
        SecureSessionClient.establish({
          url: `http://127.0.0.1:${port}/`,
          bootstrap: { mode: 'mutual-certificate', client: p.client, serviceCertificate: p.service.certificate },
          settings: { maxMessageBytes: 256 * 1024 },
        }),
        (err: unknown) => err instanceof SessionError && err.code === 'HTTP_STATUS',
      );
      assert.ok(sent < 1 << 20, `${sent} bytes were sent`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
