// XML Encryption 1.0 §5 (Algorithms): the namespaces, Type URIs and the block and key-transport algorithms wssc accepts.
export const XENC_NAMESPACE = 'http://www.w3.org/2001/04/xmlenc#';
export const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

/** SPEC: XML Encryption 1.0 §3.1, the Type attribute of EncryptedData. */
export const TYPE_ELEMENT = `${XENC_NAMESPACE}Element`;
export const TYPE_CONTENT = `${XENC_NAMESPACE}Content`;

export type AesCbcAlgorithm = 'aes128-cbc' | 'aes192-cbc' | 'aes256-cbc';

/** SPEC: XML Encryption 1.0 §5.2.2: AES-CBC, key sizes 128, 192 and 256 bits; the only block ciphers accepted. */
export const AES_CBC: Readonly<Record<AesCbcAlgorithm, { readonly uri: string; readonly keyLength: number }>> = Object.freeze({
  'aes128-cbc': { uri: `${XENC_NAMESPACE}aes128-cbc`, keyLength: 16 },
  'aes192-cbc': { uri: `${XENC_NAMESPACE}aes192-cbc`, keyLength: 24 },
  'aes256-cbc': { uri: `${XENC_NAMESPACE}aes256-cbc`, keyLength: 32 },
});

/** SPEC: XML Encryption 1.0 §5.4.2 RSA-OAEP with MGF1-SHA1; the only key transport accepted (RSA 1.5 is not). */
export const RSA_OAEP_MGF1P = `${XENC_NAMESPACE}rsa-oaep-mgf1p`;
export const SHA1_DIGEST = `${DSIG_NAMESPACE}sha1`;

/** The AES-CBC algorithm named by `uri`, or undefined for anything else. */
export function aesCbcByUri(uri: string): AesCbcAlgorithm | undefined {
  for (const name of Object.keys(AES_CBC) as AesCbcAlgorithm[]) if (AES_CBC[name].uri === uri) return name;
  return undefined;
}

/** The AES-CBC algorithm whose key is `length` bytes long, or undefined. */
export function aesCbcByKeyLength(length: number): AesCbcAlgorithm | undefined {
  for (const name of Object.keys(AES_CBC) as AesCbcAlgorithm[]) if (AES_CBC[name].keyLength === length) return name;
  return undefined;
}
