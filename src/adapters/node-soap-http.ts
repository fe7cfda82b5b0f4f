// node-soap's IHttpClient (soap 1.x src/types.ts; ecosystem.md §1.1) without node-soap: the structural types, a fetch-based sender and the
// reply-opening wrapper both node-soap adapters (session and X.509 per message) share.
import { initSync } from '../crypto/index.js';
import { AdapterError, SessionError, SoapError, WsscError } from '../errors.js';
import { AddressingCollector, addressingXml, readAddressing, type AddressingHeaders } from '../soap/addressing.js';
import { WSA_ANONYMOUS, soapVersionOf } from '../soap/namespaces.js';
import { NamespaceSnapshot } from '../soap/scope.js';
import { applyEdits, endOfStartTag, insertChildEdits, type Edit } from '../soap/splice.js';
import type { NamespaceContext, XmlElement, XmlHandler } from '../xml/events.js';
import { XmlParser } from '../xml/parser.js';
import { newMessageId, readFault } from '../wssc/session-envelope.js';
import { faultError } from '../wssc/session-faults.js';

/** What node-soap's HttpClient resolves with (an axios response): the fields node-soap reads. */
export interface NodeSoapResponse {
  status: number;
  statusText?: string;
  headers: Record<string, unknown>;
  data: unknown;
  config?: unknown;
}

export type NodeSoapCallback = (err: unknown, response?: NodeSoapResponse, body?: unknown) => void;

/** node-soap's `IHttpClient.request` (the README's `request(rurl, data, callback, exheaders, exoptions)`, plus `caller`). */
export interface NodeSoapHttpClientLike {
  // node-soap types the result as an AxiosPromise and never reads it; `any` keeps this assignable to its IHttpClient.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request(rurl: string, data: any, callback: NodeSoapCallback, exheaders?: Record<string, any>, exoptions?: Record<string, any>, caller?: any): any;
}

export interface FetchSenderOptions {
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Extra RequestInit fields (dispatcher, credentials, …); method, body and headers are set per request. */
  init?: RequestInit;
}

/** The wasm core, when this runtime can compile it synchronously (elsewhere `auto` uses another provider). */
export function tryInitSync(): void {
  try {
    initSync();
  } catch {
    // A browser main thread: the caller awaited init() already, or `auto` falls back.
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export const utf8 = (s: string): Uint8Array => encoder.encode(s);
export const text = (b: Uint8Array): string => decoder.decode(b);

/** A response body as bytes: node-soap's HttpClient gives a string, or a Buffer with `parseResponseAttachments`. */
export function bodyBytes(body: unknown): Uint8Array {
  if (typeof body === 'string') return utf8(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return new Uint8Array(0);
}

/** The header named `name` (any case) of a node-soap header map. */
export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== want || v === undefined || v === null) continue;
    return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

/** The SOAP action node-soap put in the HTTP headers: SOAP 1.2 `Content-Type: …; action="…"`, else SOAP 1.1 `SOAPAction`. */
export function soapActionOf(headers: Record<string, unknown>): string | undefined {
  const ct = headerValue(headers, 'content-type');
  if (ct !== undefined) {
    for (const p of ct.split(';')) {
      const m = /^\s*action\s*=\s*"?([^"]*)"?\s*$/i.exec(p);
      if (m !== null && m[1] !== '') return m[1];
    }
  }
  const sa = headerValue(headers, 'soapaction')?.trim().replace(/^"|"$/g, '');
  return sa === undefined || sa === '' ? undefined : sa;
}

export interface Addressed {
  bytes: Uint8Array;
  messageId: string;
}

/** Thrown by HeadReader at the Body start tag: everything postProcess needs lies before it. */
const AT_BODY = Symbol('at body');
const HEAD_SLICE = 1024;

/** The Envelope and Header start tags with their scopes, and the WS-Addressing values, read up to the Body. */
class HeadReader implements XmlHandler {
  readonly addressing = new AddressingCollector();
  envelope: { el: XmlElement; scope: NamespaceSnapshot } | undefined;
  header: { el: XmlElement; scope: NamespaceSnapshot } | undefined;

  startElement(el: XmlElement, ns: NamespaceContext): void {
    const d = el.depth;
    if (d === 1) {
      if (el.local !== 'Envelope' || soapVersionOf(el.uri) === undefined) throw new SoapError('SOAP_ENVELOPE', `the root element ${el.name} is not a SOAP 1.1 or 1.2 Envelope`);
      this.envelope = { el, scope: NamespaceSnapshot.of(ns) };
    } else if (d === 2 && el.uri === this.envelope!.el.uri) {
      if (el.local === 'Body') throw AT_BODY;
      if (el.local === 'Header' && this.header === undefined) this.header = { el, scope: NamespaceSnapshot.of(ns) };
    }
    this.addressing.startElement(el, ns);
  }
  endElement(el: XmlElement): void {
    this.addressing.endElement(el);
  }
  text(t: string): void {
    this.addressing.text(t);
  }
  comment(): void {}
  processingInstruction(): void {}
}

/**
 * Adds the WS-Addressing headers WCF needs when the envelope lacks them (Action, MessageID, ReplyTo anonymous, To),
 * WCF's prefix and mustUnderstand on Action and To; headers already present are kept as they are.
 * SPEC: WCF dispatches on the signed wsa:Action and filters on wsa:To; the reply names the MessageID in RelatesTo.
 * PERF: the parse stops at the Body start tag (protectRequest parses and checks the whole envelope next): about
 * half the cost of a full read on node-soap's 2 KiB envelope (80 → 43 µs measured), a few % of protectRequest.
 */
export function withAddressing(xml: string, action: string | undefined, to: string): Addressed {
  const bytes = utf8(xml);
  const head = new HeadReader();
  let atBody = false;
  try {
    const parser = new XmlParser(head);
    // PERF: fed in slices, so that the text after the Body start tag is not even decoded.
    for (let at = 0; at < bytes.length; at += HEAD_SLICE) parser.write(bytes.subarray(at, at + HEAD_SLICE));
    parser.end();
  } catch (err) {
    if (err !== AT_BODY) throw err;
    atBody = true;
  }
  if (!atBody || head.envelope === undefined) throw new SoapError('SOAP_ENVELOPE', 'no Body in the envelope');
  const have: AddressingHeaders = {};
  for (const [k, v] of Object.entries(head.addressing.values)) have[k as keyof AddressingHeaders] = (v as string).trim();
  const missing: AddressingHeaders = {};
  if (have.action === undefined) {
    if (action === undefined) throw new AdapterError('ACTION_UNKNOWN', 'no SOAP action: none in the HTTP headers node-soap set, none in the envelope');
    missing.action = action;
  }
  const messageId = have.messageId ?? newMessageId();
  if (have.messageId === undefined) missing.messageId = messageId;
  if (have.replyTo === undefined) missing.replyTo = WSA_ANONYMOUS;
  if (have.to === undefined) missing.to = to;
  if (Object.keys(missing).length === 0) return { bytes, messageId };
  const env = head.envelope.el;
  const scope = (head.header ?? head.envelope).scope;
  const content = addressingXml(missing, env.uri, scope, { prefix: 'a', mustUnderstand: ['Action', 'To'] });
  let edits: Edit[];
  if (head.header !== undefined) edits = insertChildEdits(bytes, head.header.el, 'first', content);
  else {
    const p = env.prefix === '' ? '' : `${env.prefix}:`;
    edits = [{ at: endOfStartTag(bytes, env.byteStart), insert: `<${p}Header>${content}</${p}Header>` }];
  }
  return { bytes: applyEdits(bytes, edits), messageId };
}

/**
 * The requests an adapter protected last, by wire string, with their MessageID. PERF: node-soap hands the string
 * postProcess returned straight to the HTTP client, so the lookup is an identity hit and the protected message is
 * not parsed again; any other string is read for its (cleartext, signed) wsa:MessageID.
 */
export class RecentRequests {
  readonly #byXml = new Map<string, string>();
  readonly #max: number;
  constructor(max = 16) {
    this.#max = max;
  }
  remember(xml: string, messageId: string): void {
    this.#byXml.set(xml, messageId);
    if (this.#byXml.size > this.#max) this.#byXml.delete(this.#byXml.keys().next().value!);
  }
  /** The MessageID of a request; undefined when it carries none. */
  messageIdOf(data: unknown): string | undefined {
    if (typeof data === 'string') {
      const hit = this.#byXml.get(data);
      if (hit !== undefined) {
        this.#byXml.delete(data);
        return hit;
      }
    }
    try {
      return readAddressing(bodyBytes(data)).values.messageId;
    } catch {
      // Not an envelope the adapter made: no MessageID to hold a reply to.
      return undefined;
    }
  }
}

/**
 * The default sender: one fetch per request, shaped as node-soap's HttpClient answers (`status`, `headers`, `data`).
 * GET when `data` is null (node-soap fetches the WSDL through the same client). `exoptions.timeout` (ms) and
 * `exoptions.signal` are honoured. The reply body stays bytes (`data` is a Uint8Array) until it is opened.
 */
export function fetchSender(options: FetchSenderOptions = {}): NodeSoapHttpClientLike {
  return {
    request(rurl, data, callback, exheaders, exoptions) {
      const doFetch = options.fetch ?? globalThis.fetch;
      const headers: Record<string, string> = {};
      for (const src of [exheaders, exoptions?.['headers'] as Record<string, unknown> | undefined]) {
        if (src === undefined || src === null) continue;
        for (const [k, v] of Object.entries(src)) {
          // The fetch implementation sets these from the body and the URL.
          if (v === undefined || v === null || /^(content-length|host|connection)$/i.test(k)) continue;
          headers[k] = String(v);
        }
      }
      const timeout = exoptions?.['timeout'];
      const signals = [exoptions?.['signal'] as AbortSignal | undefined, typeof timeout === 'number' && timeout > 0 ? AbortSignal.timeout(timeout) : undefined].filter((s) => s !== undefined);
      const base = options.init?.headers === undefined ? {} : Object.fromEntries(new Headers(options.init.headers).entries());
      const init: RequestInit = { ...options.init, headers: { ...base, ...headers } };
      if (data === null || data === undefined) init.method = 'GET';
      else {
        init.method = 'POST';
        init.body = (typeof data === 'string' ? data : bodyBytes(data)) as BodyInit;
      }
      if (signals.length > 0) init.signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
      const done = doFetch(rurl, init).then(async (res) => {
        const out: Record<string, string> = {};
        res.headers.forEach((value, name) => {
          out[name] = value;
        });
        const bytes = new Uint8Array(await res.arrayBuffer());
        return { status: res.status, statusText: res.statusText, headers: out, data: init.method === 'GET' ? text(bytes) : bytes } satisfies NodeSoapResponse;
      });
      done.then((res) => callback(null, res, res.data), (err: unknown) => callback(err));
      return done;
    },
  };
}

/**
 * Wraps a sender so that every POST reply is opened by `open` before node-soap sees it: node-soap gets the
 * plaintext envelope string, or `err` = a typed WsscError. GETs (the WSDL) pass through. A non-200 reply is a fault
 * (SessionError by fault kind) or SessionError `HTTP_STATUS`; a transport failure is SessionError `TRANSPORT`.
 * SECURITY: no `requestStream` is offered, so node-soap never parses an unverified stream (it streams only when
 * the HTTP client has one).
 */
export interface ReplyOpener {
  /** Verifies and decrypts the reply to the request; returns the plaintext envelope. */
  open(bytes: Uint8Array): Uint8Array;
  /** Called instead of open() when there is nothing to open (transport failure, fault, HTTP error). */
  discard?(): void;
}

export function openingClient(inner: NodeSoapHttpClientLike, prepare: (data: unknown) => ReplyOpener): NodeSoapHttpClientLike {
  return {
    request(rurl, data, callback, exheaders, exoptions, caller) {
      if (data === null || data === undefined) return inner.request(rurl, data, callback, exheaders, exoptions, caller);
      let opener: ReplyOpener;
      try {
        opener = prepare(data);
      } catch (err) {
        queueMicrotask(() => callback(err));
        return undefined;
      }
      return inner.request(rurl, data, (err, response, body) => {
        let outcome: { err: unknown } | { response: NodeSoapResponse; xml: string };
        let opened = false;
        if (err !== null && err !== undefined) {
          const cause = err instanceof WsscError ? err : new SessionError('TRANSPORT', `the request failed: ${(err as Error)?.message ?? String(err)}`, { cause: err, retry: true });
          outcome = { err: cause };
        } else {
          try {
            const bytes = bodyBytes(body ?? response?.data);
            const status = response?.status ?? 200;
            if (status !== 200) {
              const fault = readFault(bytes);
              throw fault !== undefined ? faultError(fault) : new SessionError('HTTP_STATUS', `HTTP ${status}`, { retry: status === 503 });
            }
            opened = true;
            const xml = text(opener.open(bytes));
            outcome = { response: { ...response!, status, data: xml }, xml };
          } catch (e) {
            outcome = { err: e };
          }
        }
        if (!opened) opener.discard?.();
        // Outside the try: an exception in node-soap's own callback must not come back as a second callback.
        if ('err' in outcome) callback(outcome.err);
        else callback(null, outcome.response, outcome.xml);
      }, exheaders, exoptions, caller);
    },
  };
}
