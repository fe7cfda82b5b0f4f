// Bytes → SAX events: XML 1.0 (5th ed.) + Namespaces 1.0 via saxes, with the guards of xml-security.md §1.5 item 1 and §4.
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { XmlError } from '../errors.js';
import { ByteOffsetMap } from './byte-offsets.js';
import { startsName } from './fast-parser.js';
import type { XmlAttribute, XmlElement, XmlHandler, XmlNamespaceDecl } from './events.js';
import { checkAttributeCount, checkAttributeValue, checkDepth, checkInputSize, checkName, checkNamespaceUri, checkNotUtf16, checkText, checkXmlDecl, dtdError, EMPTY, nameTooLong, SLICE_UNITS } from './guards.js';
import { resolveLimits, type XmlLimits } from './limits.js';
import { NamespaceScope, XMLNS_NAMESPACE } from './namespace-scope.js';
import { Utf8StreamDecoder } from './utf8-stream-decoder.js';

export interface XmlParserOptions {
  limits?: Partial<XmlLimits>;
}

/**
 * The saxes 6.0.0 fields this adapter reads. saxes reports positions only as "after the current character", so
 * the start of a tag and the size of in-progress buffers come from its state; the version is pinned in package.json.
 */
interface SaxesInternals {
  chunkPosition: number;
  prevI: number;
  state: number;
  text: string;
  name: string;
  piTarget: string;
  entity: string;
  attribList: unknown[];
  tags: unknown[];
  stateTable: ((this: SaxesInternals) => void)[];
  fail(message: string): void;
  errorHandler: (err: Error) => void;
  doctypeHandler: (doctype: string) => void;
  xmldeclHandler: (decl: { version?: string; encoding?: string }) => void;
  openTagStartHandler: (tag: { name: string }) => void;
  openTagHandler: (tag: SaxesTagNS) => void;
  closeTagHandler: (tag: SaxesTagNS) => void;
  textHandler: (text: string) => void;
  cdataHandler: (text: string) => void;
  commentHandler: (text: string) => void;
  piHandler: (pi: { target: string; body: string }) => void;
}

// saxes state numbers (saxes.js, 6.0.0).
const S_DOCTYPE = 2;
const S_DTD_PI_ENDING = 12;
const S_TEXT = 13;
const S_CDATA = 20;
const S_PI_REST = 24;
const S_PI_BODY = 25;
const S_PI_ENDING = 26;
const S_ATTRIB_VALUE = 39;
const S_ATTRIB_VALUE_UNQUOTED = 42;

/**
 * A push parser: `write(bytes)` any number of times, then `end()`. Events go to the handler synchronously.
 *
 * Refused, each with an `XmlError`: malformed XML of any kind (code `XML_MALFORMED`, saxes' checks: one root,
 * unbound prefixes, duplicate attributes also via two prefixes, `<` in attribute values, undeclared entities…),
 * a DOCTYPE anywhere (`XML_DTD`), non-UTF-8 input or a declared encoding other than UTF-8 (`XML_ENCODING`),
 * XML 1.1 (`XML_VERSION`), relative or whitespace-padded namespace URIs (`XML_NAMESPACE`) and anything over a
 * limit (`XML_LIMIT`). The first error is final: every later call throws it again and no event follows it.
 */
export class SaxesXmlParser {
  readonly #handler: XmlHandler;
  readonly #limits: XmlLimits;
  readonly #saxes: SaxesParser<{ xmlns: true; position: true }>;
  readonly #internals: SaxesInternals;
  readonly #decoder = new Utf8StreamDecoder();
  readonly #offsets = new ByteOffsetMap();
  readonly #scope = new NamespaceScope();
  readonly #stack: XmlElement[] = [];
  #bytes = 0;
  #tagStartByte = 0;
  /** saxes' attribute list of the tag being read (filled by saxes, then replaced by a fresh array). */
  #attribList: SaxesAttributeNS[] = [];
  /** Code units of the current text node already reported. */
  #textRun = 0;
  #failure: unknown = undefined;
  #ended = false;

  constructor(handler: XmlHandler, options: XmlParserOptions = {}) {
    this.#handler = handler;
    this.#limits = resolveLimits(options.limits);
    const saxes = new SaxesParser({ xmlns: true, position: true });
    this.#saxes = saxes;
    this.#internals = saxes as unknown as SaxesInternals;
    // PERF: handlers are set as named properties, not with saxes' `on()`: its keyed store of a 7th new property
    // pushes the parser object into dictionary mode (V8's out-of-object soft limit), which made every state
    // transition slower: 11 → 51 MB/s for saxes alone on a 64 KB SOAP message (measured, Node 20).
    const h = this.#internals;
    h.errorHandler = (err) => {
      throw new XmlError('XML_MALFORMED', `malformed XML: ${err.message}`);
    };
    h.doctypeHandler = () => {
      throw dtdError();
    };
    h.xmldeclHandler = (decl) => checkXmlDecl(decl.version, decl.encoding);
    requireSpaceAfterPiTarget(h);
    h.openTagStartHandler = (tag) => this.#onOpenTagStart(tag);
    h.openTagHandler = (tag) => this.#onOpenTag(tag);
    h.closeTagHandler = () => this.#onCloseTag();
    h.textHandler = (text) => this.#onText(text);
    h.cdataHandler = (text) => this.#onText(text);
    h.commentHandler = (text) => {
      this.#checkText(text.length, 'comment');
      this.#textRun = 0;
      this.#handler.comment(text, this.#stack.length);
    };
    h.piHandler = (pi) => {
      checkName(pi.target, this.#limits);
      this.#checkText(pi.body.length, 'processing instruction');
      this.#textRun = 0;
      this.#handler.processingInstruction(pi.target, pi.body, this.#stack.length);
    };
  }

  /** Parses the next chunk of the document. The bytes are not retained. */
  write(chunk: Uint8Array): void {
    this.#guard();
    try {
      this.#bytes += chunk.length;
      checkInputSize(this.#bytes, this.#limits);
      if (this.#bytes === chunk.length && chunk.length >= 2) checkNotUtf16(chunk[0]!, chunk[1]!);
      const text = this.#decoder.decode(chunk);
      this.#offsets.append(text, this.#decoder.lastByteLength);
      for (let i = 0; i < text.length; i += SLICE_UNITS) {
        this.#saxes.write(text.length <= SLICE_UNITS ? text : text.slice(i, i + SLICE_UNITS));
        this.#afterWrite();
      }
    } catch (err) {
      this.#failure = err;
      throw err;
    }
  }

  /** Ends the document: checks that it is complete and well-formed. */
  end(): void {
    this.#guard();
    try {
      this.#decoder.end();
      this.#ended = true;
      this.#saxes.close();
    } catch (err) {
      this.#failure = err;
      throw err;
    }
  }

  #guard(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#ended) throw new XmlError('XML_MALFORMED', 'the document has already ended');
  }

  /** Checks limits on what saxes has buffered, flushes pending text, and lets the offset map drop old input. */
  #afterWrite(): void {
    const s = this.#internals;
    const { state } = s;
    if (state >= S_DOCTYPE && state <= S_DTD_PI_ENDING) throw dtdError();
    const limits = this.#limits;
    if (s.name.length > limits.maxNameLength || s.piTarget.length > limits.maxNameLength || s.entity.length > limits.maxNameLength) {
      throw nameTooLong(limits);
    }
    checkAttributeCount(s.attribList.length, limits);
    if (state >= S_ATTRIB_VALUE && state <= S_ATTRIB_VALUE_UNQUOTED) {
      checkAttributeValue(s.text.length, limits);
      return;
    }
    if (state === S_TEXT || state === S_CDATA) {
      // SPEC: saxes buffers a whole text node; reporting it per chunk keeps memory flat for large bodies.
      const pending = s.text;
      if (pending.length > 0) {
        s.text = '';
        if (this.#stack.length > 0) this.#onText(pending);
      }
      if (state === S_TEXT) this.#offsets.release(s.chunkPosition);
      return;
    }
    this.#checkText(s.text.length, 'comment or processing instruction');
  }

  #onOpenTagStart(tag: { name: string }): void {
    const s = this.#internals;
    checkName(tag.name, this.#limits);
    // saxes has just read the character after the name; the name is raw input, so '<' is name.length + 1 before it.
    this.#tagStartByte = this.#offsets.toByte(s.chunkPosition + s.prevI - tag.name.length - 1);
    // PERF: iterating this array beats for-in over saxes' null-prototype attribute map (same objects, same order).
    this.#attribList = s.attribList as SaxesAttributeNS[];
  }

  #onOpenTag(tag: SaxesTagNS): void {
    const limits = this.#limits;
    // SPEC: saxes checks the colons of a QName but not that its local part starts a name (Namespaces 1.0 [4]).
    if (tag.prefix !== '' && !startsName(tag.local)) throw new XmlError('XML_MALFORMED', `malformed name: ${tag.name}`);
    for (const attr of this.#attribList) {
      if (attr.prefix !== '' && !startsName(attr.local)) throw new XmlError('XML_MALFORMED', `malformed name: ${attr.name}`);
    }
    const depth = this.#stack.length + 1;
    checkDepth(depth, limits);
    let attributes: XmlAttribute[] | readonly never[] = EMPTY;
    let namespaces: XmlNamespaceDecl[] | readonly never[] = EMPTY;
    const list = this.#attribList;
    checkAttributeCount(list.length, limits);
    for (let i = 0; i < list.length; i++) {
      const attr = list[i]!;
      checkName(attr.name, limits);
      checkAttributeValue(attr.value.length, limits);
      if (attr.uri === XMLNS_NAMESPACE) {
        const uri = attr.value;
        // SECURITY: saxes resolves names against the trimmed value; refusing padded values keeps both views equal.
        checkNamespaceUri(uri, attr.name);
        if (namespaces === EMPTY) namespaces = [];
        (namespaces as XmlNamespaceDecl[]).push({ prefix: attr.prefix === '' ? '' : attr.local, uri });
      } else {
        if (attributes === EMPTY) attributes = [];
        (attributes as XmlAttribute[]).push(attr as XmlAttribute);
      }
    }
    const element: XmlElement = {
      name: tag.name,
      prefix: tag.prefix,
      local: tag.local,
      uri: tag.uri,
      attributes,
      namespaces,
      depth,
      byteStart: this.#tagStartByte,
      byteEnd: -1,
    };
    this.#stack.push(element);
    this.#scope.push(namespaces);
    this.#textRun = 0;
    this.#handler.startElement(element, this.#scope);
  }

  #onCloseTag(): void {
    const element = this.#stack.pop()!;
    element.byteEnd = this.#offsets.toByte(this.#saxes.position);
    this.#textRun = 0;
    this.#handler.endElement(element);
    this.#scope.pop();
  }

  #onText(text: string): void {
    // Whitespace outside the root is not part of any c14n output; saxes itself refuses anything else there.
    if (this.#stack.length === 0 || text.length === 0) return;
    this.#textRun += text.length;
    this.#checkText(0, 'text');
    this.#handler.text(text);
  }

  #checkText(length: number, what: string): void {
    checkText(this.#textRun + length, this.#limits, what);
  }
}

/** The XML parser: the byte-level FastXmlParser, checked against SaxesXmlParser by test/xml/fast-parser.test.ts. */
export { FastXmlParser as XmlParser } from './fast-parser.js';

/**
 * SPEC: XML 1.0 [16] PI ::= '<?' PITarget (S …)? '?>'. saxes 6.0.0 reads `<?t?x?>` as target `t`, data `?x`;
 * libxml2 refuses it, and so must we, or the two would disagree on what the document is.
 */
function requireSpaceAfterPiTarget(s: SaxesInternals): void {
  const table = s.stateTable;
  const piRest = table[S_PI_REST]!;
  const piEnding = table[S_PI_ENDING]!;
  let targetThenQuestion = false;
  table[S_PI_REST] = function (this: SaxesInternals) {
    piRest.call(this);
    targetThenQuestion = this.state === S_PI_ENDING;
  };
  table[S_PI_ENDING] = function (this: SaxesInternals) {
    const direct = targetThenQuestion;
    targetThenQuestion = false;
    piEnding.call(this);
    if (direct && (this.state === S_PI_BODY || this.state === S_PI_ENDING)) {
      this.fail('a processing instruction target must be followed by whitespace or ?>.');
    }
  };
}
