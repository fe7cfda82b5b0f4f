// SOAP 1.2 Part 2 §7 HTTP binding, client side, on the WHATWG fetch API (Node >= 20, browsers, workers): no node: imports.
import type { Transport } from '../wssc/session-transport.js';

export type { Transport, TransportResponse } from '../wssc/session-transport.js';

export interface FetchTransportOptions {
  /** Extra RequestInit fields (credentials, signal, …); method, body and the SOAP headers are set here. */
  init?: RequestInit;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
}

/** A transport that POSTs each request to `url` (keep-alive is the fetch implementation's default). */
export function fetchTransport(url: string, options: FetchTransportOptions = {}): Transport {
  const doFetch = options.fetch ?? globalThis.fetch;
  return async (body, headers) => {
    const extra = options.init?.headers === undefined ? {} : Object.fromEntries(new Headers(options.init.headers).entries());
    const res = await doFetch(url, { ...options.init, method: 'POST', body: body as BodyInit, headers: { ...extra, ...headers } });
    const out = Object.create(null) as Record<string, string>; // a header may be named constructor or __proto__
    res.headers.forEach((value, name) => {
      out[name] = value;
    });
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), headers: out };
  };
}
