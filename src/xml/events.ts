// The event model of the XML layer: XML 1.0 (5th ed.) + Namespaces in XML 1.0 (3rd ed.) infoset items as SAX events.

/** An attribute as the parser reports it; namespace declarations are never attributes here. */
export interface XmlAttribute {
  /** The qualified name as written (`p:local` or `local`). */
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI; `''` for an unprefixed attribute (the default namespace never applies to attributes). */
  readonly uri: string;
  /** The normalized value (XML 1.0 §3.3.3: literal TAB/CR/LF became spaces, references were replaced). */
  readonly value: string;
}

/** A namespace declaration made on an element (`xmlns:p="uri"`, or `xmlns="uri"` with prefix `''`). */
export interface XmlNamespaceDecl {
  readonly prefix: string;
  readonly uri: string;
}

/**
 * A start tag. The same object is passed to `endElement`, with `byteEnd` filled in by then.
 * Handlers must not mutate it (several consumers may share one element).
 */
export interface XmlElement {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI of the element; `''` when it is in no namespace. */
  readonly uri: string;
  /** Attributes in document order, without namespace declarations. */
  readonly attributes: readonly XmlAttribute[];
  /** Namespace declarations on this element in document order; empty when there are none. */
  readonly namespaces: readonly XmlNamespaceDecl[];
  /** 1 for the root element. */
  readonly depth: number;
  /** Byte offset of the `<` of the start tag in the input (a UTF-8 BOM counts). */
  readonly byteStart: number;
  /** Byte offset just after the `>` of the end tag (or of the empty-element tag); -1 until the element ends. */
  byteEnd: number;
}

/** Read access to the in-scope namespace bindings at the current element. */
export interface NamespaceContext {
  /** The URI bound to `prefix` (`''` = the default namespace), or undefined when unbound / undeclared. */
  lookup(prefix: string): string | undefined;
  /** Calls `fn` once per in-scope prefix with its current binding (the implicit `xml` binding included). */
  forEach(fn: (uri: string, prefix: string) => void): void;
}

/**
 * Receives the events of one document, in document order.
 *
 * - Text and CDATA sections both arrive as `text`, already normalized (XML 1.0 §2.11 line ends, references
 *   replaced); one text node may arrive in several consecutive `text` calls (long runs are flushed per chunk).
 * - Whitespace outside the root element is not reported; comments and PIs outside it are (depth 0).
 * - After an error nothing more is reported.
 */
export interface XmlHandler {
  startElement(element: XmlElement, namespaces: NamespaceContext): void;
  endElement(element: XmlElement): void;
  text(text: string): void;
  comment(text: string, depth: number): void;
  processingInstruction(target: string, data: string, depth: number): void;
}
