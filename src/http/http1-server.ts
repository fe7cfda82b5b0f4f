// RFC 9112 HTTP/1.1 server side (message framing §6, connection management §9) for the SOAP HTTP binding (SOAP 1.2 Part 2 §7): `wssc serve`'s listener, lighter than node:http.
import { STATUS_CODES } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { DIGITS, chunkSize, connectionCloses, readFields } from './message.js';
import { admissionRefusal, answerInTurn, requestLogger, type HttpService, type RequestHandlerOptions } from './node-handler.js';

export interface SoapHttpServerOptions extends RequestHandlerOptions {
  /** An idle keep-alive connection is closed after this long without a request (ms); default 5,000 (node:http's). */
  keepAliveTimeoutMs?: number;
  /** The request line and headers must arrive within this long of the request's first byte (ms); default 60,000; else 408. */
  headersTimeoutMs?: number;
  /** The whole request (headers and body) within this long of its first byte (ms); default 300,000; else 408. */
  requestTimeoutMs?: number;
  /** Cap on the request line and header section (bytes); default 16 KiB (node:http's); over it, 431. */
  maxHeaderBytes?: number;
}

/** A request as read off the connection: what the service needs. */
interface ParsedRequest {
  method: string;
  headers: Record<string, string>;
  /** HTTP/1.0 (keep-alive only when asked) or HTTP/1.1. */
  http10: boolean;
  /** The connection closes after this request's response. */
  close: boolean;
  /** Body framing. */
  length: number;
  chunked: boolean;
  continue100: boolean;
}

/** What every connection of a server shares. */
interface ServerContext {
  readonly service: HttpService;
  readonly maxBytes: number;
  readonly maxHeaderBytes: number;
  readonly keepAliveMs: number;
  readonly headersMs: number;
  readonly requestMs: number;
  readonly log: ReturnType<typeof requestLogger>;
  /** close() was called: every response closes its connection. */
  closing: boolean;
}

/** A refusal that ends the connection: the status and why (for the body). */
class Refused {
  constructor(readonly status: number, readonly reason: string) {}
}


const CR = 0x0d;
const LF = 0x0a;
const EMPTY = new Uint8Array(0);

/** The Date header, rebuilt at most once a second. */
let dateSecond = -1;
let dateLine = '';
function dateHeader(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateLine = `date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

/**
 * A SOAP endpoint on node:net: each connection reads one request at a time (pipelined requests wait, unread, in
 * the socket), hands POSTs of a SOAP content type to `service.handle`, and answers with Content-Length.
 * The same admission as createRequestHandler (405, 415, 413, one log line per request).
 *
 * SECURITY: strict framing, so no request can be read two ways (RFC 9112 §6.3, §11.2): Transfer-Encoding with
 * Content-Length, any coding but `chunked`, a Content-Length that is not digits or disagrees with another, obs-fold,
 * whitespace before a colon, bare CR or LF, control characters in a field, an HTTP/1.1 request without Host: 400 (or
 * 501, 505) and the connection closes. Bodies over `maxBytes` (413) and header sections over `maxHeaderBytes` (431)
 * are refused as they arrive, never buffered whole. A request must complete within `headersTimeoutMs` /
 * `requestTimeoutMs` of its first byte however slowly it trickles (408), so a slow client holds a connection for a
 * bounded time.
 *
 * Plain HTTP only: for HTTPS, put createRequestHandler on node:https.
 *
 * PERF: `wssc serve`'s 2 KiB echo, 16 requests in flight, client on the same two cores: 1,735 → 1,906 req/s
 * (medians of three 11 s runs each, node:http build and this one alternating); the service's CPU per request
 * ~540 → ~500 µs, and the client's less too (its replies carry fewer headers). node:http's request and response
 * objects, streams and timers cost the service ~15 µs of CPU directly; the rest went to protect and unprotect,
 * whose code and data node:http's evicted between requests.
 */
export class SoapHttpServer {
  readonly server: Server;
  readonly #context: ServerContext;
  readonly #connections = new Set<Connection>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(service: HttpService, options: SoapHttpServerOptions = {}) {
    this.#context = {
      service,
      maxBytes: options.maxBytes ?? service.settings?.maxMessageBytes ?? 4 * 1024 * 1024,
      maxHeaderBytes: options.maxHeaderBytes ?? 16 * 1024,
      keepAliveMs: options.keepAliveTimeoutMs ?? 5_000,
      headersMs: options.headersTimeoutMs ?? 60_000,
      requestMs: options.requestTimeoutMs ?? 300_000,
      log: requestLogger(options.log),
      closing: false,
    };
    // allowHalfOpen: a client that half-closes after its requests still gets the answers.
    this.server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.#accept(socket));
  }

  /** Listens on `port` (0: any free port) and `host` (default 127.0.0.1). */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting connections; idle ones close now, busy ones after their response; resolves once all are closed. */
  close(): Promise<void> {
    this.#context.closing = true;
    for (const c of this.#connections) if (!c.busy) c.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    const ctx = this.#context;
    if (ctx.closing) {
      socket.destroy();
      return;
    }
    const c = new Connection(socket, ctx);
    this.#connections.add(c);
    socket.on('close', () => {
      this.#connections.delete(c);
      if (this.#connections.size === 0 && this.#sweeper !== undefined) {
        clearInterval(this.#sweeper);
        this.#sweeper = undefined;
      }
    });
    // PERF: one timer for every connection's deadlines, not one armed and cleared per request.
    if (this.#sweeper === undefined) {
      const every = Math.max(10, Math.min(1000, Math.floor(Math.min(ctx.keepAliveMs, ctx.headersMs, ctx.requestMs) / 4)));
      this.#sweeper = setInterval(() => {
        const now = performance.now();
        for (const conn of this.#connections) conn.checkDeadline(now);
      }, every);
      this.#sweeper.unref();
    }
  }
}

/** One client connection: bytes in, one request at a time, responses out in order. */
class Connection {
  busy = false;
  readonly socket: Socket;
  readonly #ctx: ServerContext;
  /** Bytes read and not yet consumed. */
  #buf: Buffer | null = null;
  #request: ParsedRequest | null = null;
  /** Body bytes of the current request so far (chunked: decoded chunks). */
  #body: Buffer[] = [];
  #bodySize = 0;
  /** Chunked decoding: bytes left in the current chunk (-1: a size line is next; -2: the trailer section). */
  #chunkLeft = -1;
  /** Header bytes already searched for the end of the section. */
  #scanned = 0;
  #requestStart = -1;
  #idleSince: number;
  #ended = false;
  /** The connection is closing: nothing more is read from it. */
  #done = false;
  /** Since when a written response waits for the client to read it (-1: not waiting). */
  #drainingSince = -1;

  constructor(socket: Socket, ctx: ServerContext) {
    this.socket = socket;
    this.#ctx = ctx;
    this.#idleSince = performance.now();
    socket.on('data', (d: Buffer) => this.#onData(d));
    socket.on('error', () => socket.destroy());
    socket.on('end', () => {
      // A half-closed client gets the answers to the requests it sent; then the connection ends.
      this.#ended = true;
      if (!this.busy && !this.#done) this.#advance();
    });
  }

  checkDeadline(now: number): void {
    if (this.#done || this.socket.destroyed) return;
    if (this.#drainingSince >= 0 && now - this.#drainingSince >= this.#ctx.requestMs) this.socket.destroy();
    if (this.busy) return;
    const l = this.#ctx;
    if (this.#requestStart < 0) {
      if (now - this.#idleSince >= l.keepAliveMs) this.socket.destroy();
      return;
    }
    const headersPending = this.#request === null;
    if ((headersPending && now - this.#requestStart >= l.headersMs) || now - this.#requestStart >= l.requestMs) this.#refuse(new Refused(408, 'request timeout'));
  }

  #onData(d: Buffer): void {
    if (this.#done) return;
    if (this.busy) {
      // Pipelined bytes wait for the response in progress (paused, so at most one read's worth).
      this.#buf = this.#buf === null ? d : Buffer.concat([this.#buf, d]);
      this.socket.pause();
      return;
    }
    this.#buf = this.#buf === null || this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
    this.#advance();
  }

  /** Reads as far as the bytes go: headers, then body, then dispatch. */
  #advance(): void {
    try {
      while (!this.busy && !this.#done && this.#buf !== null && this.#buf.length > 0 && !this.socket.destroyed) {
        if (this.#requestStart < 0) this.#requestStart = performance.now();
        if (this.#request === null && !this.#readHead()) break;
        if (!this.#readBody()) break;
        this.#dispatch();
      }
    } catch (err) {
      this.#refuse(err instanceof Refused ? err : new Refused(400, 'bad request'));
      return;
    }
    // A client that has half-closed sends nothing more: an incomplete request will stay so.
    if (this.#ended && !this.busy && !this.#done) this.#close();
  }

  /** Parses the request line and headers once they are all here (RFC 9112 §2.2, §3, §5). */
  #readHead(): boolean {
    let buf = this.#buf!;
    if (this.#scanned === 0) {
      // SPEC: RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
      let start = 0;
      while (start + 1 < buf.length && buf[start] === CR && buf[start + 1] === LF) start += 2;
      if (start > 0) this.#buf = buf = buf.subarray(start);
      if (buf.length === 0 || (buf.length === 1 && buf[0] === CR)) return false;
    }
    // PERF/SECURITY: only the bytes not yet looked at are searched, so a request trickling in a byte at a time costs
    // linear time, not quadratic.
    const from = Math.max(0, this.#scanned - 3);
    const end = buf.indexOf('\r\n\r\n', from, 'latin1');
    const cap = this.#ctx.maxHeaderBytes;
    if (end < 0) {
      // The section's end (CRLF CRLF) may have partly arrived: up to 3 of its bytes are not the section's.
      if (buf.length > cap + 3) throw new Refused(431, 'header section too large');
      checkLineEnds(buf, Math.max(0, this.#scanned - 1));
      this.#scanned = buf.length;
      return false;
    }
    if (end > cap) throw new Refused(431, 'header section too large');
    const head = buf.toString('latin1', 0, end);
    this.#buf = buf.subarray(end + 4);
    this.#scanned = 0;
    this.#request = parseHead(head);
    const r = this.#request;
    if (r.length > this.#ctx.maxBytes) throw new Refused(413, 'request too large');
    this.#chunkLeft = -1;
    if (r.continue100 && this.#buf.length === 0 && (r.length > 0 || r.chunked)) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    return true;
  }

  /** Collects the body (Content-Length or chunked, RFC 9112 §6, §7.1); true once complete. */
  #readBody(): boolean {
    const r = this.#request!;
    let buf = this.#buf!;
    const max = this.#ctx.maxBytes;
    if (!r.chunked) {
      const need = r.length - this.#bodySize;
      if (buf.length < need) {
        if (buf.length > 0) this.#take(buf, buf.length);
        this.#buf = null;
        return false;
      }
      this.#take(buf, need);
      this.#buf = buf.subarray(need);
      return true;
    }
    // #chunkLeft: -1 a chunk-size line is next, -2 the trailer section, -3 the CRLF after chunk data, n > 0 data left.
    for (;;) {
      const state = this.#chunkLeft;
      if (state === -1) {
        // chunk-size [ chunk-ext ] CRLF
        const eol = buf.indexOf('\r\n', 0, 'latin1');
        if (eol < 0) {
          if (buf.length > 1024) throw new Refused(400, 'chunk size line too long');
          this.#buf = buf;
          return false;
        }
        const size = chunkSize(buf.toString('latin1', 0, eol));
        if (size === undefined) throw new Refused(400, 'malformed chunk size');
        if (this.#bodySize + size > max) throw new Refused(413, 'request too large');
        buf = buf.subarray(eol + 2);
        this.#chunkLeft = size === 0 ? -2 : size;
      } else if (state === -2) {
        // trailer-section CRLF: the fields are checked and dropped (never merged into the headers), the section capped.
        if (buf.length >= 2 && buf[0] === CR && buf[1] === LF) {
          this.#buf = buf.subarray(2);
          return true;
        }
        const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
        if (end < 0) {
          if (buf.length > this.#ctx.maxHeaderBytes + 3) throw new Refused(431, 'trailer section too large');
          this.#buf = buf;
          return false;
        }
        const refused = readFields(buf.toString('latin1', 0, end), 0, () => {});
        if (refused !== undefined) throw new Refused(400, refused);
        this.#buf = buf.subarray(end + 4);
        return true;
      } else if (state === -3) {
        if (buf.length < 2) {
          this.#buf = buf;
          return false;
        }
        if (buf[0] !== CR || buf[1] !== LF) throw new Refused(400, 'chunk data not followed by CRLF');
        buf = buf.subarray(2);
        this.#chunkLeft = -1;
      } else {
        if (buf.length === 0) {
          this.#buf = buf;
          return false;
        }
        const n = Math.min(state, buf.length);
        this.#take(buf, n);
        buf = buf.subarray(n);
        this.#chunkLeft = state === n ? -3 : state - n;
      }
    }
  }

  #take(buf: Buffer, n: number): void {
    this.#body.push(n === buf.length ? buf : buf.subarray(0, n));
    this.#bodySize += n;
  }

  #dispatch(): void {
    const r = this.#request!;
    const chunks = this.#body;
    const body = chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#bodySize);
    this.#request = null;
    this.#body = [];
    this.#bodySize = 0;
    this.#requestStart = -1;
    this.busy = true;
    const started = performance.now();
    const refusal = admissionRefusal(r.method, r.headers);
    if (refusal !== undefined) {
      this.#respond(r, refusal.status, refusal.body, refusal.headers, started, undefined);
      return;
    }
    answerInTurn(this.#ctx.service, body, r.headers, (status, bytes, headers, extra) => this.#respond(r, status, bytes, headers, started, extra));
  }

  #respond(r: ParsedRequest, status: number, body: Uint8Array | string, headers: string[], started: number, extra: { action?: string; session?: string } | undefined): void {
    const close = r.close || this.#ctx.closing || (this.#ended && (this.#buf === null || this.#buf.length === 0));
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n${dateHeader()}`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    head += `content-length: ${bytes.length}\r\n${close ? 'connection: close\r\n' : r.http10 ? 'connection: keep-alive\r\n' : ''}\r\n`;
    const s = this.socket;
    if (!s.destroyed) {
      s.cork();
      s.write(head, 'latin1');
      if (r.method !== 'HEAD' && bytes.length > 0) s.write(bytes);
      s.uncork();
    }
    this.#ctx.log(r.method, status, started, extra);
    if (close) {
      this.#close();
      return;
    }
    // SECURITY: backpressure: nothing more is read while a response waits in memory for a client that does not
    // read (pipelined requests would otherwise pile their responses up without bound); the wait is bounded by
    // requestTimeoutMs like a request's.
    if (s.writableNeedDrain) {
      this.#drainingSince = performance.now();
      s.once('drain', () => this.#next());
      return;
    }
    this.#next();
  }

  /** The response is out: on to the next request, if any. */
  #next(): void {
    this.#drainingSince = -1;
    this.busy = false;
    this.#idleSince = performance.now();
    const s = this.socket;
    if (s.destroyed || this.#done) return;
    if (s.isPaused()) s.resume();
    if (this.#buf !== null && this.#buf.length > 0) this.#advance();
    else if (this.#ended) this.#close();
  }

  /** Ends the connection after what was written; SECURITY: nothing more is read from it. */
  #close(): void {
    this.#done = true;
    this.busy = false;
    const s = this.socket;
    s.pause();
    s.removeAllListeners('data');
    s.end();
    s.destroySoon();
  }

  /** Answers `refused` and closes: the rest of the connection cannot be read reliably after it. */
  #refuse(refused: Refused): void {
    const method = this.#request?.method ?? '-';
    const started = this.#requestStart < 0 ? performance.now() : this.#requestStart;
    this.#buf = null;
    this.#body = [];
    this.#request = null;
    this.#scanned = 0;
    this.#done = true;
    const s = this.socket;
    if (s.destroyed) return;
    const body = `${refused.reason}\n`;
    s.write(`HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status] ?? 'Unknown'}\r\n${dateHeader()}content-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`, 'latin1');
    this.#close();
    this.#ctx.log(method, refused.status, started, undefined);
  }
}

/** SECURITY: a LF without its CR (or a CR without its LF) is refused at once, not waited on until the caps. */
function checkLineEnds(buf: Buffer, from: number): void {
  for (let i = buf.indexOf(LF, from); i >= 0; i = buf.indexOf(LF, i + 1)) if (i === 0 || buf[i - 1] !== CR) throw new Refused(400, 'bare LF');
  for (let i = buf.indexOf(CR, from); i >= 0 && i + 1 < buf.length; i = buf.indexOf(CR, i + 1)) if (buf[i + 1] !== LF) throw new Refused(400, 'bare CR');
}

/** Request line and header fields (RFC 9112 §3, §5; RFC 9110 §5.5), with framing decided (§6.1–§6.3). */
function parseHead(head: string): ParsedRequest {
  const eol = head.indexOf('\r\n');
  const line = eol < 0 ? head : head.slice(0, eol);
  // request-line = method SP request-target SP HTTP-version
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/.exec(line);
  if (m === null) throw new Refused(400, 'malformed request line');
  // SPEC: RFC 9112 §2.3: a later 1.x minor version is served as HTTP/1.1; another major version is refused.
  if (m[3] !== '1') throw new Refused(505, 'HTTP/1.1 or HTTP/1.0 only');
  const http10 = m[4] === '0';
  const headers = Object.create(null) as Record<string, string>;
  if (eol >= 0) parseFields(head, eol + 2, headers);
  if (!http10 && headers['host'] === undefined) throw new Refused(400, 'HTTP/1.1 request without Host');
  const close = connectionCloses(headers['connection'], http10);
  const te = headers['transfer-encoding'];
  const cl = headers['content-length'];
  let length = 0;
  let chunked = false;
  if (te !== undefined) {
    // SECURITY: RFC 9112 §6.3 item 3: both framings in one request is how requests are smuggled; refuse it.
    if (cl !== undefined) throw new Refused(400, 'Transfer-Encoding and Content-Length together');
    if (http10) throw new Refused(400, 'Transfer-Encoding in an HTTP/1.0 request');
    if (te.toLowerCase() !== 'chunked') throw new Refused(501, 'only the chunked transfer coding is supported');
    chunked = true;
  } else if (cl !== undefined) {
    if (!DIGITS.test(cl)) throw new Refused(400, 'malformed Content-Length');
    length = Number(cl);
  }
  const expect = headers['expect'];
  let continue100 = false;
  if (expect !== undefined) {
    if (expect.toLowerCase() !== '100-continue') throw new Refused(417, 'only 100-continue is expected');
    continue100 = !http10;
  }
  return { method: m[1]!, headers, http10, close, length, chunked, continue100 };
}

/**
 * The header fields (readFields) into `into`. Repeated fields join with ", " (RFC 9110 §5.3), but Content-Length
 * must repeat the same value and Content-Type, Host and Transfer-Encoding must not repeat.
 */
function parseFields(section: string, from: number, into: Record<string, string>): void {
  const refused = readFields(section, from, (name, value) => {
    const prior = into[name];
    if (prior === undefined) into[name] = value;
    else if (name === 'content-length') {
      if (prior !== value) throw new Refused(400, 'conflicting Content-Length');
    } else if (name === 'content-type' || name === 'host' || name === 'transfer-encoding') throw new Refused(400, `repeated ${name}`);
    else into[name] = `${prior}, ${value}`;
  });
  if (refused !== undefined) throw new Refused(400, refused);
}

