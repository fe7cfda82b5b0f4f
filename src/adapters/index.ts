// wssc/adapters: plug-ins for the stacks users already have (xml-crypto; node-soap).
export { HASH_URIS, HMAC_URIS, useWsscAlgorithms, type SignedXmlLike, type WsscAlgorithmsOptions } from './xml-crypto.js';
export {
  nodeSoapHttpClient, nodeSoapSecurity, nodeSoapX509HttpClient, nodeSoapX509Security,
  type FetchSenderOptions, type NodeSoapCallback, type NodeSoapHttpClientLike, type NodeSoapHttpClientOptions, type NodeSoapResponse,
  type NodeSoapSecurity, type NodeSoapSecurityOptions, type NodeSoapSession, type NodeSoapX509Options, type NodeSoapX509Security,
} from './node-soap.js';
export { AdapterError } from '../errors.js';
