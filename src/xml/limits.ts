// Resource limits of the XML parser (xml-security.md §1.5 item 1, §4: saxes has no size limits of its own).

/** Limits enforced while parsing; every one of them fails with `XmlError` code `XML_LIMIT`. */
export interface XmlLimits {
  /** Total input size in bytes. */
  maxBytes: number;
  /** Element nesting depth (the root is depth 1). */
  maxDepth: number;
  /** Attributes per element, namespace declarations included. */
  maxAttributes: number;
  /** Length of an element, attribute, PI target or entity name, in UTF-16 code units. */
  maxNameLength: number;
  /** Length of one text node (CDATA included), comment or PI body, in UTF-16 code units. */
  maxTextLength: number;
  /** Length of one attribute value, in UTF-16 code units. */
  maxAttributeValueLength: number;
}

/**
 * SECURITY: defaults sized for SOAP messages: a WCF envelope is a few KB to a few MB, nests ~10 deep and carries
 * a handful of attributes per element; large payloads are base64 text (MTOM aside), hence the text limit.
 */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 256,
  maxAttributes: 256,
  maxNameLength: 1024,
  maxTextLength: 64 * 1024 * 1024,
  maxAttributeValueLength: 1024 * 1024,
});

/** Fills the unset fields of `limits` from the defaults, rejecting values that are not non-negative numbers. */
export function resolveLimits(limits?: Partial<XmlLimits>): XmlLimits {
  const out = { ...DEFAULT_XML_LIMITS };
  if (limits === undefined) return out;
  for (const key of Object.keys(DEFAULT_XML_LIMITS) as (keyof XmlLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`XML limit ${key} must be a non-negative number`);
    out[key] = value;
  }
  return out;
}
