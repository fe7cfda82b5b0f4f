// SOAP 1.2 Part 2 §7 HTTP binding, client side, on node:net / node:tls, or node:http / node:https with a caller's agent (looked up
// at run time: no static `node:` import, so browser bundles keep only the fetch transport).
import type { Transport, TransportResponse } from '../wssc/session-transport.js';
import { fetchTransport } from './fetch-transport.js';
import { http1Transport, joinChunks, requestTarget, tooLarge, type Http1Options, type NetModules } from './http1-client.js';

interface NodeResponse {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', fn: (chunk: Uint8Array) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
}
interface NodeRequest {
  on(event: 'error', fn: (err: Error) => void): unknown;
  end(body: Uint8Array): unknown;
  destroy(): unknown;
}
interface NodeRequestOptions {
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
  method: 'POST';
  /** Name, value, name, value…: written as given (Host and Content-Length included), no per-header setHeader(). */
  headers: string[];
  agent?: unknown;
}
interface NodeHttp {
  request(options: NodeRequestOptions, onResponse: (res: NodeResponse) => void): NodeRequest;
}

export interface NodeHttpTransportOptions {
  /**
   * An http.Agent / https.Agent (its TLS options, CA, proxy…): requests then go through node:http / node:https with it.
   * Without one, the transport keeps its own pool of keep-alive sockets (idle ones closed after 4 s, never keeping the
   * process alive).
   */
  agent?: unknown;
  /** https without an agent: the trusted CA certificates (PEM), in place of node's default store. Not allowed with `agent`. */
  ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /**
   * Largest response body accepted (default unlimited). SECURITY: a longer one is refused as it arrives (the connection
   * closed, nothing more buffered) with an Error of code `RESPONSE_TOO_LARGE`; the session client sets its maxMessageBytes.
   */
  maxResponseBytes?: number;
}

function builtin<T = NodeHttp>(id: string): T | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return get?.(id) as T | undefined;
}

/** node's IncomingMessage headers as one string per name (repeated headers joined with `, `). */
function joinedHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const h = Object.create(null) as Record<string, string>; // a header may be named constructor or __proto__
  for (const name of Object.keys(raw)) {
    const v = raw[name];
    if (v !== undefined) h[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return h;
}

/**
 * A transport that POSTs each request to `url` over its own HTTP/1.1 keep-alive connections (node:net / node:tls, see
 * http1-client.ts), or with node:http / node:https through `options.agent` when one is given.
 * Redirects are not followed (a non-200 status reaches the client as is). Throws where node:net (node:tls) is absent.
 * The two PERF notes below measured the node:http path, now taken only with an agent.
 * PERF: `wssc serve` loopback echo (2 KiB, 16 in flight), interleaved A/B medians against fetch: client CPU 1623 → 1122 µs
 * per request, 681 → 940 req/s; a bare 6 KB loopback POST costs the client 54 µs of CPU here against 370 µs through fetch.
 * PERF: the URL is read once (node would run urlToHttpOptions per request), the headers go to node as a flat array
 * (written as they are, no setHeader() per header and no header object) and the response headers are only
 * gathered when read: a 6 KB POST against a trivial node:http server, 16 in flight, at ~2,000 req/s, client CPU
 * 79 → 64 µs per request (interleaved medians of two 10-round runs; 53 → 47 µs batched at ~22,000 req/s).
 */
export function nodeHttpTransport(url: string, options: NodeHttpTransportOptions = {}): Transport {
  const target = new URL(url);
  if (options.agent === undefined && (target.protocol === 'http:' || target.protocol === 'https:')) {
    const net = builtin<NetModules['net']>('node:net');
    const tls = target.protocol === 'https:' ? builtin<NetModules['tls']>('node:tls') : undefined;
    if (net === undefined || (target.protocol === 'https:' && tls === undefined)) throw new TypeError(`no node:net transport for ${target.protocol} here`);
    const http1: Http1Options = {};
    if (options.ca !== undefined) http1.ca = options.ca;
    if (options.maxResponseBytes !== undefined) http1.maxResponseBytes = options.maxResponseBytes;
    return http1Transport(target, { net, tls }, http1);
  }
  if (options.ca !== undefined) throw new TypeError('nodeHttpTransport: give the CA to the agent, not next to it');
  const mod = target.protocol === 'https:' ? builtin('node:https') : target.protocol === 'http:' ? builtin('node:http') : undefined;
  if (mod === undefined) throw new TypeError(`no node:http transport for ${target.protocol} here`);
  // What node's urlToHttpOptions gives and ClientRequest adds when the caller does not (Host, Basic credentials from
  // the URL), computed once.
  const { hostname, path, authorization: auth } = requestTarget(target);
  const port = target.port === '' ? undefined : Number(target.port);
  const agent = options.agent;
  const maxBytes = options.maxResponseBytes ?? Infinity;
  return (body, headers) => new Promise<TransportResponse>((resolve, reject) => {
    const list: string[] = [];
    let host = false;
    let authorization = false;
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (lower === 'content-length') continue;
      if (lower === 'host') host = true;
      else if (lower === 'authorization') authorization = true;
      list.push(name, headers[name]!);
    }
    if (!host) list.push('Host', target.host);
    if (auth !== undefined && !authorization) list.push('Authorization', auth);
    list.push('content-length', String(body.length));
    const opts: NodeRequestOptions = { protocol: target.protocol, hostname, port, path, method: 'POST', headers: list };
    if (agent !== undefined) opts.agent = agent;
    const req = mod.request(opts, (res) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      res.on('data', (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy();
          reject(tooLarge(maxBytes));
        }
      });
      res.on('error', reject);
      res.on('end', () => {
        let h: Record<string, string> | undefined;
        resolve({
          status: res.statusCode ?? 0,
          body: joinChunks(chunks),
          get headers() {
            return (h ??= joinedHeaders(res.headers));
          },
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** node:net (node:tls) where it exists and the URL is http: or https:, else fetch (browsers, workers, edge runtimes). */
export function defaultTransport(url: string, options: { maxResponseBytes?: number } = {}): Transport {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return fetchTransport(url); // fails at request time, as it always did
  }
  if ((protocol === 'http:' || protocol === 'https:') && builtin('node:net') !== undefined && (protocol === 'http:' || builtin('node:tls') !== undefined)) {
    return nodeHttpTransport(url, options);
  }
  return fetchTransport(url);
}
