// The XML layer: UTF-8 bytes → namespace-aware SAX events (XML 1.0 5th ed., Namespaces in XML 1.0), with guards and limits.
export type { NamespaceContext, XmlAttribute, XmlElement, XmlHandler, XmlNamespaceDecl } from './events.js';
export { XmlParser, type XmlParserOptions } from './parser.js';
export { DEFAULT_XML_LIMITS, resolveLimits, type XmlLimits } from './limits.js';
export { NamespaceScope, XML_NAMESPACE, XMLNS_NAMESPACE } from './namespace-scope.js';
export { Utf8StreamDecoder } from './utf8-stream-decoder.js';
export { ByteOffsetMap } from './byte-offsets.js';
