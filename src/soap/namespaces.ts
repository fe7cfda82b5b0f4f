// SOAP 1.1 (W3C Note §4) and SOAP 1.2 Part 1 (§5) envelope namespaces, and WS-Addressing 1.0 Core (2005/08).

export const SOAP11_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NAMESPACE = 'http://www.w3.org/2003/05/soap-envelope';
export const WSA_NAMESPACE = 'http://www.w3.org/2005/08/addressing';
/** SPEC: WS-Addressing 1.0 Core §2.1: the anonymous endpoint, WCF's default ReplyTo. */
export const WSA_ANONYMOUS = 'http://www.w3.org/2005/08/addressing/anonymous';

export type SoapVersion = '1.1' | '1.2';

export function soapNamespace(version: SoapVersion): string {
  return version === '1.1' ? SOAP11_NAMESPACE : SOAP12_NAMESPACE;
}

export function soapVersionOf(namespace: string): SoapVersion | undefined {
  if (namespace === SOAP12_NAMESPACE) return '1.2';
  if (namespace === SOAP11_NAMESPACE) return '1.1';
  return undefined;
}
