// wssc/soap: SOAP 1.1 / 1.2 envelopes (frame, Header creation, faults) and WS-Addressing 1.0 headers, as byte splices.
export { SOAP11_NAMESPACE, SOAP12_NAMESPACE, WSA_ANONYMOUS, WSA_NAMESPACE, soapNamespace, soapVersionOf, type SoapVersion } from './namespaces.js';
export { EnvelopeScanner, headerEdits, headerScope, scanEnvelope, type EnvelopeInfo, type LocatedElement, type ScanOptions } from './envelope.js';
export { AddressingCollector, addAddressing, addressingXml, readAddressing, type AddressingHeaders, type AddressingName, type AddressingRead, type AddressingWriteOptions } from './addressing.js';
export { WSA_FAULT_ACTION, WSS_FAULTS, securityFault, soapFault, type FaultOptions, type WssFaultCode } from './fault.js';
export { NamespaceSnapshot } from './scope.js';
export { addAttributesEdit, applyEdits, endOfStartTag, escapeAttribute, escapeText, insertChildEdits, type Edit } from './splice.js';
