// WSS 1.0/1.1 SOAP Message Security (§4, §7) and the X.509 Token Profile 1.1 (§3.1, §3.2): namespaces and URIs.
import { WSU_NAMESPACE } from '../c14n/id-index.js';

export { WSU_NAMESPACE };
export const WSSE_NAMESPACE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSSE11_NAMESPACE = 'http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd';
export const SC_FEB2005_NAMESPACE = 'http://schemas.xmlsoap.org/ws/2005/02/sc';
export const SC13_NAMESPACE = 'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512';

const SOAP_MESSAGE_SECURITY_10 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0';
const SOAP_MESSAGE_SECURITY_11 = 'http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1';
const X509_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0';

/** EncodingType of BinarySecurityToken and KeyIdentifier (WSS 1.1 §7.3). */
export const BASE64_BINARY = `${SOAP_MESSAGE_SECURITY_10}#Base64Binary`;

/** ValueType URIs of tokens and key identifiers. */
export const VALUE_TYPE = {
  /** X.509 Token Profile 1.1 §3.1: a single X.509v3 certificate. */
  x509v3: `${X509_PROFILE}#X509v3`,
  /** X.509 Token Profile 1.1 §3.2.1: the certificate's SubjectKeyIdentifier extension value. */
  x509SubjectKeyIdentifier: `${X509_PROFILE}#X509SubjectKeyIdentifier`,
  /** WSS 1.1 X.509 Token Profile §3.2.1 / SOAP Message Security 1.1 §7.3: SHA-1 of the certificate's DER. */
  thumbprintSha1: `${SOAP_MESSAGE_SECURITY_11}#ThumbprintSHA1`,
  /** SOAP Message Security 1.1 §7.3: SHA-1 of an EncryptedKey's CipherValue octets (WCF bootstrap responses). */
  encryptedKeySha1: `${SOAP_MESSAGE_SECURITY_11}#EncryptedKeySHA1`,
  sctFeb2005: `${SC_FEB2005_NAMESPACE}/sct`,
  dkFeb2005: `${SC_FEB2005_NAMESPACE}/dk`,
  sct13: `${SC13_NAMESPACE}/sct`,
  dk13: `${SC13_NAMESPACE}/dk`,
} as const;
