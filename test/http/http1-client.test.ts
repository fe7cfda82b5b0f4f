// RFC 9112 response parsing and connection reuse of the HTTP/1.1 client, over a scripted in-memory socket: every split of the bytes, every framing.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { http1Transport, type NetModules } from '../../src/http/http1-client.js';
import type { TransportResponse } from '../../src/wssc/session-transport.js';
import { splitAt } from '../helpers/split.js';

/** A socket that records what is written and replays scripted responses in the given pieces. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  refs = 1;
  written = '';
  cork(): void {}
  uncork(): void {
    const next = this.script.shift();
    if (next !== undefined) setImmediate(() => next(this));
  }
  write(d: string | Uint8Array): boolean {
    this.written += typeof d === 'string' ? d : Buffer.from(d).toString('latin1');
    return true;
  }
  setNoDelay(): void {}
  ref(): void {
    this.refs = 1;
  }
  unref(): void {
    this.refs = 0;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    setImmediate(() => this.emit('close'));
  }
  constructor(readonly script: ((s: FakeSocket) => void)[]) {
    super();
  }
}

/** Each connection made gets the next list of per-request actions. */
function fake(connections: ((s: FakeSocket) => void)[][]): { modules: NetModules; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const modules: NetModules = {
    net: {
      connect: () => {
        const s = new FakeSocket(connections.shift() ?? []);
        sockets.push(s);
        return s as unknown as Socket;
      },
      isIP: () => 0,
    },
  };
  return { modules, sockets };
}

/** Sends `pieces` as separate 'data' events (then 'end' if asked). */
const reply = (pieces: (string | Uint8Array)[], end = false) => (s: FakeSocket): void => {
  for (const p of pieces) s.emit('data', typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p));
  if (end) s.emit('end');
};

const post = (modules: NetModules, url = 'http://h.example/p'): ((body?: string) => Promise<TransportResponse>) => {
  const t = http1Transport(new URL(url), modules);
  return (body = '') => t(new TextEncoder().encode(body), { 'content-type': 'text/xml' });
};

const text = (r: TransportResponse): string => Buffer.from(r.body).toString('latin1');

/** `s` cut at the given offsets (out-of-range and repeated ones ignored). */
const cut = (s: string, at: number[]): string[] => splitAt(s, [...new Set(at.filter((i) => i > 0 && i < s.length))].sort((a, b) => a - b));

interface Case {
  name: string;
  raw: string;
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** The response ends at EOF. */
  eof?: boolean;
  reused: boolean;
}

const cases: Case[] = [
  { name: 'content-length', raw: 'HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nContent-Length: 5\r\n\r\nhello', status: 200, body: 'hello', headers: { 'content-type': 'a/b', 'content-length': '5' }, reused: true },
  { name: 'repeated headers, no reason phrase', raw: 'HTTP/1.1 500\r\nX-A: 1\r\nx-a:  2 \r\nContent-Length: 2, 2\r\n\r\nok', status: 500, body: 'ok', headers: { 'x-a': '1, 2', 'content-length': '2, 2' }, reused: true },
  { name: 'chunked', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1;b="x y"\r\n \r\nA  ;q\r\n0123456789\r\n0\r\n\r\n', status: 200, body: 'hello 0123456789', reused: true },
  { name: 'chunked with trailers', raw: 'HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n3\r\nabc\r\n0;last\r\nX-Trailer: 1\r\nY: 2\r\n\r\n', status: 201, body: 'abc', reused: true },
  { name: 'interim 100 and 103', raw: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx', status: 200, body: 'x', headers: { 'content-length': '1' }, reused: true },
  { name: '204', raw: 'HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n', status: 204, body: '', reused: true },
  { name: 'Connection: close', raw: 'HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 2\r\n\r\nok', status: 200, body: 'ok', reused: false },
  { name: 'HTTP/1.0', raw: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', status: 200, body: 'ok', reused: false },
  { name: 'HTTP/1.0 keep-alive', raw: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok', status: 200, body: 'ok', reused: true },
  { name: 'read to EOF', raw: 'HTTP/1.1 200 OK\r\nContent-Type: x\r\n\r\nall of it\r\n\r\n', status: 200, body: 'all of it\r\n\r\n', eof: true, reused: false },
  { name: 'HTTP/1.0 to EOF', raw: 'HTTP/1.0 404 Not Found\r\n\r\nnope', status: 404, body: 'nope', eof: true, reused: false },
  { name: 'chunked and Content-Length: chunked wins, no reuse', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', status: 200, body: 'ok', reused: false },
  { name: 'binary body', raw: `HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n\r\n\u0000\u00ff`, status: 200, body: '\r\n\u0000\u00ff', reused: true },
];

/** Runs one exchange then a second request; says whether the socket was reused. */
async function exchange(c: Case, pieces: string[]): Promise<{ r: TransportResponse; reused: boolean }> {
  const second = reply(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']);
  const { modules, sockets } = fake([[reply(pieces, c.eof), second], [second]]);
  const t = post(modules);
  const r = await t('q');
  assert.equal((await t()).status, 200);
  return { r, reused: sockets.length === 1 };
}

function check(c: Case, r: TransportResponse): void {
  assert.equal(r.status, c.status, c.name);
  assert.equal(text(r), c.body, c.name);
  assert.ok(r.body instanceof Uint8Array);
  for (const [k, v] of Object.entries(c.headers ?? {})) assert.equal(r.headers[k], v, `${c.name}: ${k}`);
}

describe('http1Transport response parsing', () => {
  it('writes the request head and body', async () => {
    const { modules, sockets } = fake([[reply(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'])]]);
    const t = http1Transport(new URL('http://u:p%20w@[::1]:8080/a/b?c=d'), modules);
    await t(new TextEncoder().encode('<x/>'), { SOAPAction: '"urn:a"', 'Content-Length': '99', 'transfer-encoding': 'chunked' });
    assert.equal(sockets[0]!.written, `POST /a/b?c=d HTTP/1.1\r\nSOAPAction: "urn:a"\r\nHost: [::1]:8080\r\nAuthorization: Basic ${btoa('u:p w')}\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\n<x/>`);
  });

  it('refuses header names and values that would break the request', async () => {
    const { modules } = fake([]);
    const t = http1Transport(new URL('http://h/'), modules);
    await assert.rejects(t(new Uint8Array(0), { 'a b': 'x' }), TypeError);
    await assert.rejects(t(new Uint8Array(0), { a: 'x\ny' }), /Invalid character/);
    await assert.rejects(t(new Uint8Array(0), { a: 'x\u0100' }), /Invalid character/);
  });

  for (const c of cases) {
    it(`${c.name}: whole, and split at every byte boundary`, async () => {
      const whole = await exchange(c, [c.raw]);
      check(c, whole.r);
      assert.equal(whole.reused, c.reused, c.name);
      for (let i = 1; i < c.raw.length; i++) check(c, (await exchange(c, cut(c.raw, [i]))).r);
      const bytes = await exchange(c, [...c.raw]);
      check(c, bytes.r);
      assert.equal(bytes.reused, c.reused, c.name);
    });
  }

  const bad: [string, string | RegExp][] = [
    ['HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n', /invalid status line/],
    ['HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n', /invalid status line/],
    ['HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', /invalid status line/],
    ['ICY 200 OK\r\n\r\n', /invalid status line/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', /invalid Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /invalid Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 0x1\r\n\r\n', /invalid Content-Length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /invalid chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n', /invalid chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 1\r\n', /invalid chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12345678901234\r\n', /invalid chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n', /CRLF/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip, chunked\r\n\r\n', /Transfer-Encoding/],
    ['HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\nContent-Length: 0\r\n\r\n', /folding/],
    ['HTTP/1.1 200 OK\r\nX 1\r\nContent-Length: 0\r\n\r\n', /without a name/],
    ['HTTP/1.1 200 OK\r\nX : 1\r\nContent-Length: 0\r\n\r\n', /invalid header name/],
    ['HTTP/1.1 200 OK\r\nX: a\u0000b\r\nContent-Length: 0\r\n\r\n', /invalid character/],
    ['HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n', /invalid character/],
    ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /101/],
    [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70000)}\r\n\r\n`, /header section too large/],
    [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70000)}`, /header section too large/],
    [`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'a'.repeat(70000)}`, /chunk line too long/],
    [`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'X: 1\r\n'.repeat(12000)}`, /trailer section too large/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab', /before the response was complete/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n', /before the response was complete/],
    ['HTTP/1.1 200 OK\r\nContent-Le', /before the response was complete/],
  ];
  for (const [raw, message] of bad) {
    it(`rejects ${JSON.stringify(raw.slice(0, 60))}`, async () => {
      for (const pieces of [[raw], cut(raw, [raw.length >> 1]), cut(raw, [17, 40, 41, 42])]) {
        const { modules, sockets } = fake([[reply(pieces, true)]]);
        await assert.rejects(post(modules)(), (e: unknown) => e instanceof Error && (typeof message === 'string' ? e.message === message : message.test(e.message)));
        assert.ok(sockets[0]!.destroyed);
      }
    });
  }

  it('retries once on a fresh socket when a reused one closes before any response byte; not twice, not on a fresh socket', async () => {
    const ok = reply(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
    for (const gone of [(s: FakeSocket) => s.emit('end'), (s: FakeSocket) => s.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), (s: FakeSocket) => s.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))]) {
      const { modules, sockets } = fake([[ok, gone], [ok]]);
      const t = post(modules);
      await t();
      const r = await t('again');
      assert.equal(text(r), 'ok');
      assert.equal(sockets.length, 2);
      assert.ok(sockets[1]!.written.endsWith('\r\n\r\nagain'));
    }
    // The retry fails as well: the error reaches the caller.
    const twice = fake([[ok, (s) => s.emit('end')], [(s) => s.emit('end')]]);
    const t2 = post(twice.modules);
    await t2();
    await assert.rejects(t2(), /socket hang up/);
    assert.equal(twice.sockets.length, 2);
    // A fresh socket is not retried, and neither is one that failed after a response byte or with another error.
    for (const script of [[(s: FakeSocket) => s.emit('end')]]) {
      const f = fake([script]);
      await assert.rejects(post(f.modules)(), /socket hang up/);
      assert.equal(f.sockets.length, 1);
    }
    for (const gone of [reply(['H'], true), (s: FakeSocket) => s.emit('error', Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }))]) {
      const f = fake([[ok, gone], [ok]]);
      const t = post(f.modules);
      await t();
      await assert.rejects(t());
      assert.equal(f.sockets.length, 1);
    }
  });

  it('reuses the newest idle socket, unrefs idle sockets and drops those the server closed', async () => {
    const ok = reply(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']);
    const { modules, sockets } = fake([[ok, ok, ok, ok], [ok, ok, ok, ok], [ok]]);
    const t = post(modules);
    await Promise.all([t(), t()]);
    assert.equal(sockets.length, 2);
    assert.deepEqual(sockets.map((s) => s.refs), [0, 0]);
    // Sequential requests go to one socket (the top of the pool), ref'd while in use.
    const p = t();
    assert.equal(sockets.filter((s) => s.refs === 1).length, 1);
    await p;
    await t();
    const requests = (s: FakeSocket): number => s.written.split('POST ').length - 1;
    assert.equal(sockets.length, 2);
    assert.deepEqual(sockets.map(requests).sort(), [1, 3]);
    // The server closes both while idle: they leave the pool, and the next request takes a new socket.
    sockets[0]!.emit('end');
    sockets[1]!.emit('close');
    assert.ok(sockets[0]!.destroyed && sockets[1]!.destroyed);
    await t();
    assert.equal(sockets.length, 3);
    // Unsolicited bytes on an idle socket close it.
    const f = fake([[ok]]);
    await post(f.modules)();
    f.sockets[0]!.emit('data', Buffer.from('HTTP/1.1 200 OK\r\n'));
    assert.ok(f.sockets[0]!.destroyed);
  });

  it('does not reuse a socket after a response with trailing bytes or after the caller asked for Connection: close', async () => {
    const ok = reply(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']);
    const a = fake([[reply(['HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy'])], [ok]]);
    const ta = post(a.modules);
    assert.equal(text(await ta()), 'x');
    await ta();
    assert.equal(a.sockets.length, 2);
    const b = fake([[ok], [ok]]);
    const tb = http1Transport(new URL('http://h/'), b.modules);
    await tb(new Uint8Array(0), { connection: 'close' });
    await tb(new Uint8Array(0), {});
    assert.equal(b.sockets.length, 2);
  });

  it('closes sockets idle for 4 s', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const ok = reply(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']);
    const { modules, sockets } = fake([[ok], [ok]]);
    const tr = post(modules);
    const p = tr();
    await new Promise((r) => setImmediate(r));
    await p;
    t.mock.timers.tick(3999);
    assert.equal(sockets[0]!.destroyed, false);
    t.mock.timers.tick(1);
    assert.equal(sockets[0]!.destroyed, true);
    t.mock.timers.reset();
  });

  it('parses random valid responses split at random points (property)', async () => {
    const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/).filter((n) => !['content-length', 'transfer-encoding', 'connection'].includes(n.toLowerCase()));
    const value = fc.stringMatching(/^[\x21-\x7e\x80-\xff]([\x20-\x7e\t\x80-\xff]{0,20}[\x21-\x7e\x80-\xff])?$/);
    const body = fc.uint8Array({ maxLength: 300 });
    const response = fc.record({
      interim: fc.array(fc.constantFrom('100 Continue', '102 Processing', '103 Early Hints'), { maxLength: 2 }),
      status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
      headers: fc.array(fc.tuple(token, value), { maxLength: 6 }),
      body,
      framing: fc.constantFrom('length', 'chunked', 'eof'),
      chunkCuts: fc.array(fc.nat(300), { maxLength: 6 }),
      ext: fc.array(fc.constantFrom('', ';a', ';a=b', ' ;x="y z"'), { minLength: 8, maxLength: 8 }),
      trailers: fc.array(fc.tuple(token, value), { maxLength: 3 }),
      hexUpper: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(response, fc.array(fc.nat(2000), { maxLength: 12 }), async (g, splits) => {
        const bodyStr = Buffer.from(g.body).toString('latin1');
        let raw = g.interim.map((i) => `HTTP/1.1 ${i}\r\n\r\n`).join('');
        raw += `HTTP/1.1 ${g.status} Whatever\r\n`;
        const expected = Object.create(null) as Record<string, string>; // as the transport: a header may be named constructor or __proto__
        for (const [k, v] of g.headers) {
          raw += `${k}: ${v}\r\n`;
          const l = k.toLowerCase();
          expected[l] = expected[l] === undefined ? v : `${expected[l]}, ${v}`;
        }
        if (g.framing === 'length') raw += `Content-Length: ${g.body.length}\r\n\r\n${bodyStr}`;
        else if (g.framing === 'eof') raw += `\r\n${bodyStr}`;
        else {
          raw += 'Transfer-Encoding: chunked\r\n\r\n';
          const pieces = cut(bodyStr, g.chunkCuts).filter((p) => p.length > 0);
          pieces.forEach((p, i) => {
            const size = p.length.toString(16);
            raw += `${g.hexUpper ? size.toUpperCase() : size}${g.ext[i % 8]}\r\n${p}\r\n`;
          });
          raw += `0${g.ext[7]}\r\n${g.trailers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
        }
        const { modules } = fake([[reply(cut(raw, splits), g.framing === 'eof')]]);
        const r = await post(modules)();
        assert.equal(r.status, g.status);
        assert.deepEqual(Buffer.from(r.body), Buffer.from(g.body));
        for (const [k, v] of Object.entries(expected)) assert.equal(r.headers[k], v);
      }),
      { numRuns: 400 },
    );
  });
});
