// WCF LocalServiceSecuritySettings / LocalClientSecuritySettings defaults for secure sessions (protocol.md §4.3-§4.5), as data.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Service-side limits and timeouts. Every value is WCF's code default unless noted (protocol.md §4.3). */
export interface ServiceSettings {
  /** Replay detection keyed on the primary SignatureValue (WCF DetectReplays: true). */
  detectReplays: boolean;
  /** ReplayWindow: how old a message may be, by its Timestamp Created (5 min). */
  replayWindowMs: number;
  /** MaxClockSkew (5 min). */
  maxClockSkewMs: number;
  /** ReplayCacheSize: signature values remembered at most (900 000). */
  replayCacheSize: number;
  /** TimestampValidityDuration: Expires − Created of the Timestamps the service writes (5 min). */
  timestampValidityMs: number;
  /** MaxPendingSessions: sessions issued that have not yet carried an application message (128). */
  maxPendingSessions: number;
  /** MaxStatefulNegotiations: token issuances (RST/SCT) handled at once (128). */
  maxConcurrentNegotiations: number;
  /** NegotiationTimeout: the longest an issuance may take, token store included (1 min). */
  negotiationTimeoutMs: number;
  /** InactivityTimeout: a session with no message for this long is dropped and its keys wiped (2 min). */
  inactivityTimeoutMs: number;
  /** SessionKeyRenewalInterval: key lifetime in the RSTR; afterwards RenewNeeded (15 h). */
  sessionKeyRenewalIntervalMs: number;
  /** SessionKeyRolloverInterval: the previous key is still accepted this long after a renewal (5 min). */
  sessionKeyRolloverIntervalMs: number;
  /** IssuedCookieLifetime: lifetime of cookie-mode tokens (10 h). */
  issuedCookieLifetimeMs: number;
  /** MaxCachedCookies: opened cookies kept decoded (1000). */
  maxCachedCookies: number;
  /** Session-mode token lifetime; WCF's is unbounded (TimeSpan.MaxValue), ours 24 h so that keys cannot live forever. */
  sessionTokenLifetimeMs: number;
  /** Sessions the token store holds at most (not a WCF setting: WCF's resolver cache is Int32.MaxValue). */
  maxSessions: number;
  /** Request body cap in bytes (WCF MaxReceivedMessageSize defaults to 64 KiB; 4 MiB here for SOAP payloads). */
  maxMessageBytes: number;
}

/** Client-side settings (LocalClientSecuritySettings; protocol.md §4.3). */
export interface ClientSettings {
  /** Replies are checked for replays too (WCF DetectReplays: true on the client). */
  detectReplays: boolean;
  replayWindowMs: number;
  maxClockSkewMs: number;
  /**
   * Replay cache entries at most on the client: WCF's 900 000, as on the service (protocol.md §4.3). Entries live
   * ReplayWindow + 2×MaxClockSkew (15 min), so a cap of 10 000 refused every reply (REPLAY_CACHE_FULL) once a client
   * had made 10 000 calls in 15 minutes (11 a second; a loopback load test hit it in seconds).
   */
  replayCacheSize: number;
  timestampValidityMs: number;
  /** SessionKeyRenewalInterval: renew proactively this long after a key was issued (10 h, before the service's 15 h). */
  sessionKeyRenewalIntervalMs: number;
  /** SessionKeyRolloverInterval: replies under the previous key are still opened this long after a renewal (5 min). */
  sessionKeyRolloverIntervalMs: number;
  /** Renew this long before the key expiry the RSTR's Lifetime gives, whatever the interval says (not WCF: 1 min). */
  renewMarginMs: number;
  /** Reply body cap in bytes. */
  maxMessageBytes: number;
}

export const DEFAULT_SERVICE_SETTINGS: Readonly<ServiceSettings> = Object.freeze({
  detectReplays: true,
  replayWindowMs: 5 * MINUTE,
  maxClockSkewMs: 5 * MINUTE,
  replayCacheSize: 900_000,
  timestampValidityMs: 5 * MINUTE,
  maxPendingSessions: 128,
  maxConcurrentNegotiations: 128,
  negotiationTimeoutMs: MINUTE,
  inactivityTimeoutMs: 2 * MINUTE,
  sessionKeyRenewalIntervalMs: 15 * HOUR,
  sessionKeyRolloverIntervalMs: 5 * MINUTE,
  issuedCookieLifetimeMs: 10 * HOUR,
  maxCachedCookies: 1000,
  sessionTokenLifetimeMs: 24 * HOUR,
  maxSessions: 100_000,
  maxMessageBytes: 4 * 1024 * 1024,
});

export const DEFAULT_CLIENT_SETTINGS: Readonly<ClientSettings> = Object.freeze({
  detectReplays: true,
  replayWindowMs: 5 * MINUTE,
  maxClockSkewMs: 5 * MINUTE,
  replayCacheSize: 900_000,
  timestampValidityMs: 5 * MINUTE,
  sessionKeyRenewalIntervalMs: 10 * HOUR,
  sessionKeyRolloverIntervalMs: 5 * MINUTE,
  renewMarginMs: MINUTE,
  maxMessageBytes: 4 * 1024 * 1024,
});

function check<T extends object>(defaults: Readonly<T>, given: Partial<T> | undefined): T {
  const out = { ...defaults, ...(given ?? {}) } as T;
  for (const [name, value] of Object.entries(out)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) throw new RangeError(`setting ${name} must be a non-negative number`);
    if (!(name in defaults)) throw new RangeError(`unknown setting ${name}`);
  }
  return out;
}

/** WCF's service defaults overridden by `given`; unknown names and negative numbers are refused. */
export function serviceSettings(given?: Partial<ServiceSettings>): ServiceSettings {
  return check(DEFAULT_SERVICE_SETTINGS, given);
}

/** WCF's client defaults overridden by `given`. */
export function clientSettings(given?: Partial<ClientSettings>): ClientSettings {
  return check(DEFAULT_CLIENT_SETTINGS, given);
}

/** SPEC: the replay cache entry lifetime WCF uses: ReplayWindow + 2 × MaxClockSkew (protocol.md §4.4). */
export function replayTtlMs(s: { replayWindowMs: number; maxClockSkewMs: number }): number {
  return s.replayWindowMs + 2 * s.maxClockSkewMs;
}
