// The node:http client transport (SOAP 1.2 Part 2 §7 HTTP binding, RFC 9112 request line and headers): what reaches a real node:http server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Agent, createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A net server answering each request (head + Content-Length body) with respond(n, socket id), n counting requests on that socket. */
async function rawServer(respond: (n: number, id: number, socket: Socket) => string | undefined): Promise<{ url: string; ids: number[]; close(): Promise<void> }> {
  const ids: number[] = [];
  const sockets = new Set<Socket>();
  let next = 0;
  const server = createNetServer((socket) => {
    sockets.add(socket);
    const id = next++;
    let n = 0;
    let buf = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.toString('latin1', 0, end))![1]);
        if (buf.length < end + 4 + len) return;
        buf = buf.subarray(end + 4 + len);
        ids.push(id);
        const out = respond(n++, id, socket);
        if (out !== undefined) socket.write(out);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    ids,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('nodeHttpTransport without an agent: connections', () => {
  it('keeps 16 requests in flight against node:http, chunked responses with trailers included', async () => {
    const sockets = new Set<unknown>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-sum' });
        for (const part of body.split(',')) res.write(part);
        res.addTrailers({ 'x-sum': '1' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const t = nodeHttpTransport(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      for (let round = 0; round < 3; round++) {
        const bodies = Array.from({ length: 16 }, (_, i) => `${'a'.repeat(i * 500)},b${i},${'c'.repeat(7000)}`);
        const rs = await Promise.all(bodies.map((b) => t(new TextEncoder().encode(b), {})));
        rs.forEach((r, i) => {
          assert.equal(r.status, 200);
          assert.equal(r.headers['transfer-encoding'], 'chunked');
          assert.equal(text(r.body), bodies[i]!.replaceAll(',', ''));
        });
      }
      assert.ok(sockets.size <= 16, `${sockets.size} sockets`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('retries once on a fresh connection when the server dropped the reused one unanswered, and drops sockets closed while idle', async () => {
    // Socket 0 answers its first request, then closes on the second without a byte (a keep-alive timeout racing the request).
    const s = await rawServer((n, id, socket) => {
      if (id === 0 && n === 1) {
        socket.destroy();
        return undefined;
      }
      if (id === 2) {
        setTimeout(() => socket.end(), 20);
      }
      return ok(`${id}.${n}`);
    });
    try {
      const t = nodeHttpTransport(s.url);
      assert.equal(text((await t(new Uint8Array(5), {})).body), '0.0');
      assert.equal(text((await t(new Uint8Array(5), {})).body), '1.0');
      assert.equal(text((await t(new Uint8Array(5), {})).body), '1.1');
      assert.deepEqual(s.ids, [0, 0, 1, 1]);
      // A fresh socket is dropped unanswered: no retry, the caller sees the error.
      const u = nodeHttpTransport(s.url.replace('127.0.0.1', 'localhost'));
      const dead = await rawServer((_n, _id, socket) => (socket.destroy(), undefined));
      await assert.rejects(nodeHttpTransport(dead.url)(new Uint8Array(1), {}), /socket hang up|ECONNRESET/);
      assert.deepEqual(dead.ids, [0]);
      await dead.close();
      // Socket 2 is closed by the server 20 ms after answering: the next request goes to a new socket, without an error.
      assert.equal(text((await u(new Uint8Array(1), {})).body), '2.0');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(text((await u(new Uint8Array(1), {})).body), '3.0');
    } finally {
      await s.close();
    }
  });

  it('honours Connection: close, HTTP/1.0, interim 1xx and 204 from the server', async () => {
    const script = [
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n' + ok('a'),
      'HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n',
      ok('b', 'Connection: close\r\n'),
      'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nc',
      'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nd',
      ok('e'),
    ];
    let i = 0;
    const s = await rawServer((_n, _id, socket) => {
      const out = script[i++]!;
      if (/Connection: close|^HTTP\/1\.0 200 OK\r\nContent/.test(out)) setImmediate(() => socket.end());
      return out;
    });
    try {
      const t = nodeHttpTransport(s.url);
      const got: string[] = [];
      for (let k = 0; k < script.length; k++) {
        const r = await t(new Uint8Array(0), {});
        got.push(`${r.status}:${text(r.body)}`);
      }
      assert.deepEqual(got, ['200:a', '204:', '200:b', '200:c', '200:d', '200:e']);
      assert.deepEqual(s.ids, [0, 0, 0, 1, 2, 2]);
      // Read to EOF when there is no framing.
      const eof = await rawServer((_n, _id, socket) => (socket.end('HTTP/1.1 200 OK\r\n\r\nto the end'), undefined));
      assert.equal(text((await nodeHttpTransport(eof.url)(new Uint8Array(0), {})).body), 'to the end');
      await eof.close();
    } finally {
      await s.close();
    }
  });

  it('rejects malformed responses with an Error, and a response split into single bytes parses', async () => {
    const responses = [
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n',
      `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`,
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ];
    let i = 0;
    const s = await rawServer(() => responses[i++]);
    try {
      for (const _ of responses) await assert.rejects(nodeHttpTransport(s.url)(new Uint8Array(0), {}), /malformed HTTP response/);
    } finally {
      await s.close();
    }
    const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n';
    const slow = await rawServer((_n, _id, socket) => {
      let k = 0;
      const drip = (): void => {
        if (k < raw.length) socket.write(raw[k++]!, () => setTimeout(drip, 0));
      };
      drip();
      return undefined;
    });
    try {
      const t = nodeHttpTransport(slow.url);
      for (let k = 0; k < 2; k++) {
        const r = await t(new Uint8Array(0), {});
        assert.equal(text(r.body), 'abcde');
        assert.equal(r.headers['x-a'], '1');
      }
      assert.deepEqual(slow.ids, [0, 0]);
    } finally {
      await slow.close();
    }
  });
});

describe('nodeHttpTransport over https', () => {
  let dir: string;
  let server: ReturnType<typeof createHttpsServer>;
  let port: number;
  let ca: string;
  const seen: { sni: string | false; alpn: string | false }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wssc-https-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1', '-keyout', 'k.pem', '-out', 'c.pem'], { cwd: dir, stdio: 'ignore' });
    ca = readFileSync(join(dir, 'c.pem'), 'latin1');
    server = createHttpsServer({ key: readFileSync(join(dir, 'k.pem')), cert: ca, ALPNProtocols: ['http/1.1'] }, (req, res) => {
      const tls = req.socket as unknown as { servername: string | false; alpnProtocol: string | false };
      seen.push({ sni: tls.servername, alpn: tls.alpnProtocol });
      req.resume();
      req.on('end', () => res.end('secure'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    return new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
  });

  it('verifies the certificate against the given CA, with SNI for names only and ALPN http/1.1', async () => {
    seen.length = 0;
    const byName = nodeHttpTransport(`https://localhost:${port}/`, { ca });
    assert.equal(text((await byName(new Uint8Array(1), {})).body), 'secure');
    assert.equal(text((await byName(new Uint8Array(1), {})).body), 'secure');
    const byIp = nodeHttpTransport(`https://127.0.0.1:${port}/`, { ca: [ca] });
    assert.equal(text((await byIp(new Uint8Array(1), {})).body), 'secure');
    assert.deepEqual(seen.map((s) => s.sni), ['localhost', 'localhost', false]);
    assert.deepEqual(seen.map((s) => s.alpn), ['http/1.1', 'http/1.1', 'http/1.1']);
    // Node's default store does not know the test CA.
    await assert.rejects(nodeHttpTransport(`https://localhost:${port}/`)(new Uint8Array(1), {}), /self-signed|self signed/);
  });

  it('goes through node:https with a caller\'s agent, and refuses a CA next to an agent', async () => {
    const agent = new Agent({ ca, keepAlive: true });
    try {
      const t = nodeHttpTransport(`https://localhost:${port}/`, { agent });
      assert.equal(text((await t(new Uint8Array(1), {})).body), 'secure');
      assert.throws(() => nodeHttpTransport(`https://localhost:${port}/`, { agent, ca }), TypeError);
    } finally {
      agent.destroy();
    }
  });
});

describe('nodeHttpTransport response size cap', () => {
  // A server that sends one 1 MiB body per request, framed as asked, slowly enough that a cap must cut it short.
  let server: Server;
  let port: number;
  let bytesWritten = 0;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const framing = req.headers['x-framing'];
        const piece = Buffer.alloc(64 * 1024, 0x61);
        if (framing === 'length') res.writeHead(200, { 'content-length': String(16 * piece.length) });
        else if (framing === 'close') res.writeHead(200, { connection: 'close' });
        else res.writeHead(200, {}); // chunked
        let n = 0;
        const more = (): void => {
          if (res.destroyed) return;
          if (n++ === 16) return void res.end();
          bytesWritten += piece.length;
          res.write(piece);
          setTimeout(more, 5);
        };
        more();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  const tooLarge = (err: unknown): boolean => (err as { code?: string }).code === 'RESPONSE_TOO_LARGE';

  for (const framing of ['length', 'chunked', 'close']) {
    it(`refuses a ${framing}-framed body over maxResponseBytes as it arrives`, async () => {
      bytesWritten = 0;
      const t = nodeHttpTransport(`http://127.0.0.1:${port}/`, { maxResponseBytes: 100_000 });
      await assert.rejects(t(new Uint8Array(0), { 'x-framing': framing }), tooLarge);
      // Content-Length is refused from the head; the others after the cap, long before the 1 MiB is sent.
      assert.ok(bytesWritten < 512 * 1024, `${bytesWritten} bytes were sent`);
      // Under the cap, the same responses are read whole.
      const r = await nodeHttpTransport(`http://127.0.0.1:${port}/`, { maxResponseBytes: 1 << 20 })(new Uint8Array(0), { 'x-framing': framing });
      assert.equal(r.body.length, 1 << 20);
    });
  }

  it('refuses it through a caller\'s agent (node:http) too', async () => {
    const { Agent: HttpAgent } = await import('node:http');
    const agent = new HttpAgent({ keepAlive: false });
    const t = nodeHttpTransport(`http://127.0.0.1:${port}/`, { agent, maxResponseBytes: 100_000 });
    await assert.rejects(t(new Uint8Array(0), { 'x-framing': 'chunked' }), tooLarge);
    agent.destroy();
  });
});

describe('nodeHttpTransport response headers', () => {
  it('keeps headers named like Object.prototype members (constructor, __proto__) as plain values', async () => {
    const server = createNetServer((socket: Socket) => {
      socket.once('data', () => {
        socket.end('HTTP/1.1 200 OK\r\nConstructor: a\r\n__proto__: b\r\nconstructor: c\r\ntoString: d\r\nContent-Length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await nodeHttpTransport(`http://127.0.0.1:${port}/`)(new Uint8Array(0), {});
      assert.equal(r.headers['constructor'], 'a, c');
      assert.equal(r.headers['__proto__'], 'b');
      assert.equal(r.headers['tostring'], 'd');
      assert.equal(Object.getPrototypeOf(r.headers), null);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
