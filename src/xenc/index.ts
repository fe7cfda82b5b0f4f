// wssc/xenc: XML Encryption Syntax and Processing 1.0 (§3 syntax, §4 processing, §5 algorithms) under wssc's profile.
export { encryptXml, buildEncryptedData, type EncryptOptions, type EncryptedDataOptions, type EncryptTarget } from './encrypt.js';
export { decryptXml, type DecryptOptions, type DecryptResult, type DecryptedItem, type KeyResolver } from './decrypt.js';
export {
  buildEncryptedKey,
  unwrapEncryptedKey,
  wrapKey,
  unwrapKey,
  type EncryptedKeyOptions,
  type RsaPrivateKeyInput,
  type RsaPublicKeyInput,
  type UnwrappedKey,
} from './encrypted-key.js';
export { buildReferenceList, readReferenceLists, type ReferenceListInfo } from './reference-list.js';
export type { EncryptedDataInfo, KeyInfoSummary, ParsedEncryptedKey } from './structure.js';
export {
  AES_CBC,
  RSA_OAEP_MGF1P,
  TYPE_CONTENT,
  TYPE_ELEMENT,
  XENC_NAMESPACE,
  type AesCbcAlgorithm,
} from './algorithms.js';
export { DecryptionError, EncryptionError } from '../errors.js';
