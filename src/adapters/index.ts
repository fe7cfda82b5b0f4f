// wssc/adapters: plug-ins for the stacks users already have (xml-crypto; node-soap).
export { HASH_URIS, HMAC_URIS, useWsscAlgorithms, type SignedXmlLike, type WsscAlgorithmsOptions } from './xml-crypto.js';
