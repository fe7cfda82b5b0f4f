// SOAP 1.2 Part 2 §7 / SOAP 1.1 §6 HTTP binding, service side: a node:http / node:https request listener around a secure-session service.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseSoapContentType } from '../wssc/session-envelope.js';
import { inTurnBatch } from './turn-batch.js';

/** What the handler needs of a service (SecureSessionService has it). */
export interface HttpService {
  handle(request: Uint8Array, headers: Record<string, string | string[] | undefined>): Promise<{ status: number; body: Uint8Array; contentType: string; action?: string; session?: string }>;
  readonly settings?: { maxMessageBytes: number };
}

export interface RequestLogEntry {
  method: string;
  action?: string;
  status: number;
  /** The session identifier's first 8 hex digits (enough to follow one session in a log; never the key). */
  session?: string;
  ms: number;
}

export interface RequestHandlerOptions {
  /** Request body cap in bytes; default the service's settings.maxMessageBytes, else 4 MiB. */
  maxBytes?: number;
  /** Called once per request with one formatted line (`POST <action> 200 1a2b3c4d 0.8ms`) and its fields. */
  log?: (line: string, entry: RequestLogEntry) => void;
}

/** `urn:uuid:1a2b3c4d-…` → `1a2b3c4d`. */
export function sessionPrefix(identifier: string | undefined): string | undefined {
  if (identifier === undefined) return undefined;
  const id = identifier.startsWith('urn:uuid:') ? identifier.slice(9) : identifier;
  return id.slice(0, 8);
}

export function formatLogLine(e: RequestLogEntry): string {
  return `${e.method} ${e.action ?? '-'} ${e.status} ${e.session ?? '-'} ${e.ms.toFixed(1)}ms`;
}

/**
 * Hands the request to `service.handle` in this turn's batch (turn-batch.ts) and `answer`s with its reply, or with a
 * 500 when it fails (a synchronous throw, from a service that is not an async function, included).
 */
export function answerInTurn(
  service: HttpService, body: Uint8Array, headers: Record<string, string | string[] | undefined>,
  answer: (status: number, body: Uint8Array | string, headers: string[], extra?: { action?: string; session?: string }) => void,
): void {
  // A plain Uint8Array view: the service must not meet Buffer's slice(), which does not copy.
  const request = new Uint8Array(body.buffer, body.byteOffset, body.length);
  inTurnBatch(() => {
    let reply: ReturnType<HttpService['handle']>;
    try {
      reply = service.handle(request, headers);
    } catch (err) {
      reply = Promise.reject(err);
    }
    reply.then((r) => answer(r.status, r.body, ['content-type', r.contentType], r), () => answer(500, 'internal error\n', ['content-type', 'text/plain']));
  });
}

/** The answer to a request the service is not asked about: not a POST (405), not a SOAP content type (415). */
export function admissionRefusal(method: string, headers: Record<string, string | string[] | undefined>): { status: number; body: string; headers: string[] } | undefined {
  if (method !== 'POST') return { status: 405, body: 'POST only\n', headers: ['allow', 'POST', 'content-type', 'text/plain'] };
  if (parseSoapContentType(headers) === undefined) return { status: 415, body: 'application/soap+xml or text/xml; charset=utf-8 only\n', headers: ['content-type', 'text/plain'] };
  return undefined;
}

/** The per-request log call of `log` (a no-op without one): method, status, when the request was read, the service's answer. */
export function requestLogger(log: RequestHandlerOptions['log']): (method: string, status: number, started: number, extra: { action?: string; session?: string } | undefined) => void {
  if (log === undefined) return () => {};
  return (method, status, started, extra) => {
    const entry: RequestLogEntry = { method, status, ms: performance.now() - started };
    if (extra?.action !== undefined) entry.action = extra.action;
    const prefix = sessionPrefix(extra?.session);
    if (prefix !== undefined) entry.session = prefix;
    log(formatLogLine(entry), entry);
  };
}

/**
 * A request listener: POST only (405), SOAP content types only (415), a body cap (413), then the service.
 * @example http.createServer(createRequestHandler(service, { log: (line) => console.error(line) })).listen(8080, '127.0.0.1')
 */
export function createRequestHandler(service: HttpService, options: RequestHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBytes = options.maxBytes ?? service.settings?.maxMessageBytes ?? 4 * 1024 * 1024;
  const logRequest = requestLogger(options.log);
  return (req, res) => {
    const started = performance.now();
    const method = req.method ?? '-';
    /** `headers`: name, value, name, value… (node writes such a list as it is, without a header object). */
    const finish = (status: number, body: Uint8Array | string, headers: string[], extra?: { action?: string; session?: string }): void => {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      headers.push('content-length', String(bytes.length));
      res.writeHead(status, headers);
      res.end(bytes);
      logRequest(method, status, started, extra);
    };
    const refusal = admissionRefusal(method, req.headers);
    if (refusal !== undefined) {
      req.resume();
      finish(refusal.status, refusal.body, refusal.headers);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = (): void => {
      // SECURITY: stop reading an oversized body; the connection closes so the rest is never buffered.
      finish(413, 'request too large\n', ['content-type', 'text/plain', 'connection', 'close']);
      req.destroy();
    };
    if (declared > maxBytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (chunk: Buffer) => {
      if (aborted) return;
      size += chunk.length;
      if (size > maxBytes) {
        aborted = true;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      aborted = true;
    });
    req.on('end', () => {
      if (aborted) return;
      answerInTurn(service, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), req.headers, finish);
    });
  };
}
