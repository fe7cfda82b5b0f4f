// The real WCF client ↔ CoreWCF capture (../shared/vectors/wcf/, protocol.md §5.4 S1, TV7) checked by the service: transport mode, token in the store, clock at capture time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFault } from '../../src/wssc/session-envelope.js';
import { SecureSessionService } from '../../src/wssc/session-service.js';
import { MemoryTokenStore, type StoredSession } from '../../src/wssc/token-store.js';
import { WCF, b64 } from './helpers.js';

const H12 = { 'content-type': 'application/soap+xml; charset=utf-8' };
const ISSUED = Date.parse('2024-02-14T02:06:53.311Z'); // the RSTR Lifetime Created

/** A service in transport mode holding the capture's session (key from the vectors README), its clock at `at`. */
function captureService(at: string): { service: SecureSessionService; store: MemoryTokenStore; causes: unknown[]; echoed: string[] } {
  const now = Date.parse(at);
  const store = new MemoryTokenStore({ now: () => now });
  const session: StoredSession = {
    identifier: WCF.identifier, version: 'feb2005', suite: 'basic256',
    keys: [{ key: b64(WCF.sctKey), effectiveAt: ISSUED, expiresAt: ISSUED + 15 * 3_600_000 }],
    createdAt: ISSUED, expiresAt: ISSUED + 15 * 3_600_000, lastUsedAt: now, active: true,
  };
  void store.set(session, 3_600_000);
  const causes: unknown[] = [];
  const echoed: string[] = [];
  const service = new SecureSessionService({
    mode: 'transport', store, versions: ['feb2005'], clock: () => new Date(now), onError: (e) => causes.push(e),
    handler: (r) => (echoed.push(r.action), { body: r.body }),
  });
  return { service, store, causes, echoed };
}

async function check(service: SecureSessionService, bytes: Uint8Array): Promise<{ status: number; fault?: string; body: string }> {
  const r = await service.handle(bytes, H12);
  const f = readFault(r.body);
  return { status: r.status, body: new TextDecoder().decode(r.body), ...(f === undefined ? {} : { fault: f.subcode?.local ?? f.code.local }) };
}

describe('the WCF capture at the service', () => {
  it('accepts app-request.xml at the capture\'s time and echoes its Body', async () => {
    const { service, causes, echoed } = captureService('2024-02-14T02:07:05.000Z');
    const r = await check(service, WCF.app());
    assert.equal(r.status, 200, String(causes[0]));
    assert.deepEqual(echoed, ['http://tempuri.org/IEchoService/EchoString']);
    assert.match(r.body, /<a:RelatesTo>urn:uuid:abd7511b-95ad-4a9e-9647-1c07b9a11ef9<\/a:RelatesTo>/);
  });

  it('accepts cancel-request.xml and cancels the session (RequestedTokenCancelled; gone from the store)', async () => {
    const { service, store, causes } = captureService('2024-02-14T02:08:27.000Z');
    const r = await check(service, WCF.cancel());
    assert.equal(r.status, 200, String(causes[0]));
    assert.match(r.body, /RequestedTokenCancelled/);
    assert.equal(await store.get(WCF.identifier), undefined);
    const again = captureService('2024-02-14T02:08:27.000Z');
    await again.store.delete(WCF.identifier);
    assert.equal((await check(again.service, WCF.app())).fault, 'BadContextToken');
  });

  it('rejects them once a byte is changed', async () => {
    for (const [name, bytes] of [['app', WCF.app()], ['cancel', WCF.cancel()]] as const) {
      const at = name === 'app' ? '2024-02-14T02:07:05.000Z' : '2024-02-14T02:08:27.000Z';
      const text = new TextDecoder().decode(bytes);
      for (const [from, to] of [['<u:Created>2024-02-14T02:0', '<u:Created>2024-02-14T02:1'], ['</u:Expires>', ' </u:Expires>'], ['u1Ea4tTYJ6', 'u1Ea4tTYJ7'], ['En1kfMeqpM', 'En1kfMeqpN']]) {
        if (!text.includes(from!)) continue;
        const { service } = captureService(at);
        const r = await check(service, new TextEncoder().encode(text.replace(from!, to!)));
        assert.equal(r.status, 500, `${name}: ${from} → ${to}`);
        assert.notEqual(r.fault, undefined);
      }
    }
  });

  it('rejects them once the clock is past Expires + skew (MessageExpired)', async () => {
    // app: Expires 02:12:04.784Z + 5 min skew; cancel: Expires 02:13:26.004Z + 5 min.
    for (const [bytes, ok, late] of [[WCF.app(), '2024-02-14T02:17:04.000Z', '2024-02-14T02:17:04.785Z'], [WCF.cancel(), '2024-02-14T02:18:25.000Z', '2024-02-14T02:18:26.005Z']] as const) {
      assert.equal((await check(captureService(ok).service, bytes)).status, 200, ok);
      const r = await check(captureService(late).service, bytes);
      assert.deepEqual([r.status, r.fault], [500, 'MessageExpired'], late);
    }
  });
});
