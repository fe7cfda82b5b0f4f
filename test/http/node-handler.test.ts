// The node:http request handler and the fetch transport (SOAP 1.2 Part 2 §7): methods, content types, size cap, one log line per request.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRequestHandler, fetchTransport, formatLogLine, sessionPrefix, type RequestLogEntry } from '../../src/http/index.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { newService, testPki, text } from '../wssc/session-helpers.js';

describe('node:http handler + fetch transport', () => {
  const log: RequestLogEntry[] = [];
  const lines: string[] = [];
  let server: Server;
  let url: string;

  before(async () => {
    const service = newService({ settings: { maxMessageBytes: 64 * 1024 } });
    server = createServer(createRequestHandler(service, { log: (line, e) => (lines.push(line), log.push(e)) }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  it('serves a session over fetch, one log line per request with the session prefix', async () => {
    const p = testPki();
    const client = await SecureSessionClient.establish({ url, bootstrap: { mode: 'mutual-certificate', client: p.client, serviceCertificate: p.service.certificate } });
    assert.equal(text(await client.call('urn:echo', '<x>1</x>')), '<x>1</x>');
    const prefix = sessionPrefix(client.identifier)!;
    await client.cancel();
    const mine = log.filter((e) => e.session === prefix);
    assert.deepEqual(mine.map((e) => [e.method, e.status]), [['POST', 200], ['POST', 200], ['POST', 200]]);
    assert.equal(mine[1]!.action, 'urn:echo');
    assert.match(lines.at(-1)!, new RegExp(`^POST http://schemas.xmlsoap.org/ws/2005/02/trust/RST/SCT/Cancel 200 ${prefix} \\d+\\.\\dms$`));
  });

  it('refuses other methods (405), other content types (415), oversized bodies (413), and logs each', async () => {
    const before = log.length;
    assert.equal((await fetch(url)).status, 405);
    assert.equal((await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 415);
    assert.equal((await fetch(url, { method: 'POST', body: '<x/>', headers: { 'content-type': 'text/xml; charset=iso-8859-1' } })).status, 415);
    const big = await fetch(url, { method: 'POST', body: new Uint8Array(65 * 1024) as BodyInit, headers: { 'content-type': 'application/soap+xml' } });
    assert.equal(big.status, 413);
    const garbage = await fetchTransport(url)(new TextEncoder().encode('<nope/>'), { 'content-type': 'application/soap+xml; charset=utf-8' });
    assert.equal(garbage.status, 500);
    assert.deepEqual(log.slice(before).map((e) => e.status), [405, 415, 415, 413, 500]);
    assert.equal(formatLogLine({ method: 'GET', status: 405, ms: 1.25 }), 'GET - 405 - 1.3ms');
  });
});
