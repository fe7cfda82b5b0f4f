// node-soap plug-ins (soap 1.x ISecurity and IHttpClient; ecosystem.md §1.1) over a WS-SecureConversation session: postProcess protects each
// request with the session key, the HTTP client opens each reply before node-soap parses it. node-soap stays the caller's dependency.
import { AdapterError } from '../errors.js';
import type { OpenedReply } from '../wssc/session-client.js';
import {
  fetchSender, openingClient, RecentRequests, soapActionOf, text, tryInitSync, withAddressing,
  type FetchSenderOptions, type NodeSoapHttpClientLike,
} from './node-soap-http.js';

export type { FetchSenderOptions, NodeSoapCallback, NodeSoapHttpClientLike, NodeSoapResponse } from './node-soap-http.js';
export { nodeSoapX509HttpClient, nodeSoapX509Security, type NodeSoapX509Options, type NodeSoapX509Security } from './node-soap-x509.js';

/** What the adapters use of a SecureSessionClient (an established one; any object of this shape will do). */
export interface NodeSoapSession {
  protectRequest(envelope: Uint8Array): Uint8Array;
  openReply(bytes: Uint8Array, messageId?: string): OpenedReply;
  renew(): Promise<void>;
  cancel(): Promise<void>;
  destroy(): void;
  readonly needsRenewal?: boolean;
  /** The service URL, when the session exposes it (the default wsa:To). */
  readonly endpoint?: string;
}

export interface NodeSoapSecurityOptions {
  /** wsa:To of every request (the service URL, as WCF's address filter expects); default the session's endpoint. */
  to?: string;
  /**
   * Start a renewal in the background when the session says its key is due (default true). node-soap's hooks are
   * synchronous, so the request that notices goes out under the current key (still valid: renewal is due before
   * expiry) and later ones use the new key.
   */
  autoRenew?: boolean;
  /** A background renewal failed (default: ignored; the next calls still use the current key until it expires). */
  onRenewError?: (err: unknown) => void;
}

/** node-soap's ISecurity, plus the session's lifetime operations. */
export interface NodeSoapSecurity {
  addHeaders(headers: Record<string, unknown>): void;
  toXML(): string;
  postProcess(xml: string, envelopeKey: string): string;
  /** RST/SCT/Renew (replies to requests sent under the old key still open during the rollover window). */
  renew(): Promise<void>;
  /** RST/SCT/Cancel, then the keys are wiped; the adapter cannot be used afterwards. */
  cancel(): Promise<void>;
  /** Wipes the keys without telling the service. */
  destroy(): void;
}

export interface NodeSoapHttpClientOptions extends FetchSenderOptions {
  /** Sends the requests (e.g. node-soap's `new HttpClient()`); default a fetch-based sender. */
  httpClient?: NodeSoapHttpClientLike;
}

/** The requests each session's security object protected (the HTTP client looks their MessageID up here). */
const recent = new WeakMap<NodeSoapSession, RecentRequests>();

function recentOf(session: NodeSoapSession): RecentRequests {
  let r = recent.get(session);
  if (r === undefined) recent.set(session, (r = new RecentRequests()));
  return r;
}

/**
 * A node-soap security object that protects every request with the secure session (Timestamp, derived keys,
 * HMAC signature, encrypted Body and signature). Synchronous throughout, as node-soap requires: the session must
 * be established (`await SecureSessionClient.establish(…)`), and the wasm core initialized (`initSync()`), before
 * the first call. Pair it with `nodeSoapHttpClient(session)`, which opens the replies.
 * @example client.setSecurity(nodeSoapSecurity(session, { to: url }));
 */
export function nodeSoapSecurity(session: NodeSoapSession, options: NodeSoapSecurityOptions = {}): NodeSoapSecurity {
  tryInitSync();
  const to = options.to ?? session.endpoint;
  if (to === undefined || to === '') throw new AdapterError('ENDPOINT_UNKNOWN', 'pass options.to (the service URL): it is the signed wsa:To of every request');
  const remembered = recentOf(session);
  // node-soap calls addHeaders and then postProcess for the same request with nothing in between (one
  // synchronous run of Client._invoke), so the action seen last belongs to the envelope being processed.
  let action: string | undefined;
  let renewing = false;
  const maybeRenew = (): void => {
    if (options.autoRenew === false || renewing || session.needsRenewal !== true) return;
    renewing = true;
    session.renew().then(
      () => void (renewing = false),
      (err: unknown) => {
        renewing = false;
        options.onRenewError?.(err);
      },
    );
  };
  return {
    addHeaders(headers) {
      action = soapActionOf(headers);
    },
    // node-soap may call toXML() twice per request: no side effects. The header content comes from postProcess.
    toXML: () => '',
    postProcess(xml) {
      const a = action;
      action = undefined;
      maybeRenew();
      const { bytes, messageId } = withAddressing(xml, a, to);
      const out = text(session.protectRequest(bytes));
      remembered.remember(out, messageId);
      return out;
    },
    renew: () => session.renew(),
    cancel: () => session.cancel(),
    destroy: () => session.destroy(),
  };
}

/**
 * A node-soap HTTP client (`createClientAsync(wsdl, { httpClient })`) that sends each request and opens the reply
 * with the session before node-soap parses it: verified, decrypted, fresh, not replayed and relating to the request
 * (its wsa:MessageID). node-soap gets the plaintext envelope, or `err` = SessionError (faults, stale, replayed or
 * unrelated replies, HTTP errors), SignatureError, DecryptionError or another WsscError. No `requestStream`: node-soap
 * falls back to request() even with `stream: true`, so nothing unverified is ever parsed.
 */
export function nodeSoapHttpClient(session: NodeSoapSession, options: NodeSoapHttpClientOptions = {}): NodeSoapHttpClientLike {
  const remembered = recentOf(session);
  return openingClient(options.httpClient ?? fetchSender(options), (data) => {
    const messageId = remembered.messageIdOf(data);
    // SECURITY: without a MessageID no reply can be tied to its request; refuse rather than open any reply.
    if (messageId === undefined) throw new AdapterError('REQUEST_UNKNOWN', 'the request has no wsa:MessageID: was it protected by nodeSoapSecurity()?');
    return { open: (bytes) => session.openReply(bytes, messageId).envelope };
  });
}
