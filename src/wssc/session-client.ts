// WS-SecureConversation 1.3 §3-§8 client side (WCF SecuritySessionClientSettings; protocol.md §1, §4.3): establish, call, renew, cancel.
import { auto } from '../crypto/auto.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { SessionError, WsSecurityError } from '../errors.js';
import { defaultTransport } from '../http/node-transport.js';
import type { SoapVersion } from '../soap/namespaces.js';
import { protectBootstrapRequestAsync } from './bootstrap.js';
import { MemoryReplayCache } from './replay-cache.js';
import { checkTimestampInstants, clockMs, monotonicClock } from './session-clock.js';
import { defaultCodec, SUITE_KEY_SIZE, type BootstrapClientOptions, type SessionCodec, type SessionToken, type SuiteName, type TokenLookup } from './session-codec.js';
import { bodyScope, buildEnvelope, newMessageId, readEnvelope, readFault, soapHttpHeaders } from './session-envelope.js';
import { faultError } from './session-faults.js';
import { computeSessionKey, generateClientEntropy, type EntropyMode, type SessionKey } from './session-key.js';
import type { Transport, TransportResponse } from './session-transport.js';
import { clientSettings, replayTtlMs, type ClientSettings } from './settings.js';
import { sctExternalReference } from './token-reference.js';
import { buildCancelRequest, buildIssueRequest, buildRenewRequest, parseResponse } from './trust-messages.js';
import { wsscVersion, type WsscVersion, type WsscVersionName } from './versions.js';

export type RequestKind = 'issue' | 'call' | 'renew' | 'cancel';

export interface SecureSessionClientOptions {
  /** The service URL(s): the first one issues the token; calls go round-robin over all of them. */
  url?: string | string[];
  /** Instead of URLs: transports (same round-robin). */
  transport?: Transport | Transport[];
  /** Default 'feb2005' (wsHttpBinding); '1.3' for ws2007HttpBinding. */
  version?: WsscVersion | WsscVersionName;
  /** Default basic256. */
  suite?: SuiteName;
  /** The X.509 bootstrap of the RST (mutual-certificate or anonymous-for-certificate). */
  bootstrap: BootstrapClientOptions;
  /** Default combined (WCF). */
  entropyMode?: EntropyMode;
  /** Default SOAP 1.2 (wsHttpBinding). */
  soap?: SoapVersion;
  /** Default 'message'; 'transport' over HTTPS (SCT key signs the Timestamp). */
  mode?: 'message' | 'transport';
  settings?: Partial<ClientSettings>;
  /** wsa:To; default the first URL. */
  to?: string;
  clock?: () => Date;
  provider?: CryptoProvider;
  codec?: SessionCodec;
  /** Sees the wire bytes of every request before it is sent (`wssc call --dump`). */
  onRequest?: (bytes: Uint8Array, kind: RequestKind, action: string) => void;
}

interface KeyState {
  token: SessionToken;
  effectiveAt: number;
  expiresAt: number | undefined;
}

export interface OpenedReply {
  /** The decrypted, verified envelope. */
  envelope: Uint8Array;
  action: string | undefined;
  /** The Body content. */
  body: Uint8Array;
}

const IN_PROCESS_TO = 'urn:wssc:in-process';

/**
 * A secure session with one service (or a farm that shares its tokens). Keys are wiped by cancel() and destroy().
 * @example const s = await SecureSessionClient.establish({ url, bootstrap }); await s.call(action, body); await s.cancel();
 */
export class SecureSessionClient {
  readonly settings: ClientSettings;
  readonly version: WsscVersion;
  readonly suite: SuiteName;
  readonly #opts: SecureSessionClientOptions;
  readonly #codec: SessionCodec;
  readonly #transports: Transport[];
  readonly #soap: SoapVersion;
  readonly #mode: 'message' | 'transport';
  readonly #provider: CryptoProvider;
  readonly #to: string;
  readonly #replies: MemoryReplayCache;
  #next = 0;
  #current: KeyState | undefined;
  #previous: (KeyState & { until: number }) | undefined;
  #renewing: Promise<void> | undefined;
  #closed = false;
  /** Requests sent, by kind (issuance is 1 per session; tests and logs read it). */
  readonly sent: Record<RequestKind, number> = { issue: 0, call: 0, renew: 0, cancel: 0 };

  private constructor(options: SecureSessionClientOptions) {
    this.#opts = options;
    this.settings = clientSettings(options.settings);
    this.version = wsscVersion(options.version ?? 'feb2005');
    this.suite = options.suite ?? 'basic256';
    this.#codec = options.codec ?? defaultCodec();
    this.#soap = options.soap ?? '1.2';
    this.#mode = options.mode ?? 'message';
    this.#provider = options.provider ?? auto;
    const urls = options.url === undefined ? [] : Array.isArray(options.url) ? options.url : [options.url];
    const given = options.transport === undefined ? [] : Array.isArray(options.transport) ? options.transport : [options.transport];
    // SECURITY: a reply over the size cap is refused while it arrives, not after it was buffered whole.
    this.#transports = given.length > 0 ? given : urls.map((u) => defaultTransport(u, { maxResponseBytes: this.settings.maxMessageBytes }));
    if (this.#transports.length === 0) throw new RangeError('give a url or a transport');
    this.#to = options.to ?? urls[0] ?? IN_PROCESS_TO;
    this.#replies = new MemoryReplayCache({ maxEntries: this.settings.replayCacheSize, now: () => this.#now() });
  }

  /** Sends RST/SCT under the bootstrap, opens the RSTR and computes the session key. */
  static async establish(options: SecureSessionClientOptions): Promise<SecureSessionClient> {
    const client = new SecureSessionClient(options);
    await client.#establish();
    return client;
  }

  /** The service endpoint (wsa:To of every request). */
  get endpoint(): string {
    return this.#to;
  }

  /** The SCT Identifier. */
  get identifier(): string {
    return this.#state().token.identifier;
  }

  /** The current token (key included): for adapters and tests. */
  get token(): Readonly<SessionToken> {
    return this.#state().token;
  }

  /** When the current key expires by the RSTR's Lifetime (ms), if it said. */
  get keyExpiresAt(): number | undefined {
    return this.#state().expiresAt;
  }

  /** True when the client renewal interval has passed or the key is about to expire: call renew() before sending. */
  get needsRenewal(): boolean {
    const s = this.#state();
    const now = this.#now();
    return now >= s.effectiveAt + this.settings.sessionKeyRenewalIntervalMs || (s.expiresAt !== undefined && now >= s.expiresAt - this.settings.renewMarginMs);
  }

  #now(): number {
    return clockMs(this.#opts.clock);
  }

  #clock = (): Date => new Date(this.#now());
  /** The Created time of outgoing Timestamps, strictly increasing. */
  readonly #stampClock = monotonicClock(() => this.#now());

  #state(): KeyState {
    if (this.#closed || this.#current === undefined) throw new SessionError('SESSION_CLOSED', 'the session is closed');
    return this.#current;
  }

  #keySize(): number {
    return SUITE_KEY_SIZE[this.suite];
  }

  #entropy(): Uint8Array | undefined {
    return (this.#opts.entropyMode ?? 'combined') === 'server' ? undefined : generateClientEntropy(this.#keySize() / 8, (n) => this.#provider.randomBytes(n));
  }

  async #send(transport: Transport, bytes: Uint8Array, kind: RequestKind, action: string): Promise<TransportResponse> {
    this.#opts.onRequest?.(bytes, kind, action);
    this.sent[kind]++;
    let res: TransportResponse;
    try {
      res = await transport(bytes, soapHttpHeaders(this.#soap, action));
    } catch (err) {
      if ((err as { code?: unknown }).code === 'RESPONSE_TOO_LARGE') throw new SessionError('HTTP_STATUS', 'the reply is over the size cap', { cause: err });
      throw new SessionError('TRANSPORT', `the request failed: ${(err as Error).message}`, { cause: err, retry: true });
    }
    if (res.body.length > this.settings.maxMessageBytes) throw new SessionError('HTTP_STATUS', 'the reply is over the size cap');
    return res;
  }

  /** A non-200 response as a typed error. */
  #failure(res: TransportResponse): SessionError {
    const fault = readFault(res.body);
    if (fault !== undefined) return faultError(fault);
    return new SessionError('HTTP_STATUS', `HTTP ${res.status}`, { retry: res.status === 503 });
  }

  #nextTransport(): Transport {
    const t = this.#transports[this.#next % this.#transports.length]!;
    this.#next++;
    return t;
  }

  #adopt(key: SessionKey, now: number): void {
    const token: SessionToken = { version: key.version, identifier: key.identifier, key: key.key };
    if (key.instance !== undefined) token.instance = key.instance;
    if (key.token.cookie !== undefined) token.cookie = key.token.cookie;
    this.#current = { token, effectiveAt: now, expiresAt: key.lifetime?.expires?.getTime() };
  }

  async #establish(): Promise<void> {
    const v = this.version;
    const entropy = this.#entropy();
    const keySize = this.#keySize();
    const rst = buildIssueRequest(
      { version: v, ...(entropy === undefined ? {} : { entropy, entropyId: `uuid-${globalThis.crypto.randomUUID()}-1` }), keySize },
      bodyScope(this.#soap),
    );
    const messageId = newMessageId();
    const env = buildEnvelope({ soap: this.#soap, action: v.actions.issue, messageId, to: this.#to, body: rst });
    const bootstrap: BootstrapClientOptions = { suite: this.suite, clock: this.#clock, provider: this.#provider, ...this.#opts.bootstrap };
    // The default codec's RSA is awaited (WebCrypto where node:crypto is absent: browsers, edge runtimes).
    const { message, state } = this.#codec === defaultCodec() ? await protectBootstrapRequestAsync(env, bootstrap) : this.#codec.protectBootstrapRequest(env, bootstrap);
    // The token is issued by the first service; later calls go round-robin.
    let res: TransportResponse;
    try {
      res = await this.#send(this.#transports[0]!, message, 'issue', v.actions.issue);
    } catch (err) {
      this.#codec.destroyBootstrapState?.(state);
      throw err;
    }
    this.#next = 1;
    if (res.status !== 200) {
      this.#codec.destroyBootstrapState?.(state);
      throw this.#failure(res);
    }
    let plain: Uint8Array;
    try {
      plain = this.#codec.openBootstrapResponse(res.body, state);
    } finally {
      this.#codec.destroyBootstrapState?.(state);
    }
    const read = readEnvelope(plain);
    if (read.addressing.action !== v.actions.issueResponse || read.addressing.relatesTo !== messageId) {
      throw new SessionError('REPLY_MISMATCH', 'the RSTR does not answer this RST');
    }
    const key = computeSessionKey(plain, { version: v, keySize, ...(entropy === undefined ? {} : { clientEntropy: entropy }), mode: this.#opts.entropyMode ?? 'combined' }, this.#provider);
    this.#adopt(key, this.#now());
  }

  #protect(envelope: Uint8Array, token: SessionToken): Uint8Array {
    return this.#codec.protectMessage(envelope, {
      token, suite: this.suite, includeToken: true, mode: this.#mode, clock: this.#stampClock, timestampTtlMs: this.settings.timestampValidityMs, provider: this.#provider,
    });
  }

  #resolve = (ref: TokenLookup): SessionToken | undefined => {
    const identifier = ref.sct?.identifier ?? ref.identifier;
    const instance = ref.sct?.instance ?? ref.instance;
    for (const s of [this.#current, this.#previous]) {
      if (s === undefined || s.token.identifier !== identifier || s.token.instance !== instance) continue;
      if (s === this.#previous && this.#now() > this.#previous.until) continue;
      return s.token;
    }
    return undefined;
  };

  /**
   * Opens a protected reply synchronously: verifies and decrypts it under the session key (or the previous key
   * during the rollover window), checks its Timestamp and, when `messageId` is given, that it answers that request.
   * A fault becomes a SessionError. For adapters that cannot await (node-soap's hooks).
   */
  openReply(bytes: Uint8Array, messageId?: string): OpenedReply {
    this.#state();
    const fault = readFault(bytes);
    if (fault !== undefined) throw faultError(fault);
    const msg = this.#codec.unprotectMessage(bytes, { resolveToken: this.#resolve, suite: this.suite, mode: this.#mode, provider: this.#provider });
    const s = this.settings;
    try {
      checkTimestampInstants(msg.timestamp, { now: this.#now(), skewMs: s.maxClockSkewMs, maxAge: s.replayWindowMs });
    } catch (err) {
      if (err instanceof WsSecurityError) throw new SessionError('MESSAGE_EXPIRED', 'the reply is stale or from the future', { cause: err });
      throw err;
    }
    if (s.detectReplays && !this.#replies.checkAndAddSync(msg.signatureValue, replayTtlMs(s))) throw new SessionError('REPLAY', 'a replayed reply');
    // PERF: unprotect read these in its one parse of the message; readEnvelope parsed the envelope again.
    const read = msg.read ?? readEnvelope(msg.envelope);
    // SECURITY: a reply must answer our request (WS-Addressing RelatesTo is signed), or it could be another one's.
    if (messageId !== undefined && read.addressing.relatesTo !== messageId) throw new SessionError('REPLY_MISMATCH', 'the reply does not relate to the request');
    return { envelope: msg.envelope, action: read.addressing.action, body: read.body };
  }

  /** Protects a complete envelope (WS-Addressing headers included) with the session key, synchronously. */
  protectRequest(envelope: Uint8Array): Uint8Array {
    return this.#protect(envelope, this.#state().token);
  }

  /**
   * Sends `body` (the Body content) with `action` and returns the reply's Body content. Renews first when the key
   * is due; on a RenewNeeded fault renews and retries once.
   */
  async call(action: string, body: Uint8Array | string): Promise<Uint8Array> {
    return (await this.request(action, body)).body;
  }

  /** As call(), with the whole opened reply. */
  async request(action: string, body: Uint8Array | string): Promise<OpenedReply> {
    if (this.needsRenewal) await this.renew();
    for (let attempt = 0; ; attempt++) {
      const messageId = newMessageId();
      const env = buildEnvelope({ soap: this.#soap, action, messageId, to: this.#to, body });
      const res = await this.#send(this.#nextTransport(), this.#protect(env, this.#state().token), 'call', action);
      if (res.status === 200) return this.openReply(res.body, messageId);
      const err = this.#failure(res);
      if (err.code === 'RENEW_NEEDED' && attempt === 0) {
        await this.renew();
        continue;
      }
      throw err;
    }
  }

  /** RST/SCT/Renew: new entropy, the same Identifier, a new key generation; the old key opens replies for the rollover window. */
  renew(): Promise<void> {
    this.#renewing ??= this.#renew().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #renew(): Promise<void> {
    const v = this.version;
    const current = this.#state();
    const entropy = this.#entropy();
    const keySize = this.#keySize();
    const rst = buildRenewRequest(
      { version: v, ...(entropy === undefined ? {} : { entropy }), keySize, target: sctExternalReference(v, current.token.identifier) },
      bodyScope(this.#soap),
    );
    const messageId = newMessageId();
    const env = buildEnvelope({ soap: this.#soap, action: v.actions.renew, messageId, to: this.#to, body: rst });
    const res = await this.#send(this.#nextTransport(), this.#protect(env, current.token), 'renew', v.actions.renew);
    if (res.status !== 200) throw this.#failure(res);
    const opened = this.openReply(res.body, messageId);
    if (opened.action !== v.actions.renewResponse) throw new SessionError('REPLY_MISMATCH', 'not a renew response');
    const key = computeSessionKey(opened.envelope, { version: v, keySize, ...(entropy === undefined ? {} : { clientEntropy: entropy }), mode: this.#opts.entropyMode ?? 'combined' }, this.#provider);
    if (key.identifier !== current.token.identifier) {
      key.key.fill(0);
      throw new SessionError('REPLY_MISMATCH', 'the renewed token has another Identifier');
    }
    const now = this.#now();
    this.#previous?.token.key.fill(0);
    this.#previous = { ...current, until: now + this.settings.sessionKeyRolloverIntervalMs };
    this.#adopt(key, now);
  }

  /**
   * RST/SCT/Cancel, then destroy(). Cookie-mode tokens are not cancelled on the wire (protocol.md §4.2: the service
   * keeps no state to cancel), only wiped here.
   */
  async cancel(): Promise<void> {
    if (this.#closed) return;
    const current = this.#state();
    try {
      if (current.token.cookie !== undefined) return;
      const v = this.version;
      const body = buildCancelRequest({ version: v, target: sctExternalReference(v, current.token.identifier) }, bodyScope(this.#soap));
      const messageId = newMessageId();
      const env = buildEnvelope({ soap: this.#soap, action: v.actions.cancel, messageId, to: this.#to, body });
      const res = await this.#send(this.#nextTransport(), this.#protect(env, current.token), 'cancel', v.actions.cancel);
      if (res.status !== 200) throw this.#failure(res);
      const opened = this.openReply(res.body, messageId);
      if (opened.action !== v.actions.cancelResponse || !parseResponse(opened.envelope, { version: v }).cancelled) {
        throw new SessionError('REPLY_MISMATCH', 'not a cancel response');
      }
    } finally {
      this.destroy();
    }
  }

  /** Wipes the keys; the client cannot be used afterwards. */
  destroy(): void {
    this.#closed = true;
    this.#current?.token.key.fill(0);
    this.#previous?.token.key.fill(0);
    this.#current = undefined;
    this.#previous = undefined;
    this.#replies.clear();
  }
}
