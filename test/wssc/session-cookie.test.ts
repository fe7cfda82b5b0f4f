// Cookie-mode tokens in process (protocol.md §4.2): any service holding the key ring serves the session; rotation; tampering; no cancel.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { SessionError } from '../../src/errors.js';
import { readFault } from '../../src/wssc/session-envelope.js';
import { inProcessTransport } from '../../src/wssc/session-transport.js';
import type { MemoryTokenStore } from '../../src/wssc/token-store.js';
import { ECHO, establish, newService, text, utf8 } from './session-helpers.js';

const key = (id: string) => ({ id, key: new Uint8Array(randomBytes(32)) });

describe('cookie-mode sessions (in process)', () => {
  it('a session issued by one service is served by another with the same ring, renewed there, and kept in no store', async () => {
    const ring = [key('k1')];
    const a = newService({ cookieKeys: ring });
    const b = newService({ cookieKeys: ring });
    const client = await establish(a, { transport: [inProcessTransport(a), inProcessTransport(b)] });
    assert.ok(client.token.cookie !== undefined && client.token.cookie.length > 64);
    for (let i = 0; i < 6; i++) assert.equal(text(await client.call(ECHO, `<n>${i}</n>`)), `<n>${i}</n>`);
    await client.renew();
    assert.ok(client.token.instance !== undefined);
    for (let i = 0; i < 4; i++) assert.equal(text(await client.call(ECHO, `<r>${i}</r>`)), `<r>${i}</r>`);
    assert.equal((a.store as MemoryTokenStore).size + (b.store as MemoryTokenStore).size, 0, 'no server-side state');
    await client.cancel();
    assert.equal(client.sent.cancel, 0, 'clients do not cancel cookie tokens');
  });

  it('rotation: a ring with a newer key still opens cookies sealed by the older one; a foreign ring does not', async () => {
    const k1 = key('k1');
    const a = newService({ cookieKeys: [k1] });
    const rotated = newService({ cookieKeys: [k1, key('k2')] });
    const foreign = newService({ cookieKeys: [key('k1')] });
    const wire: Uint8Array[] = [];
    const client = await establish(a, { transport: [inProcessTransport(a), inProcessTransport(rotated)], onRequest: (b, kind) => kind === 'call' && wire.push(b) });
    await client.call(ECHO, '<a/>');
    await client.call(ECHO, '<b/>');
    const r = await foreign.handle(wire[0]!, { 'content-type': 'application/soap+xml' });
    assert.equal(readFault(r.body)?.subcode?.local, 'BadContextToken');
  });

  it('a tampered cookie is refused with BadContextToken', async () => {
    const ring = [key('k1')];
    const a = newService({ cookieKeys: ring, settings: { detectReplays: false } });
    const wire: Uint8Array[] = [];
    const client = await establish(a, { onRequest: (b, kind) => kind === 'call' && wire.push(b) });
    await client.call(ECHO, '<a/>');
    const t = text(wire[0]!);
    const m = /<dnse:Cookie[^>]*>([^<]+)<\/dnse:Cookie>/.exec(t)!;
    for (const at of [0, 3, 40, -40, -1]) {
      const c = Buffer.from(m[1]!, 'base64');
      const i = at < 0 ? c.length + at : at;
      c[i]! ^= 0x10;
      const r = await a.handle(utf8(t.replace(m[1]!, c.toString('base64'))), { 'content-type': 'application/soap+xml' });
      assert.equal(readFault(r.body)?.subcode?.local, 'BadContextToken', `byte ${at}`);
    }
    assert.equal((await a.handle(wire[0]!, { 'content-type': 'application/soap+xml' })).status, 200, 'the original still opens');
  });

  it('an explicit cancel is honoured by the process that receives it; an expired cookie is refused', async () => {
    let now = Date.now();
    const clock = () => new Date(now);
    const ring = [key('k1')];
    const a = newService({ cookieKeys: ring, clock, settings: { issuedCookieLifetimeMs: 60_000 } });
    const client = await establish(a, { clock });
    await client.call(ECHO, '<a/>');
    now += 60_001;
    await assert.rejects(client.call(ECHO, '<late/>'), (e: unknown) => e instanceof SessionError && e.code === 'BAD_CONTEXT_TOKEN');
  });
});
