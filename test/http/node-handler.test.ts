// The node:http request handler and the fetch transport (SOAP 1.2 Part 2 §7): methods, content types, size cap, one log line per request.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRequestHandler, defaultTransport, fetchTransport, formatLogLine, nodeHttpTransport, sessionPrefix, type RequestLogEntry } from '../../src/http/index.js';
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

  it('serves a session over fetch given as the transport (browsers, workers)', async () => {
    const p = testPki();
    const client = await SecureSessionClient.establish({ transport: fetchTransport(url), to: url, bootstrap: { mode: 'mutual-certificate', client: p.client, serviceCertificate: p.service.certificate } });
    assert.equal(text(await client.call('urn:echo', '<x>2</x>')), '<x>2</x>');
    await client.cancel();
  });

  it('node:http transport: status, lower-case headers, a body in many chunks, and network errors reject', async () => {
    const big = 'y'.repeat(300_000);
    const s = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(207, { 'X-Thing': 'a', 'Set-Cookie': ['c=1', 'd=2'], 'content-type': 'text/plain' });
        res.write(big.slice(0, 1000));
        setTimeout(() => res.end(big.slice(1000)), 5);
      });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const u = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
    try {
      const r = await nodeHttpTransport(u)(new TextEncoder().encode('<a/>'), { 'content-type': 'application/soap+xml' });
      assert.equal(r.status, 207);
      assert.equal(r.headers['x-thing'], 'a');
      assert.equal(r.headers['set-cookie'], 'c=1, d=2');
      assert.equal(text(r.body), big);
    } finally {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await assert.rejects(nodeHttpTransport(u)(new Uint8Array(1), {}));
    assert.throws(() => nodeHttpTransport('ftp://127.0.0.1/'), TypeError);
    // Not a URL: the fetch transport, which fails when used (as before).
    await assert.rejects(defaultTransport('not a url')(new Uint8Array(1), {}));
  });
});
