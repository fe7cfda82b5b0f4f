// RFC 9112 request parsing, framing and connection management of the SOAP HTTP/1.1 server, driven byte by byte over raw node:net sockets.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { SoapHttpServer, type SoapHttpServerOptions } from '../../src/http/http1-server.js';
import { sessionPrefix, type HttpService, type RequestLogEntry } from '../../src/http/node-handler.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { splitAt } from '../helpers/split.js';
import { newService, testPki, text } from '../wssc/session-helpers.js';

const CT = 'application/soap+xml; charset=utf-8';
const IMF_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Res {
  statusLine: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A client socket that reads responses off the raw byte stream (bodies by Content-Length, as latin1 strings). */
class Conn {
  #buf = Buffer.alloc(0);
  #wake: (() => void) | undefined;
  ended = false;
  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => ((this.#buf = Buffer.concat([this.#buf, d])), this.#poke()));
    const end = (): void => ((this.ended = true), this.#poke());
    socket.on('end', end).on('close', end).on('error', end);
  }
  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
  #next(deadline: number, what: string): Promise<void> {
    return new Promise((ok, ko) => {
      const t = setTimeout(() => ko(new Error(`timed out waiting for ${what}; have ${JSON.stringify(this.#buf.toString('latin1', 0, 300))}`)), Math.max(0, deadline - Date.now()));
      this.#wake = () => (clearTimeout(t), ok());
    });
  }
  send(data: string): Promise<void> {
    return new Promise((ok) => this.socket.write(Buffer.from(data, 'latin1'), () => ok()));
  }
  async response(ms = 3000): Promise<Res> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = this.#parse();
      if (r !== undefined) return r;
      if (this.ended) throw new Error(`connection ended mid-response: ${JSON.stringify(this.#buf.toString('latin1', 0, 300))}`);
      await this.#next(deadline, 'a response');
    }
  }
  #parse(): Res | undefined {
    const end = this.#buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...fields] = this.#buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*$/.exec(statusLine!);
    assert.ok(m !== null, `bad status line ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const f of fields) {
      const i = f.indexOf(':');
      assert.ok(i > 0 && !/\s/.test(f.slice(0, i)), `bad response field ${JSON.stringify(f)}`);
      const name = f.slice(0, i).toLowerCase();
      const value = f.slice(i + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const status = Number(m[1]);
    let length = 0;
    if (status >= 200) {
      assert.match(headers['content-length'] ?? '', /^\d+$/, `no content-length in ${statusLine}`);
      length = Number(headers['content-length']);
    }
    if (this.#buf.length < end + 4 + length) return undefined;
    const body = this.#buf.subarray(end + 4, end + 4 + length).toString('latin1');
    this.#buf = this.#buf.subarray(end + 4 + length);
    return { statusLine: statusLine!, status, headers, body };
  }
  /** Resolves once the server has closed the connection; fails if it sent more bytes first. */
  async closed(ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) await this.#next(deadline, 'the server to close');
    assert.equal(this.#buf.toString('latin1', 0, 300), '', 'bytes after the last response');
  }
  /** Every response until the server closes the connection, and how many bytes of a cut-off one followed. */
  async all(ms = 10_000): Promise<{ responses: Res[]; leftover: number }> {
    const responses: Res[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const r = this.#parse();
      if (r !== undefined) responses.push(r);
      else if (this.ended) return { responses, leftover: this.#buf.length };
      else await this.#next(deadline, 'the server to close');
    }
  }
  /** Nothing sent and still open after `ms`. */
  async idle(ms = 50): Promise<void> {
    await sleep(ms);
    assert.equal(this.ended, false, 'the server closed the connection');
    assert.equal(this.#buf.length, 0);
  }
}

const sockets: Socket[] = [];
function open(port: number): Promise<Conn> {
  const s = connect(port, '127.0.0.1');
  sockets.push(s);
  return new Promise((ok, ko) => s.once('connect', () => ok(new Conn(s))).once('error', ko));
}

/** A POST with Content-Length; `fields` go after the default ones. */
const post = (body: string, fields: string[] = [], head = `POST /svc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${CT}`): string =>
  `${head}\r\nContent-Length: ${body.length}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n${body}`;
/** A chunked POST; `chunks` are raw chunk lines' payloads, each with an optional extension. */
const chunked = (chunks: [string, string?][], trailer: string[] = [], te = 'chunked'): string =>
  `POST /svc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${CT}\r\nTransfer-Encoding: ${te}\r\n\r\n` +
  chunks.map(([d, ext = '']) => `${d.length.toString(16)}${ext}\r\n${d}\r\n`).join('') +
  `0\r\n${trailer.map((t) => `${t}\r\n`).join('')}\r\n`;

function echoService(): { service: HttpService; calls: { body: string; headers: Record<string, string | string[] | undefined> }[] } {
  const calls: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const service: HttpService = {
    async handle(request, headers) {
      const body = Buffer.from(request).toString('latin1');
      calls.push({ body, headers: { ...headers } });
      if (body === 'boom') throw new Error('boom');
      if (body.startsWith('slow')) await sleep(Number(body.slice(4)));
      return { status: 200, body: Uint8Array.from(request), contentType: CT, action: 'urn:echo' };
    },
  };
  return { service, calls };
}

describe('SoapHttpServer (HTTP/1.1 over node:net)', () => {
  const servers: SoapHttpServer[] = [];
  const { service, calls } = echoService();
  const lines: string[] = [];
  let port: number;
  async function start(svc: HttpService, options: SoapHttpServerOptions): Promise<{ server: SoapHttpServer; port: number }> {
    const server = new SoapHttpServer(svc, options);
    servers.push(server);
    return { server, port: (await server.listen(0, '127.0.0.1')).port };
  }

  before(async () => {
    ({ port } = await start(service, { maxBytes: 256, maxHeaderBytes: 1024, log: (line) => lines.push(line) }));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    for (const s of servers) if (s.server.listening) await s.close();
  });

  /** Sends `bytes` on a fresh connection: one response with `status`, `connection: close`, the socket ends, the service is not called. */
  async function refused(bytes: string, status: number): Promise<Res> {
    const c = await open(port);
    const n = calls.length;
    await c.send(bytes);
    const r = await c.response();
    assert.equal(r.status, status, JSON.stringify(bytes));
    assert.equal(r.headers['connection'], 'close');
    await c.closed();
    assert.equal(calls.length, n, 'the service was called');
    return r;
  }

  it('POST with Content-Length: 200 echo, content-type/content-length/date, exact body bytes and lower-case trimmed headers to the service', async () => {
    const c = await open(port);
    const body = '<e>\u00e9\u00ff\u0000\r\n</e>';
    await c.send(post(body, ['X-Custom:   V a l  ']));
    const r = await c.response();
    assert.equal(r.statusLine.slice(0, 13), 'HTTP/1.1 200 ');
    assert.equal(r.body, body);
    assert.equal(r.headers['content-type'], CT);
    assert.equal(r.headers['content-length'], String(body.length));
    assert.match(r.headers['date']!, IMF_DATE);
    assert.equal(r.headers['connection'] ?? 'keep-alive', 'keep-alive');
    const got = calls.at(-1)!;
    assert.equal(got.body, body);
    assert.deepEqual(Object.keys(got.headers).filter((k) => k !== k.toLowerCase()), []);
    assert.equal(got.headers['content-type'], CT);
    assert.equal(got.headers['host'], '127.0.0.1');
    assert.equal(got.headers['x-custom'], 'V a l');
    // SOAP 1.1: text/xml with a SOAPAction.
    await c.send(post('<s11/>', ['SOAPAction: "urn:a"'], `POST /svc HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml; charset=utf-8`));
    const r11 = await c.response();
    assert.deepEqual([r11.status, r11.body, calls.at(-1)!.headers['soapaction']], [200, '<s11/>', '"urn:a"']);
    await c.idle();
  });

  it('keep-alive: sequential requests and pipelined ones (several in one write, leading CRLF tolerated) answered in order', async () => {
    const c = await open(port);
    for (let i = 0; i < 5; i++) {
      await c.send(post(`<s>${i}</s>`));
      assert.equal((await c.response()).body, `<s>${i}</s>`);
    }
    await c.send(post('<p>1</p>') + chunked([['<p>2</p>']]) + '\r\n' + post('<p>3</p>'));
    assert.deepEqual([(await c.response()).body, (await c.response()).body, (await c.response()).body], ['<p>1</p>', '<p>2</p>', '<p>3</p>']);
    await c.idle();
  });

  it('every 2-way split, and random splits into up to 6 pieces, of pipelined Content-Length + chunked requests give the same responses', async () => {
    const bytes = post('<a>1</a>') + chunked([['<b>'], ['2</b>', ';x=y']], ['X-T: v']);
    const c = await open(port);
    const check = async (pieces: string[]): Promise<void> => {
      for (const p of pieces) await c.send(p).then(() => sleep(1));
      const [a, b] = [await c.response(), await c.response()];
      assert.deepEqual([a.status, a.body, b.status, b.body], [200, '<a>1</a>', 200, '<b>2</b>'], JSON.stringify(pieces));
    };
    for (let i = 1; i < bytes.length; i++) await check(splitAt(bytes, [i]));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 5 }), (at) => check(splitAt(bytes, at.sort((x, y) => x - y)))),
      { numRuns: 40 },
    );
    await c.idle(10);
  });

  it('chunked bodies: several chunks, extensions, a trailer, upper-case coding name → the reassembled body', async () => {
    const c = await open(port);
    await c.send(chunked([['<c>'], ['\u00e9\r\n', ';x=y'], ['0123456789abcdef0123', '; q="a;b" ;z'], ['</c>']], ['X-Trailer: v', 'X-Other: w']));
    assert.deepEqual([(await c.response()).body, calls.at(-1)!.body], ['<c>\u00e9\r\n0123456789abcdef0123</c>', '<c>\u00e9\r\n0123456789abcdef0123</c>']);
    await c.send(chunked([['<u/>']], [], 'Chunked'));
    assert.equal((await c.response()).body, '<u/>');
    await c.send(chunked([]));
    assert.deepEqual([(await c.response()).status, calls.at(-1)!.body], [200, '']);
    await c.idle();
  });

  it('request smuggling: TE+CL, unknown coding, conflicting or malformed Content-Length, bad chunk framing → 400/501 and close', async () => {
    const h = `POST /svc HTTP/1.1\r\nHost: h\r\nContent-Type: ${CT}\r\n`;
    const next = post('<smuggled/>');
    await refused(`${h}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${next}`, 400);
    await refused(`${h}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${next}`, 400);
    await refused(`${h}Transfer-Encoding: gzip\r\n\r\n${next}`, 501);
    await refused(`${h}Content-Length: 4\r\nContent-Length: 5\r\n\r\n<a/>${next}`, 400);
    for (const cl of ['+5', '5x', '-1', '', '0x5', '5 5']) await refused(`${h}Content-Length: ${cl}\r\n\r\n<a/>${next}`, 400);
    await refused(`${h}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n${next}`, 400);
    await refused(`${h}Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n${next}`, 400);
  });

  it('limits: Content-Length or chunked body over maxBytes → 413, header section over maxHeaderBytes → 431; each closes', async () => {
    const c = await open(port);
    await c.send(post('x'.repeat(256)));
    assert.deepEqual([(await c.response()).status, calls.at(-1)!.body.length], [200, 256]);
    await refused(post('x'.repeat(257)).slice(0, -257), 413);
    await refused(chunked([['x'.repeat(200)], ['y'.repeat(57)]]), 413);
    await c.send(post('<h/>', [`X-Pad: ${'p'.repeat(600)}`]));
    assert.equal((await c.response()).status, 200);
    await refused(post('<h/>', [`X-Pad: ${'p'.repeat(1100)}`]), 431);
    await refused(`POST /svc HTTP/1.1\r\nHost: h\r\nX-Pad: ${'p'.repeat(1100)}`, 431);
  });

  it('a header section of exactly maxHeaderBytes is accepted however its bytes are split', async () => {
    const prefix = `POST /svc HTTP/1.1\r\nHost: h\r\nContent-Type: ${CT}\r\nContent-Length: 4\r\nX-Pad: `;
    // Request line and field lines with their CRLFs: 1024 bytes; then the empty line and the body.
    const bytes = `${prefix}${'p'.repeat(1022 - prefix.length)}\r\n\r\n<h/>`;
    const statuses: Record<number, number> = {};
    for (const at of [0, 1020, 1022, 1023, 1024, 1025, 1026, 1027]) {
      const c = await open(port);
      for (const piece of splitAt(bytes, at === 0 ? [] : [at])) await c.send(piece).then(() => sleep(5));
      statuses[at] = (await c.response()).status;
      c.socket.destroy();
    }
    assert.deepEqual(statuses, { 0: 200, 1020: 200, 1022: 200, 1023: 200, 1024: 200, 1025: 200, 1026: 200, 1027: 200 });
  });

  /** A server with a 1 MiB cap, and a connection whose client pipelines `n` 1 MiB echoes and does not read. */
  async function flood(n: number): Promise<{ c: Conn; seen: { body: string }[]; serverSide: () => Socket }> {
    const { service: svc, calls: seen } = echoService();
    const { server, port: p } = await start(svc, { maxBytes: 1 << 20 });
    let side: Socket | undefined;
    server.server.on('connection', (s: Socket) => (side = s));
    const c = await open(p);
    c.socket.pause();
    const big = post('B'.repeat(1 << 20));
    for (let i = 0; i < n; i++) c.socket.write(big, 'latin1');
    return { c, seen, serverSide: () => side! };
  }

  it('a client that reads nothing: the server stops reading instead of buffering responses without bound', async () => {
    const { c, serverSide } = await flood(12);
    await sleep(500);
    // node:http stops reading while a response waits to be written; kernel buffers hold a few MiB on loopback.
    assert.ok(serverSide().writableLength < 3 << 20, `${serverSide().writableLength} response bytes buffered for a client that reads nothing`);
    c.socket.resume();
    assert.equal((await c.response(10_000)).status, 200);
  });

  it('after a refusal nothing more is read: a request sent later on that connection never reaches the service', async () => {
    const { c, seen } = await flood(12);
    c.socket.write(`POST /svc HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n`, 'latin1');
    await sleep(500);
    c.socket.write(post('EVIL'), 'latin1');
    await sleep(200);
    c.socket.resume();
    const { responses, leftover } = await c.all();
    assert.deepEqual(seen.filter((x) => x.body.length !== 1 << 20).map((x) => x.body), []);
    assert.deepEqual([responses.map((r) => r.status), leftover], [[...Array<number>(12).fill(200), 400], 0]);
  });

  it('malformed requests → 400 (505 for other versions) with connection: close', async () => {
    const ok = `Content-Type: ${CT}\r\nContent-Length: 0\r\n\r\n`;
    const cases: [string, number][] = [
      [`POST /svc HTTP/1.1\r\n${ok}`, 400], // no Host
      [`POST /svc HTTP/1.1\r\nHost: a\r\nHost: b\r\n${ok}`, 400],
      ['HELLO\r\n\r\n', 400],
      [`POST /svc HTTP/2.0\r\nHost: h\r\n${ok}`, 505],
      [`POST /svc HTTP/0.9\r\nHost: h\r\n${ok}`, 505],
      [`POST /svc HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  folded\r\n${ok}`, 400],
      [`POST /svc HTTP/1.1\r\nHost : h\r\n${ok}`, 400],
      [`POST /svc HTTP/1.1\nHost: h\nContent-Type: ${CT}\nContent-Length: 0\n\n`, 400],
      [`POST /svc HTTP/1.1\r\nHost: h\nX-A: b\r\n${ok}`, 400],
      [`POST /svc HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n${ok}`, 400],
      [`POST /svc HTTP/1.1\r\nHost: h\r\nX-A: a\u0000b\r\n${ok}`, 400],
      [`POST /svc HTTP/1.1\r\nHost: h\r\nX[A]: a\r\n${ok}`, 400],
    ];
    for (const [bytes, status] of cases) await refused(bytes, status);
  });

  it('a later HTTP/1.x minor version is served as HTTP/1.1 (RFC 9112 §2.3)', async () => {
    const c = await open(port);
    await c.send(post('<v/>').replace('HTTP/1.1', 'HTTP/1.2'));
    const r = await c.response();
    assert.deepEqual([r.status, r.body], [200, '<v/>']);
    assert.notEqual(r.headers['connection'], 'close');
    await c.idle();
  });

  it('GET → 405 with allow: POST, application/json → 415, both keep the connection (the 415 body is skipped)', async () => {
    const c = await open(port);
    await c.send(`GET /svc HTTP/1.1\r\nHost: h\r\n\r\n${post('{"a":1}', [], 'POST /svc HTTP/1.1\r\nHost: h\r\nContent-Type: application/json')}${post('<after/>')}`);
    const [get, json, after] = [await c.response(), await c.response(), await c.response()];
    assert.deepEqual([get.status, get.headers['allow'], json.status, after.status, after.body], [405, 'POST', 415, 200, '<after/>']);
    assert.notEqual(get.headers['connection'], 'close');
    assert.notEqual(json.headers['connection'], 'close');
    assert.equal(calls.at(-1)!.body, '<after/>');
    await c.idle();
  });

  it('Expect: 100-continue → 100 before the body, then 200; too large → 413 without 100; other expectations → 417', async () => {
    const c = await open(port);
    const req = post('<x/>', ['Expect: 100-continue']);
    await c.send(req.slice(0, -4));
    const cont = await c.response();
    assert.deepEqual([cont.statusLine, cont.headers], ['HTTP/1.1 100 Continue', {}]);
    await c.send('<x/>');
    assert.deepEqual([(await c.response()).status, calls.at(-1)!.body], [200, '<x/>']);
    await refused(post('x'.repeat(300), ['Expect: 100-continue']).slice(0, -300), 413);
    const e = await open(port);
    await e.send(post('', ['Expect: something-else']));
    assert.equal((await e.response()).status, 417);
  });

  it('Connection: close and HTTP/1.0 close after the response; HTTP/1.0 keep-alive stays open', async () => {
    const a = await open(port);
    await a.send(post('<c/>', ['Connection: close']) + post('<never/>'));
    const r = await a.response();
    assert.deepEqual([r.status, r.body, r.headers['connection']], [200, '<c/>', 'close']);
    await a.closed();
    assert.notEqual(calls.at(-1)!.body, '<never/>');
    const b = await open(port);
    await b.send(post('<10/>', [], `POST /svc HTTP/1.0\r\nContent-Type: ${CT}`));
    assert.deepEqual([(await b.response()).body], ['<10/>']);
    await b.closed();
    const k = await open(port);
    for (const i of [1, 2]) {
      await k.send(post(`<k${i}/>`, ['Connection: keep-alive'], `POST /svc HTTP/1.0\r\nContent-Type: ${CT}`));
      const rk = await k.response();
      assert.deepEqual([rk.body, rk.headers['connection']], [`<k${i}/>`, 'keep-alive']);
    }
    await k.idle();
  });

  it('service.handle rejects → 500; one log line per request', async () => {
    const c = await open(port);
    const from = lines.length;
    await c.send(post('boom') + `GET / HTTP/1.1\r\nHost: h\r\n\r\n` + post('<l/>'));
    assert.deepEqual([(await c.response()).status, (await c.response()).status, (await c.response()).status], [500, 405, 200]);
    await sleep(20);
    const got = lines.slice(from);
    assert.equal(got.length, 3, got.join('\n'));
    assert.match(got[0]!, /^POST - 500 - \d+\.\dms$/);
    assert.match(got[1]!, /^GET - 405 - \d+\.\dms$/);
    assert.match(got[2]!, /^POST urn:echo 200 - \d+\.\dms$/);
  });

  it('timeouts: slow headers (trickled) → 408 after headersTimeoutMs from the first byte, slow body → 408, idle keep-alive closed', async () => {
    const { port: p } = await start(echoService().service, { headersTimeoutMs: 200, requestTimeoutMs: 500, keepAliveTimeoutMs: 250 });
    const slow = await open(p);
    const t0 = Date.now();
    await slow.send('POST /svc HTTP/1.1\r\n');
    const trickle = setInterval(() => void (slow.ended || slow.send('X: y\r\n')), 40);
    try {
      const r = await slow.response();
      const dt = Date.now() - t0;
      assert.deepEqual([r.status, r.headers['connection']], [408, 'close']);
      assert.ok(dt >= 190 && dt < 1000, `408 after ${dt} ms`);
    } finally {
      clearInterval(trickle);
    }
    await slow.closed();
    const body = await open(p);
    const t1 = Date.now();
    await body.send(post('0123456789').slice(0, -7));
    const rb = await body.response();
    const dt1 = Date.now() - t1;
    assert.deepEqual([rb.status, rb.headers['connection']], [408, 'close']);
    assert.ok(dt1 >= 490 && dt1 < 2000, `408 after ${dt1} ms`);
    await body.closed();
    const idle = await open(p);
    await idle.send(post('<i/>'));
    await idle.response();
    const t2 = Date.now();
    await sleep(150);
    await idle.send(post('<j/>')); // activity restarts the idle clock
    await idle.response();
    await idle.closed();
    const dt2 = Date.now() - t2;
    assert.ok(dt2 >= 390 && dt2 < 2000, `closed after ${dt2} ms`);
  });

  it('close(): idle connections close at once, a busy one after its response (connection: close), then connects are refused', async () => {
    const order: string[] = [];
    const echo = echoService().service;
    const { server, port: p } = await start({ handle: (b, h) => echo.handle(b, h).then((r) => (order.push('handled'), r)) }, {});
    const idle = await open(p);
    await idle.send(post('<i/>'));
    await idle.response();
    const busy = await open(p);
    await busy.send(post('slow300'));
    await sleep(50);
    const closing = server.close().then(() => order.push('close()'));
    await idle.closed(200);
    const r = await busy.response();
    assert.deepEqual([r.status, r.body, r.headers['connection']], [200, 'slow300', 'close']);
    await busy.closed();
    await closing;
    assert.deepEqual(order, ['handled', 'handled', 'close()']);
    assert.equal(server.server.listening, false);
    await assert.rejects(open(p), { code: 'ECONNREFUSED' });
  });

  it('requests read in one turn start together, at most 16 at a time: all reach their first await before any goes on', async () => {
    const events: string[] = [];
    let inside = 0;
    let most = 0;
    const { port: p } = await start({
      async handle(request) {
        const id = Buffer.from(request).toString('latin1');
        inside++;
        most = Math.max(most, inside);
        events.push(`verify ${id}`);
        await Promise.resolve(); // the service's yield between verifying and answering
        events.push(`reply ${id}`);
        inside--;
        return { status: 200, body: Uint8Array.from(request), contentType: CT };
      },
    }, {});
    const conns = await Promise.all(Array.from({ length: 40 }, () => open(p)));
    await sleep(100); // every connection accepted; then the requests are written together and read in one turn
    for (const [i, c] of conns.entries()) c.socket.write(post(`r${i}`));
    const replies = await Promise.all(conns.map((c) => c.response()));
    assert.deepEqual(replies.map((r) => r.body), conns.map((_, i) => `r${i}`));
    assert.ok(most <= 16, `${most} requests were in the service at once`);
    // Within a batch every request is verified before any is answered.
    const firstReply = events.findIndex((e) => e.startsWith('reply'));
    assert.ok(firstReply >= 2, `only ${firstReply} request(s) verified before the first reply: ${events.slice(0, 6).join(', ')}`);
    assert.equal(events.length, 80);
  });

  it('a service whose handle() throws synchronously → 500, and the other requests of the batch are answered', async () => {
    const { port: p } = await start({
      handle(request) {
        if (Buffer.from(request).toString('latin1') === 'throw') throw new Error('not async');
        return Promise.resolve({ status: 200, body: Uint8Array.from(request), contentType: CT });
      },
    }, {});
    const conns = await Promise.all([open(p), open(p), open(p)]);
    await sleep(50);
    for (const [i, c] of conns.entries()) c.socket.write(post(i === 1 ? 'throw' : `ok${i}`));
    const replies = await Promise.all(conns.map((c) => c.response()));
    assert.deepEqual(replies.map((r) => [r.status, r.body]), [[200, 'ok0'], [500, 'internal error\n'], [200, 'ok2']]);
  });

  it('end to end: a secure session (establish, calls, cancel) through SoapHttpServer', async () => {
    const log: RequestLogEntry[] = [];
    const { port: p } = await start(newService({ settings: { maxMessageBytes: 64 * 1024 } }), { log: (_, e) => log.push(e) });
    const pki = testPki();
    const client = await SecureSessionClient.establish({ url: `http://127.0.0.1:${p}/`, bootstrap: { mode: 'mutual-certificate', client: pki.client, serviceCertificate: pki.service.certificate } });
    for (const i of [1, 2, 3]) assert.equal(text(await client.call('urn:echo', `<x>${i}</x>`)), `<x>${i}</x>`);
    const prefix = sessionPrefix(client.identifier)!;
    await client.cancel();
    assert.deepEqual(log.filter((e) => e.session === prefix).map((e) => [e.status, e.action ?? '-']).slice(1, 4), [[200, 'urn:echo'], [200, 'urn:echo'], [200, 'urn:echo']]);
    assert.equal(log.filter((e) => e.session === prefix).length, 5);
  });
});
