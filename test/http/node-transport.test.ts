// The node:http client transport (SOAP 1.2 Part 2 §7 HTTP binding, RFC 9112 request line and headers): what reaches a real node:http server.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { nodeHttpTransport } from '../../src/http/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: number;
}

describe('nodeHttpTransport against node:http', () => {
  const seen: Seen[] = [];
  const sockets = new Map<unknown, number>();
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString(), socket: sockets.get(req.socket)! });
        res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8', 'x-twice': ['1', '2'] });
        res.end('<ok/>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  it('POSTs to the path and query of the URL with Host, the given headers and Content-Length', async () => {
    seen.length = 0;
    const t = nodeHttpTransport(`http://127.0.0.1:${port}/svc/echo.svc?wsdl=no&x=%20`);
    const r = await t(new TextEncoder().encode('<a>é</a>'), { 'content-type': 'application/soap+xml; charset=utf-8; action="urn:a"', SOAPAction: '"urn:b"', 'Content-Length': '1', host: 'evil' });
    assert.equal(r.status, 200);
    assert.equal(new TextDecoder().decode(r.body), '<ok/>');
    assert.equal(r.headers['content-type'], 'application/soap+xml; charset=utf-8');
    assert.equal(r.headers['x-twice'], '1, 2');
    const s = seen[0]!;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/svc/echo.svc?wsdl=no&x=%20');
    // A caller's Host is sent (as node:http does); the transport's Content-Length wins.
    assert.equal(s.headers.host, 'evil');
    assert.equal(s.headers['content-length'], '9');
    assert.equal(s.headers['content-type'], 'application/soap+xml; charset=utf-8; action="urn:a"');
    assert.equal(s.headers.soapaction, '"urn:b"');
    assert.equal(s.headers.connection, 'keep-alive');
    assert.equal(s.headers.authorization, undefined);
    assert.equal(s.body, '<a>é</a>');
    await t(new Uint8Array(0), {});
    assert.equal(seen[1]!.headers.host, `127.0.0.1:${port}`);
    assert.equal(seen[1]!.headers['content-length'], '0');
  });

  it('sends the credentials of the URL as Basic, and reuses kept-alive connections', async () => {
    seen.length = 0;
    const t = nodeHttpTransport(`http://us%3Aer:p%C3%A4ss@localhost:${port}/`);
    for (let i = 0; i < 5; i++) await t(new Uint8Array(3), {});
    assert.equal(seen.length, 5);
    assert.equal(seen[0]!.url, '/');
    assert.equal(seen[0]!.headers.host, `localhost:${port}`);
    assert.equal(seen[0]!.headers.authorization, `Basic ${Buffer.from('us:er:päss').toString('base64')}`);
    assert.equal(new Set(seen.map((s) => s.socket)).size, 1);
    await t(new Uint8Array(0), { Authorization: 'Bearer x' });
    assert.equal(seen[5]!.headers.authorization, 'Bearer x');
  });

  it('rejects on a refused connection and on an invalid header value', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const dead = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(nodeHttpTransport(`http://127.0.0.1:${dead}/`)(new Uint8Array(1), {}), /ECONNREFUSED/);
    await assert.rejects(nodeHttpTransport(`http://127.0.0.1:${port}/`)(new Uint8Array(1), { 'content-type': 'a\r\nx-injected: 1' }), /Invalid character/);
  });
});
