// RFC 9112 HTTP/1.1 message syntax (§2-§7) and connection management (§9), client side: POST over a pool of keep-alive node:net / node:tls sockets.
import type { Socket } from 'node:net';
import { BAD_VALUE, DIGITS, TOKEN, chunkSize, connectionCloses, readFields } from './message.js';
import { inTurnBatch } from './turn-batch.js';
import type { Transport, TransportResponse } from '../wssc/session-transport.js';
import { concat } from '../xml/splice.js';

/** node:net and node:tls as far as they are used here (looked up at run time by the caller). */
export interface NetModules {
  net: { connect(options: { host: string; port: number }): Socket; isIP(input: string): number };
  tls?: { connect(options: { host: string; port: number; servername?: string; ALPNProtocols: string[]; ca?: unknown }): Socket };
}

/** SECURITY: a response head, a chunk-size line or a trailer section longer than this is refused (node's default is 16 KiB for the head; WCF's and proxies' heads stay far below). */
const MAX_HEAD = 64 * 1024;
/** Idle sockets are closed after this long: below the common server keep-alive timeouts (node 5 s, IIS 120 s, nginx 75 s), so a server rarely closes a socket just as a request is written on it. */
const IDLE_MS = 4000;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/;

const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_END = 4;
const TRAILERS = 5;
const EOF = 6;

interface Pending {
  head: string;
  body: Uint8Array;
  /** The caller sent `Connection: close`. */
  close: boolean;
  resolve(r: TransportResponse): void;
  reject(e: unknown): void;
}

function malformed(what: string): Error {
  return new Error(`malformed HTTP response: ${what}`);
}

/** A response body from the chunks read: a view of the only one, else one copy. */
export function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length !== 1) return concat(...chunks);
  const c = chunks[0]!;
  return new Uint8Array(c.buffer, c.byteOffset, c.length);
}

/** SECURITY: a body past the cap is refused as it arrives (the socket closed), never buffered whole. */
export function tooLarge(max: number): Error {
  return Object.assign(new Error(`the response body is larger than ${max} bytes`), { code: 'RESPONSE_TOO_LARGE' });
}

/** One socket and the parse state of the response being read on it. */
class Connection {
  req: Pending | undefined;
  /** The socket has carried a complete exchange before the current request. */
  reused = false;
  /** A byte of the current response arrived. */
  seen = false;
  idleSince = 0;
  state = HEAD;
  /** Unparsed bytes (an incomplete head, line or chunk end): acc[0, accLen), owned here; scan is where to resume looking for the terminator. */
  acc: Buffer | undefined;
  accLen = 0;
  scan = 0;
  remaining = 0;
  trailerBytes = 0;
  chunks: Uint8Array[] = [];
  size = 0;
  status = 0;
  headers: Record<string, string> = {};
  keepAlive = true;

  constructor(
    readonly socket: Socket,
    readonly pool: Pool,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('end', () => this.onGone(undefined));
    socket.on('close', () => this.onGone(undefined));
    socket.on('error', (e: Error) => this.onGone(e));
  }

  send(req: Pending): void {
    this.req = req;
    this.seen = false;
    const s = this.socket;
    // PERF: head and body leave in one writev (one syscall, one TCP segment train).
    s.cork();
    s.write(req.head, 'latin1');
    if (req.body.length > 0) s.write(req.body);
    s.uncork();
  }

  private onData(d: Buffer): void {
    if (this.req === undefined) {
      // Bytes nobody asked for (or after a response that was complete): the socket's framing is lost.
      this.pool.drop(this);
      return;
    }
    this.seen = true;
    try {
      this.parse(d);
    } catch (e) {
      this.fail(e);
    }
  }

  /** 'end', 'close' or 'error': an idle socket leaves the pool; a request in flight is retried, completed (read to EOF) or failed. */
  private onGone(err: Error | undefined): void {
    const req = this.req;
    if (req === undefined) {
      this.pool.drop(this);
      return;
    }
    const code = (err as { code?: string } | undefined)?.code;
    if (this.reused && !this.seen && (err === undefined || code === 'ECONNRESET' || code === 'EPIPE')) {
      // The server closed the idle socket as the request was written: it never saw the request, so sending it again is
      // safe. Once: the fresh socket is not `reused`.
      this.req = undefined;
      this.pool.drop(this);
      this.pool.fresh().send(req);
      return;
    }
    if (err === undefined && this.state === EOF) {
      this.finish(false);
      return;
    }
    this.fail(err ?? Object.assign(new Error(this.seen ? 'the server closed the connection before the response was complete' : 'socket hang up'), { code: 'ECONNRESET' }));
  }

  private fail(e: unknown): void {
    const req = this.req;
    this.req = undefined;
    this.pool.drop(this);
    req?.reject(e);
  }

  /** Keeps buf[at..] for the next 'data'. owned: buf is a prefix of acc and no slice of acc was handed out. */
  private keep(buf: Buffer, at: number, owned: boolean, scanBack: number): void {
    const n = buf.length - at;
    if (n > MAX_HEAD) throw malformed(this.state === HEAD ? 'header section too large' : this.state === TRAILERS ? 'trailer section too large' : 'chunk line too long');
    let acc = this.acc;
    if (owned) acc!.copyWithin(0, at, buf.length);
    else {
      if (acc === undefined || acc.length < n) acc = this.acc = Buffer.allocUnsafe(Math.max(256, n * 2));
      buf.copy(acc, 0, at);
    }
    this.accLen = n;
    this.scan = Math.max(0, n - scanBack);
  }

  private parse(d: Buffer): void {
    let buf = d;
    let owned = false;
    let scan = 0;
    if (this.accLen > 0) {
      let acc = this.acc!;
      const n = this.accLen + d.length;
      if (acc.length < n) {
        const grown = Buffer.allocUnsafe(Math.max(n, acc.length * 2));
        acc.copy(grown, 0, 0, this.accLen);
        acc = grown;
      }
      d.copy(acc, this.accLen);
      this.acc = acc;
      this.accLen = 0;
      buf = acc.subarray(0, n);
      owned = true;
      scan = this.scan;
    }
    let at = 0;
    for (;;) {
      switch (this.state) {
        case HEAD: {
          const end = buf.indexOf('\r\n\r\n', Math.max(at, scan));
          if (end < 0) return this.keep(buf, at, owned, 3);
          if (end - at > MAX_HEAD) throw malformed('header section too large');
          this.head(buf.toString('latin1', at, end));
          at = end + 4;
          if (this.state === HEAD) break; // a 1xx interim response: the final one follows
          if (this.state === LENGTH && this.remaining === 0) return this.finish(at < buf.length);
          break;
        }
        case LENGTH:
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, buf.length - at);
          if (n > 0) {
            this.chunks.push(buf.subarray(at, at + n));
            this.size += n;
            if (this.size > this.pool.maxBytes) throw tooLarge(this.pool.maxBytes);
            if (owned) {
              // A slice of acc was handed out: acc must not be written again.
              this.acc = undefined;
              owned = false;
            }
            at += n;
            this.remaining -= n;
          }
          if (this.remaining > 0) return;
          if (this.state === LENGTH) return this.finish(at < buf.length);
          this.state = CHUNK_END;
          break;
        }
        case CHUNK_END: {
          if (buf.length - at < 2) {
            if (at === buf.length) return;
            return this.keep(buf, at, owned, 1);
          }
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw malformed('chunk not followed by CRLF');
          at += 2;
          this.state = CHUNK_SIZE;
          break;
        }
        case CHUNK_SIZE:
        case TRAILERS: {
          const eol = buf.indexOf('\r\n', Math.max(at, scan));
          if (eol < 0) {
            if (at === buf.length) return;
            return this.keep(buf, at, owned, 1);
          }
          if (this.state === CHUNK_SIZE) {
            const size = chunkSize(buf.toString('latin1', at, eol));
            if (size === undefined) throw malformed('invalid chunk size line');
            this.remaining = size;
            if (this.size + this.remaining > this.pool.maxBytes) throw tooLarge(this.pool.maxBytes);
            this.state = this.remaining === 0 ? TRAILERS : CHUNK_DATA;
            this.trailerBytes = 0;
            at = eol + 2;
            break;
          }
          // Trailer fields are read past (node's res.trailers never reached the caller either).
          this.trailerBytes += eol + 2 - at;
          if (this.trailerBytes > MAX_HEAD) throw malformed('trailer section too large');
          const empty = eol === at;
          at = eol + 2;
          if (empty) return this.finish(at < buf.length);
          break;
        }
        default: {
          // EOF: everything until the server closes.
          if (at < buf.length) {
            this.chunks.push(buf.subarray(at));
            this.size += buf.length - at;
            if (owned) this.acc = undefined;
            if (this.size > this.pool.maxBytes) throw tooLarge(this.pool.maxBytes);
          }
          return;
        }
      }
      scan = 0;
      // Nothing left in this read: HEAD, CHUNK_END, CHUNK_SIZE and TRAILERS wait for more (the others returned above).
      if (at === buf.length && this.state !== LENGTH && this.state !== CHUNK_DATA && this.state !== EOF) return;
    }
  }

  /** Status line and header section (RFC 9112 §4, §5): sets status, headers and the body's framing (§6.3). */
  private head(text: string): void {
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    const m = STATUS_LINE.exec(text.slice(0, eol));
    if (m === null) throw malformed('invalid status line');
    const status = Number(m[2]);
    const headers = Object.create(null) as Record<string, string>;
    const refused = readFields(text, eol + 2, (name, value) => {
      const prev = headers[name];
      headers[name] = prev === undefined ? value : `${prev}, ${value}`;
    });
    if (refused !== undefined) throw malformed(refused);
    if (status < 200) {
      // SPEC: RFC 9110 §15.2: 100 Continue, 102, 103 Early Hints are interim; the final response follows. No upgrade was asked for.
      if (status === 101) throw malformed('unexpected 101 Switching Protocols');
      this.state = HEAD;
      this.remaining = 0;
      return;
    }
    this.status = status;
    this.headers = headers;
    const http10 = m[1] === '0';
    let keepAlive = !this.req!.close && !connectionCloses(headers['connection'], http10);
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (status === 204 || status === 304) {
      this.state = LENGTH;
      this.remaining = 0;
    } else if (te !== undefined) {
      // SPEC: RFC 9112 §6.3 (3): Transfer-Encoding overrides Content-Length; chunked last means chunked, else read to close.
      // SECURITY: both present (or Transfer-Encoding on HTTP/1.0) is a framing conflict: the socket is not reused.
      if (cl !== undefined || http10) keepAlive = false;
      const codings = te.toLowerCase().split(',').map((t) => t.trim());
      const chunked = codings.filter((c) => c === 'chunked').length;
      if (chunked > 1 || (chunked === 1 && codings[codings.length - 1] !== 'chunked')) throw malformed('invalid Transfer-Encoding');
      if (chunked === 1) this.state = CHUNK_SIZE;
      else {
        this.state = EOF;
        keepAlive = false;
      }
    } else if (cl !== undefined) {
      // SPEC: RFC 9112 §6.3 (5): repeated identical values are one length; differing or non-numeric ones are refused.
      const values = cl.split(',');
      const first = values[0]!.trim();
      if (!DIGITS.test(first) || values.some((v) => v.trim() !== first)) throw malformed('invalid Content-Length');
      this.state = LENGTH;
      this.remaining = Number(first);
      if (this.remaining > this.pool.maxBytes) throw tooLarge(this.pool.maxBytes);
    } else {
      this.state = EOF;
      keepAlive = false;
    }
    this.keepAlive = keepAlive;
  }

  /** The response is complete: back to the pool (or closed) and resolved. */
  private finish(leftover: boolean): void {
    const req = this.req!;
    this.req = undefined;
    const r: TransportResponse = { status: this.status, body: joinChunks(this.chunks), headers: this.headers };
    this.chunks = [];
    this.size = 0;
    this.state = HEAD;
    this.remaining = 0;
    this.accLen = 0;
    this.scan = 0;
    // Extra bytes after a complete response (nothing was pipelined) mean the framing cannot be trusted.
    if (this.keepAlive && !leftover && !this.socket.destroyed) {
      this.reused = true;
      this.pool.release(this);
    } else this.pool.drop(this);
    // PERF: the responses of one turn are handed over together (turn-batch.ts).
    inTurnBatch(() => req.resolve(r));
  }
}

/** Idle keep-alive connections to one origin, newest on top (LIFO: warm sockets, and the oldest age out). */
class Pool {
  readonly idle: Connection[] = [];
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly connect: () => Socket,
    /** Largest response body accepted. */
    readonly maxBytes: number,
  ) {}

  fresh(): Connection {
    return new Connection(this.connect(), this);
  }

  acquire(): Connection {
    const now = Date.now();
    for (let c = this.idle.pop(); c !== undefined; c = this.idle.pop()) {
      if (!c.socket.destroyed && now - c.idleSince < IDLE_MS) {
        c.socket.ref();
        return c;
      }
      c.socket.destroy();
    }
    return this.fresh();
  }

  release(c: Connection): void {
    c.idleSince = Date.now();
    // Idle sockets never keep the process alive.
    c.socket.unref();
    this.idle.push(c);
    this.timer ??= setTimeout(() => this.sweep(), IDLE_MS).unref();
  }

  /** Closes and forgets a connection (idle or not). */
  drop(c: Connection): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    c.socket.destroy();
  }

  private sweep(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.idle.length > 0 && now - this.idle[0]!.idleSince >= IDLE_MS) this.idle.shift()!.socket.destroy();
    if (this.idle.length > 0) this.timer = setTimeout(() => this.sweep(), IDLE_MS - (now - this.idle[0]!.idleSince)).unref();
  }
}

/** What a request to `target` takes from its URL: the host name (an IPv6 literal without brackets), the path and query, and Basic credentials from the userinfo (RFC 7617), as node:http's ClientRequest derives them. */
export function requestTarget(target: URL): { hostname: string; path: string; authorization: string | undefined } {
  return {
    hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
    path: `${target.pathname}${target.search}`,
    authorization: target.username === '' && target.password === ''
      ? undefined
      : `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`)))}`,
  };
}

export interface Http1Options {
  /** Trusted CA certificates (PEM) for https, in place of node's default store. */
  ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Largest response body accepted (default unlimited); a longer one rejects with an Error of code `RESPONSE_TOO_LARGE`. */
  maxResponseBytes?: number;
}

/**
 * POSTs to `target` over HTTP/1.1 keep-alive connections made with node:net (http:) or node:tls (https:).
 * PERF: in place of node:http's ClientRequest / IncomingMessage / Agent. A 6 KB POST against a trivial node:http server,
 * 16 in flight, interleaved A/B medians (/tmp/hlp/tbench.mjs): client CPU 74 → 38 µs per request at ~2,250 req/s, and
 * 50 → 17 µs batched (13,400 → 28,500 req/s). `wssc serve` loopback echo (2 KiB, 16 in flight, A B A B, medians of
 * seconds 10-15 on a shared 2-core machine): client CPU 748 → 554 µs per request (686 → 1,245 req/s); in the quietest
 * pair 679 → 511 µs, 1,290 → 1,670 req/s.
 */
export function http1Transport(target: URL, modules: NetModules, options: Http1Options = {}): Transport {
  const https = target.protocol === 'https:';
  const { hostname: host, path, authorization: auth } = requestTarget(target);
  const port = target.port === '' ? (https ? 443 : 80) : Number(target.port);
  const hostHeader = target.host;
  const { net, tls } = modules;
  let connect: () => Socket;
  if (https) {
    if (tls === undefined) throw new TypeError('no node:tls here');
    const opts: { host: string; port: number; servername?: string; ALPNProtocols: string[]; ca?: unknown } = { host, port, ALPNProtocols: ['http/1.1'] };
    // SNI carries host names only (RFC 6066 §3).
    if (net.isIP(host) === 0) opts.servername = host;
    if (options.ca !== undefined) opts.ca = options.ca;
    connect = () => tls.connect(opts);
  } else connect = () => net.connect({ host, port });
  const pool = new Pool(connect, options.maxResponseBytes ?? Infinity);
  return (body, headers) => new Promise<TransportResponse>((resolve, reject) => {
    let head = `POST ${path} HTTP/1.1\r\n`;
    let hasHost = false;
    let hasAuth = false;
    let hasConnection = false;
    let close = false;
    for (const name of Object.keys(headers)) {
      const value = headers[name]!;
      const lower = name.toLowerCase();
      // SECURITY: the body's framing is ours; a caller's Content-Length or Transfer-Encoding is dropped.
      if (lower === 'content-length' || lower === 'transfer-encoding') continue;
      if (!TOKEN.test(name)) throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
      // SECURITY: no CR/LF reaches the wire (header injection), as node:http refuses them.
      if (BAD_VALUE.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
      if (lower === 'host') hasHost = true;
      else if (lower === 'authorization') hasAuth = true;
      else if (lower === 'connection') {
        hasConnection = true;
        close = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i.test(value);
      }
      head += `${name}: ${value}\r\n`;
    }
    if (!hasHost) head += `Host: ${hostHeader}\r\n`;
    if (auth !== undefined && !hasAuth) head += `Authorization: ${auth}\r\n`;
    if (!hasConnection) head += 'Connection: keep-alive\r\n';
    head += `Content-Length: ${body.length}\r\n\r\n`;
    pool.acquire().send({ head, body, close, resolve, reject });
  });
}
