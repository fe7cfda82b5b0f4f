// SOAP 1.2 Part 1 §5.4 and SOAP 1.1 §4.4 faults, with the WSS 1.1 SOAP Message Security §12 fault codes.
import { SOAP11_NAMESPACE, SOAP12_NAMESPACE, WSA_NAMESPACE, type SoapVersion } from './namespaces.js';
import { escapeText } from './splice.js';

const WSSE_NAMESPACE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
/** SPEC: WS-Addressing 1.0 SOAP Binding §6: the action of a SOAP fault. */
export const WSA_FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/soap/fault';

/**
 * WSS 1.1 §12 fault codes with the spec's own reason strings.
 * SECURITY: these generic strings are all a peer learns; the cause stays in the service's log, never in a Detail.
 */
export const WSS_FAULTS = {
  UnsupportedSecurityToken: 'An unsupported token was provided',
  UnsupportedAlgorithm: 'An unsupported signature or encryption algorithm was used',
  InvalidSecurity: 'An error was discovered processing the <wsse:Security> header.',
  InvalidSecurityToken: 'An invalid security token was provided',
  FailedAuthentication: 'The security token could not be authenticated or authorized',
  FailedCheck: 'The signature or decryption was invalid',
  SecurityTokenUnavailable: 'Referenced security token could not be retrieved',
  MessageExpired: 'The message has expired',
} as const;

export type WssFaultCode = keyof typeof WSS_FAULTS;

export interface FaultOptions {
  version: SoapVersion;
  /** SOAP 1.2 code (`Sender`, `Receiver`, …); SOAP 1.1 maps Sender→Client, Receiver→Server. Default `Sender`. */
  code?: 'Sender' | 'Receiver' | 'MustUnderstand' | 'VersionMismatch' | 'DataEncodingUnknown';
  /** A qualified subcode (SOAP 1.2 Subcode/Value; in SOAP 1.1 it becomes the faultcode itself, as WSS 1.1 §12 says). */
  subcode?: { namespace: string; local: string; prefix?: string };
  reason: string;
  /** WS-Addressing headers of the fault message (Action defaults to the SOAP fault action when RelatesTo is given). */
  relatesTo?: string;
  action?: string;
}

const V11: Record<NonNullable<FaultOptions['code']>, string> = {
  Sender: 'Client', Receiver: 'Server', MustUnderstand: 'MustUnderstand', VersionMismatch: 'VersionMismatch', DataEncodingUnknown: 'Client',
};

/** A complete fault envelope as UTF-8 bytes. It carries no Detail element. */
export function soapFault(options: FaultOptions): Uint8Array {
  const v12 = options.version === '1.2';
  const ns = v12 ? SOAP12_NAMESPACE : SOAP11_NAMESPACE;
  const code = options.code ?? 'Sender';
  const sub = options.subcode;
  const subPrefix = sub?.prefix ?? 'f';
  const subDecl = sub === undefined ? '' : ` xmlns:${subPrefix}="${sub.namespace}"`;
  const reason = escapeText(options.reason);
  let header = '';
  if (options.relatesTo !== undefined || options.action !== undefined) {
    header = `<s:Header><a:Action xmlns:a="${WSA_NAMESPACE}" s:mustUnderstand="1">${escapeText(options.action ?? WSA_FAULT_ACTION)}</a:Action>` +
      (options.relatesTo === undefined ? '' : `<a:RelatesTo xmlns:a="${WSA_NAMESPACE}">${escapeText(options.relatesTo)}</a:RelatesTo>`) + '</s:Header>';
  }
  const fault = v12
    ? `<s:Fault><s:Code><s:Value>s:${code}</s:Value>` +
      (sub === undefined ? '' : `<s:Subcode><s:Value${subDecl}>${subPrefix}:${sub.local}</s:Value></s:Subcode>`) +
      `</s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`
    : `<s:Fault>${sub === undefined ? `<faultcode>s:${V11[code]}</faultcode>` : `<faultcode${subDecl}>${subPrefix}:${sub.local}</faultcode>`}` +
      `<faultstring xml:lang="en">${reason}</faultstring></s:Fault>`;
  return new TextEncoder().encode(`<s:Envelope xmlns:s="${ns}">${header}<s:Body>${fault}</s:Body></s:Envelope>`);
}

/** A WSS 1.1 §12 security fault (Sender / wsse:<code>) with the spec's reason string. */
export function securityFault(version: SoapVersion, code: WssFaultCode, addressing: { relatesTo?: string } = {}): Uint8Array {
  return soapFault({
    version,
    code: 'Sender',
    subcode: { namespace: WSSE_NAMESPACE, local: code, prefix: 'o' },
    reason: WSS_FAULTS[code],
    ...(addressing.relatesTo === undefined ? {} : { relatesTo: addressing.relatesTo }),
  });
}
