// WS-Addressing 1.0 SOAP Binding (2005/08) §2: the message addressing headers To, Action, MessageID, ReplyTo, RelatesTo.
import { SoapError } from '../errors.js';
import type { NamespaceContext, XmlElement, XmlHandler } from '../xml/events.js';
import { headerEdits, headerScope, scanEnvelope, type EnvelopeInfo, type LocatedElement } from './envelope.js';
import { WSA_NAMESPACE, soapVersionOf } from './namespaces.js';
import type { NamespaceSnapshot } from './scope.js';
import { applyEdits, escapeAttribute, escapeText } from './splice.js';

/** The addressing properties wssc reads and writes. Endpoint references carry only their Address. */
export interface AddressingHeaders {
  to?: string;
  action?: string;
  messageId?: string;
  replyTo?: string;
  from?: string;
  faultTo?: string;
  relatesTo?: string;
}

export type AddressingName = 'To' | 'Action' | 'MessageID' | 'ReplyTo' | 'From' | 'FaultTo' | 'RelatesTo';

const KEYS: Record<AddressingName, keyof AddressingHeaders> = {
  To: 'to', Action: 'action', MessageID: 'messageId', ReplyTo: 'replyTo', From: 'from', FaultTo: 'faultTo', RelatesTo: 'relatesTo',
};
const ENDPOINTS = new Set(['ReplyTo', 'From', 'FaultTo']);

export interface AddressingRead {
  readonly values: AddressingHeaders;
  /** The header elements, by local name (the first of each; a repeated one is refused). */
  readonly elements: Partial<Record<AddressingName, LocatedElement>>;
  readonly envelope: EnvelopeInfo;
}

/**
 * Collects the text of WS-Addressing header blocks (and of the Address of endpoint references) in one pass.
 * SECURITY (xml-security.md §1.4 A6): the whole text of the element is read (every text node), never the first one.
 */
export class AddressingCollector implements XmlHandler {
  readonly values: AddressingHeaders = {};
  readonly #open: XmlElement[] = [];
  #current: AddressingName | null = null;
  #currentEl: XmlElement | null = null;
  #capturing = false;

  startElement(el: XmlElement, _ns: NamespaceContext): void {
    const depth = el.depth;
    if (depth === 3 && el.uri === WSA_NAMESPACE && this.#open[1]?.local === 'Header' && soapVersionOf(this.#open[1].uri) !== undefined && el.local in KEYS) {
      const name = el.local as AddressingName;
      if (this.values[KEYS[name]] !== undefined) throw new SoapError('SOAP_ENVELOPE', `repeated wsa:${name} header`);
      this.#current = name;
      this.#currentEl = el;
      this.values[KEYS[name]] = '';
      this.#capturing = !ENDPOINTS.has(name);
    } else if (this.#current !== null && depth === 4 && ENDPOINTS.has(this.#current) && el.uri === WSA_NAMESPACE && el.local === 'Address') {
      this.#capturing = true;
    }
    this.#open[depth - 1] = el;
  }

  endElement(el: XmlElement): void {
    if (el === this.#currentEl) {
      this.#current = null;
      this.#currentEl = null;
      this.#capturing = false;
    } else if (this.#current !== null && el.local === 'Address' && el.depth === 4) this.#capturing = false;
  }

  text(text: string): void {
    if (this.#capturing && this.#current !== null) this.values[KEYS[this.#current]] += text;
  }

  comment(): void {}
  processingInstruction(): void {}
}

/** Reads the WS-Addressing headers of an envelope (values trimmed of surrounding white space). */
export function readAddressing(input: Uint8Array): AddressingRead {
  const collector = new AddressingCollector();
  const envelope = scanEnvelope(input, { handler: collector });
  const values: AddressingHeaders = {};
  for (const [k, v] of Object.entries(collector.values)) values[k as keyof AddressingHeaders] = (v as string).trim();
  const elements: Partial<Record<AddressingName, LocatedElement>> = {};
  for (const h of envelope.headers) {
    if (h.el.uri === WSA_NAMESPACE && h.el.local in KEYS && elements[h.el.local as AddressingName] === undefined) elements[h.el.local as AddressingName] = h;
  }
  return { values, elements, envelope };
}

export interface AddressingWriteOptions {
  /** Preferred prefix of the WS-Addressing namespace (WCF: `a`). */
  prefix?: string;
  /** Headers that get `mustUnderstand="1"` (WCF: Action and To). */
  mustUnderstand?: readonly AddressingName[];
  /** wsu:Id per header (for signing), written as `<prefix>:Id` with the utility namespace. */
  ids?: Partial<Record<AddressingName, string>>;
}

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const ORDER: readonly AddressingName[] = ['Action', 'MessageID', 'RelatesTo', 'From', 'ReplyTo', 'FaultTo', 'To'];

/**
 * The header blocks for `headers`, in WCF's order (Action, MessageID, RelatesTo, ReplyTo, To), as markup valid in
 * `scope` (the Header's scope; missing namespace declarations are written on each block).
 */
export function addressingXml(headers: AddressingHeaders, soapNamespace: string, scope: NamespaceSnapshot, options: AddressingWriteOptions = {}): string {
  const wsa = scope.bind(WSA_NAMESPACE, options.prefix ?? 'a');
  const s = scope.bind(soapNamespace, 's');
  const u = scope.bind(WSU, 'u');
  const mu = new Set(options.mustUnderstand ?? ['Action', 'To']);
  let out = '';
  for (const name of ORDER) {
    const value = headers[KEYS[name]];
    if (value === undefined) continue;
    const id = options.ids?.[name];
    const decls = wsa.decl + (mu.has(name) ? s.decl : '') + (id !== undefined ? u.decl : '');
    const attrs = (id === undefined ? '' : ` ${u.prefix}:Id="${escapeAttribute(id)}"`) + (mu.has(name) ? ` ${s.prefix}:mustUnderstand="1"` : '');
    const a = `${wsa.prefix}:`;
    const inner = ENDPOINTS.has(name) ? `<${a}Address>${escapeText(value)}</${a}Address>` : escapeText(value);
    out += `<${a}${name}${decls}${attrs}>${inner}</${a}${name}>`;
  }
  return out;
}

/** Adds WS-Addressing headers as the first header blocks (creating the Header if needed); bytes in, bytes out. */
export function addAddressing(input: Uint8Array, headers: AddressingHeaders, options: AddressingWriteOptions = {}): Uint8Array {
  const info = scanEnvelope(input);
  const xml = addressingXml(headers, info.namespace, headerScope(info), options);
  return applyEdits(input, headerEdits(input, info, xml, 'first'));
}
