// SOAP 1.2 Part 2 §7 HTTP binding, client side, in the browser bundle: defaultTransport without the node:net client.

import { fetchTransport } from './fetch-transport.js';
import type { Transport } from '../wssc/session-transport.js';

/**
 * node-transport.ts's defaultTransport as it behaves where node:net is absent: fetch. The browser bundle resolves
 * node-transport.js to this file (scripts/build-browser.mjs), so the node:net HTTP/1.1 client it never reaches
 * there is not shipped.
 */
export function defaultTransport(url: string, _options: { maxResponseBytes?: number } = {}): Transport {
  return fetchTransport(url);
}
