// WS-SecureConversation (Feb 2005 and 1.3 §1.4, §3, §7) + WS-Trust (Feb 2005 and 1.3 §3-§4, §6) URIs as data (protocol.md §1.1-§1.2).

/** `'feb2005'` = wsHttpBinding (WS-SC Feb 2005 + WS-Trust Feb 2005); `'1.3'` = ws2007HttpBinding (WS-SC 1.3 + WS-Trust 1.3). */
export type WsscVersionName = 'feb2005' | '1.3';

export interface WsscActions {
  readonly issue: string;
  readonly issueResponse: string;
  readonly renew: string;
  readonly renewResponse: string;
  readonly cancel: string;
  readonly cancelResponse: string;
}

/** Everything that differs between the two protocol versions WCF speaks. */
export interface WsscVersion {
  readonly name: WsscVersionName;
  /** WS-SecureConversation namespace, and the prefix WCF writes for it. */
  readonly sc: string;
  readonly scPrefix: string;
  /** WS-Trust namespace, and the prefix WCF writes for it. */
  readonly trust: string;
  readonly trustPrefix: string;
  /** SCT token type; also the STR ValueType of references to an SCT. */
  readonly sctTokenType: string;
  /** Derived key token type; also the STR ValueType of references to a DKT. */
  readonly dktTokenType: string;
  /** The only DerivedKeyToken Algorithm: P_SHA1. */
  readonly pSha1: string;
  /** RequestedProofToken/ComputedKey (and ComputedKeyAlgorithm) URI for P_SHA1(client entropy, server entropy). */
  readonly computedKeyPSha1: string;
  /** BinarySecret Type of entropy. */
  readonly nonceType: string;
  /** BinarySecret Type of a symmetric key (a server-entropy proof token). */
  readonly symmetricKeyType: string;
  readonly requestTypes: { readonly issue: string; readonly renew: string; readonly cancel: string };
  readonly actions: WsscActions;
  /** SPEC: WS-Trust 1.3 §4.3: issuance and renewal answers are RequestSecurityTokenResponseCollection (WCF, protocol.md §1.2). */
  readonly wrapsResponses: boolean;
  /** Fault subcodes in the WS-SC namespace. */
  readonly faults: { readonly renewNeeded: string; readonly badContextToken: string };
}

function actions(trust: string): WsscActions {
  return {
    issue: `${trust}/RST/SCT`,
    issueResponse: `${trust}/RSTR/SCT`,
    renew: `${trust}/RST/SCT/Renew`,
    renewResponse: `${trust}/RSTR/SCT/Renew`,
    cancel: `${trust}/RST/SCT/Cancel`,
    cancelResponse: `${trust}/RSTR/SCT/Cancel`,
  };
}

function version(name: WsscVersionName, sc: string, scPrefix: string, trust: string, trustPrefix: string, wraps: boolean): WsscVersion {
  return Object.freeze({
    name,
    sc,
    scPrefix,
    trust,
    trustPrefix,
    sctTokenType: `${sc}/sct`,
    dktTokenType: `${sc}/dk`,
    pSha1: `${sc}/dk/p_sha1`,
    computedKeyPSha1: `${trust}/CK/PSHA1`,
    nonceType: `${trust}/Nonce`,
    symmetricKeyType: `${trust}/SymmetricKey`,
    requestTypes: Object.freeze({ issue: `${trust}/Issue`, renew: `${trust}/Renew`, cancel: `${trust}/Cancel` }),
    actions: Object.freeze(actions(trust)),
    wrapsResponses: wraps,
    faults: Object.freeze({ renewNeeded: 'RenewNeeded', badContextToken: 'BadContextToken' }),
  });
}

/** wsHttpBinding: WS-SecureConversation February 2005 with WS-Trust February 2005. */
export const WSSC_FEB2005: WsscVersion = version(
  'feb2005',
  'http://schemas.xmlsoap.org/ws/2005/02/sc',
  'c',
  'http://schemas.xmlsoap.org/ws/2005/02/trust',
  't',
  false,
);

/** ws2007HttpBinding: WS-SecureConversation 1.3 with WS-Trust 1.3. */
export const WSSC_13: WsscVersion = version(
  '1.3',
  'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512',
  'sc',
  'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  'trust',
  true,
);

export const WSSC_VERSIONS: readonly WsscVersion[] = Object.freeze([WSSC_FEB2005, WSSC_13]);

/** The version named, or the version itself. */
export function wsscVersion(v: WsscVersion | WsscVersionName): WsscVersion {
  if (typeof v !== 'string') return v;
  if (v === 'feb2005') return WSSC_FEB2005;
  if (v === '1.3') return WSSC_13;
  throw new RangeError(`unknown WS-SecureConversation version ${String(v)}`);
}

export const versionOfScNamespace = (uri: string): WsscVersion | undefined => WSSC_VERSIONS.find((v) => v.sc === uri);
export const versionOfTrustNamespace = (uri: string): WsscVersion | undefined => WSSC_VERSIONS.find((v) => v.trust === uri);

/** WS-Security 1.0 utility (wsu) and secext (wsse), WS-Security 1.1 (wsse11): the same bindings src/wss exports. */
export { WSSE11_NAMESPACE, WSSE_NAMESPACE, WSU_NAMESPACE } from '../wss/namespaces.js';
/** WCF's cookie element namespace (`dnse:Cookie` inside a cookie-mode SCT; protocol.md §1.4). */
export const DNSE_NAMESPACE = 'http://schemas.microsoft.com/ws/2006/05/security';

/** The default DerivedKeyToken label (WS-SC 1.3 §7): the 21-character string twice, as WCF and WSS4J use it. */
export const DEFAULT_LABEL = 'WS-SecureConversationWS-SecureConversation';
/** DEFAULT_LABEL as UTF-8 bytes (42). Callers must not modify it. */
export const DEFAULT_LABEL_BYTES: Uint8Array = new TextEncoder().encode(DEFAULT_LABEL);
