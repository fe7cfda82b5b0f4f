// node-soap plug-ins (soap 1.x ISecurity and IHttpClient) for the asymmetric path: WSS 1.1 X.509 per-message protection (WCF MutualCertificate /
// AnonymousForCertificate; bootstrap.ts) of every request, each reply opened with its request's state. The same shape as the session adapter.
import { AdapterError, SessionError } from '../errors.js';
import { readAddressing } from '../soap/addressing.js';
import {
  destroyBootstrapState, openBootstrapResponse, protectBootstrapRequest, type BootstrapClientOptions, type BootstrapClientState,
} from '../wssc/bootstrap.js';
import { fetchSender, openingClient, RecentRequests, soapActionOf, text, tryInitSync, withAddressing, type NodeSoapHttpClientLike } from './node-soap-http.js';
import type { NodeSoapHttpClientOptions } from './node-soap.js';

export interface NodeSoapX509Options extends BootstrapClientOptions {
  /** wsa:To of every request (the service URL). */
  to: string;
  /** Requests awaiting their reply whose keys are kept (default 1024); the oldest is wiped beyond it. */
  maxPending?: number;
}

/** node-soap's ISecurity for X.509 per-message protection. */
export interface NodeSoapX509Security {
  addHeaders(headers: Record<string, unknown>): void;
  toXML(): string;
  postProcess(xml: string, envelopeKey: string): string;
  /** Wipes the keys of every request still awaiting its reply. */
  destroy(): void;
}

interface Pending {
  states: Map<string, BootstrapClientState>;
  recent: RecentRequests;
  max: number;
}

const pendingOf = new WeakMap<NodeSoapX509Security, Pending>();

/**
 * Protects every request as WCF's MutualCertificate (or AnonymousForCertificate) binding does without a session: a
 * fresh key wrapped for the service certificate (RSA-OAEP), derived keys, HMAC signature, the client certificate's
 * endorsing RSA signature, encrypted Body and signature. The per-request key is kept until the reply is opened by
 * `nodeSoapX509HttpClient(security)`. Synchronous; the wasm core must be initialized first (`initSync()`).
 * @example client.setSecurity(nodeSoapX509Security({ to: url, mode: 'mutual-certificate', client, serviceCertificate }));
 */
export function nodeSoapX509Security(options: NodeSoapX509Options): NodeSoapX509Security {
  if (options.to === undefined || options.to === '') throw new AdapterError('ENDPOINT_UNKNOWN', 'pass options.to (the service URL): it is the signed wsa:To of every request');
  tryInitSync();
  const { to, maxPending, ...bootstrap } = options;
  const pending: Pending = { states: new Map(), recent: new RecentRequests(), max: maxPending ?? 1024 };
  let action: string | undefined;
  const security: NodeSoapX509Security = {
    addHeaders(headers) {
      action = soapActionOf(headers);
    },
    toXML: () => '',
    postProcess(xml) {
      const a = action;
      action = undefined;
      const { bytes, messageId } = withAddressing(xml, a, to);
      const { message, state } = protectBootstrapRequest(bytes, bootstrap);
      const old = pending.states.get(messageId);
      if (old !== undefined) destroyBootstrapState(old);
      pending.states.set(messageId, state);
      // SECURITY: requests never answered (sent with another HTTP client, or lost) do not keep keys forever.
      if (pending.states.size > pending.max) {
        const [oldestId, oldest] = pending.states.entries().next().value!;
        destroyBootstrapState(oldest);
        pending.states.delete(oldestId);
      }
      const out = text(message);
      pending.recent.remember(out, messageId);
      return out;
    },
    destroy() {
      for (const s of pending.states.values()) destroyBootstrapState(s);
      pending.states.clear();
    },
  };
  pendingOf.set(security, pending);
  return security;
}

/**
 * The node-soap HTTP client of the X.509 adapter: opens each reply with the state of the request it answers (its
 * DKTs must name that request's key, its SignatureConfirmations confirm that request's signatures, its Timestamp be
 * fresh, its RelatesTo be the request's MessageID), then wipes that state: a reply opens once.
 */
export function nodeSoapX509HttpClient(security: NodeSoapX509Security, options: NodeSoapHttpClientOptions = {}): NodeSoapHttpClientLike {
  const pending = pendingOf.get(security);
  if (pending === undefined) throw new TypeError('not a security object made by nodeSoapX509Security()');
  return openingClient(options.httpClient ?? fetchSender(options), (data) => {
    const messageId = pending.recent.messageIdOf(data);
    const state = messageId === undefined ? undefined : pending.states.get(messageId);
    if (messageId === undefined || state === undefined) throw new AdapterError('REQUEST_UNKNOWN', 'no pending X.509 request for this message (protected by another security object, answered already, or evicted)');
    pending.states.delete(messageId);
    return {
      open: (bytes) => {
        try {
          const envelope = openBootstrapResponse(bytes, state);
          // SECURITY: RelatesTo is signed; the SignatureConfirmations already bind the reply to this request.
          if (readAddressing(envelope).values.relatesTo !== messageId) throw new SessionError('REPLY_MISMATCH', 'the reply does not relate to the request');
          return envelope;
        } finally {
          destroyBootstrapState(state);
        }
      },
      discard: () => destroyBootstrapState(state),
    };
  });
}
