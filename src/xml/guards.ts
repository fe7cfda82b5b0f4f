// The refusals both XML parsers make (xml-security.md §1.5 item 1 and §4): one copy of each check, code and message, so that FastXmlParser and its saxes reference cannot drift apart.
import { XmlError } from '../errors.js';
import type { XmlLimits } from './limits.js';

/** PERF: saxes is fed at most this many code units at a time, so limits are checked at least this often; FastXmlParser checks at the same boundaries. */
export const SLICE_UNITS = 64 * 1024;

/** The attributes or declarations of an element that has none: one shared frozen array, not one per element. */
export const EMPTY: readonly never[] = Object.freeze([]);

/**
 * SPEC: Namespaces 1.0 §2.2 deprecates relative URI references as namespace names and C14N 1.0 refuses them; the
 * characters are RFC 3986 §2's (IRIs and unescaped spaces or quotes are refused, as libxml2 refuses them).
 */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/** PERF: the same namespace URIs recur in every message; the regex ran for each declaration (3% of a 2 KiB parse). */
const URI_CHECKED = new Map<string, boolean>();

function isAbsoluteUri(uri: string): boolean {
  let ok = URI_CHECKED.get(uri);
  if (ok === undefined) {
    ok = ABSOLUTE_URI.test(uri);
    if (uri.length <= 256) {
      if (URI_CHECKED.size >= 256) URI_CHECKED.clear();
      URI_CHECKED.set(uri, ok);
    }
  }
  return ok;
}

/** The value `uri` of the namespace declaration `attrName`: empty (an undeclaration) or an absolute URI. */
export function checkNamespaceUri(uri: string, attrName: string): void {
  if (uri !== '' && !isAbsoluteUri(uri)) {
    throw new XmlError('XML_NAMESPACE', `namespace URI ${JSON.stringify(uri)} of ${attrName} is not an absolute URI`);
  }
}

export function dtdError(): XmlError {
  // SECURITY: SOAP forbids DTDs; refusing them removes entity expansion and default-attribute differentials.
  return new XmlError('XML_DTD', 'a DOCTYPE is not allowed');
}

export function checkNotUtf16(b0: number, b1: number): void {
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe)) {
    throw new XmlError('XML_ENCODING', 'UTF-16 input is not supported (only UTF-8)');
  }
}

/** The version and encoding of an XML declaration, as far as it gave them. */
export function checkXmlDecl(version: string | undefined, encoding: string | undefined): void {
  // SPEC: only what we decode is accepted; XML 1.1 changes line-end and character rules c14n 1.0 assumes.
  if (version !== undefined && version !== '1.0') {
    throw new XmlError('XML_VERSION', `XML version ${version} is not supported (only 1.0)`);
  }
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    throw new XmlError('XML_ENCODING', `encoding ${encoding} is not supported (only UTF-8)`);
  }
}

/** `total`: the bytes written so far. */
export function checkInputSize(total: number, limits: XmlLimits): void {
  if (total > limits.maxBytes) throw new XmlError('XML_LIMIT', `input exceeds maxBytes (${limits.maxBytes})`);
}

export function nameTooLong(limits: XmlLimits): XmlError {
  return new XmlError('XML_LIMIT', `a name exceeds maxNameLength (${limits.maxNameLength})`);
}

export function checkName(name: string, limits: XmlLimits): void {
  if (name.length > limits.maxNameLength) throw nameTooLong(limits);
}

/** `run`: the code units of one text node (all of it reported so far and the pending piece), comment or PI body. */
export function checkText(run: number, limits: XmlLimits, what: string): void {
  if (run > limits.maxTextLength) throw new XmlError('XML_LIMIT', `a ${what} exceeds maxTextLength (${limits.maxTextLength})`);
}

export function checkAttributeCount(count: number, limits: XmlLimits): void {
  if (count > limits.maxAttributes) throw new XmlError('XML_LIMIT', `an element exceeds maxAttributes (${limits.maxAttributes})`);
}

export function checkAttributeValue(length: number, limits: XmlLimits): void {
  if (length > limits.maxAttributeValueLength) {
    throw new XmlError('XML_LIMIT', `an attribute value exceeds maxAttributeValueLength (${limits.maxAttributeValueLength})`);
  }
}

export function checkDepth(depth: number, limits: XmlLimits): void {
  if (depth > limits.maxDepth) throw new XmlError('XML_LIMIT', `nesting exceeds maxDepth (${limits.maxDepth})`);
}
