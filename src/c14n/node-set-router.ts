// Same-document node-sets for XMLDSig 1.1 §4.4.3.3 (`URI=""` and `#id`), canonicalized side by side in one streaming pass.
import { C14nError } from '../errors.js';
import type { NamespaceContext, XmlAttribute, XmlElement, XmlHandler } from '../xml/events.js';
import { C14nWriter, type C14nMethod } from './c14n-writer.js';
import { IdIndex } from './id-index.js';
import type { ByteSink } from './sink.js';

/**
 * One node-set to canonicalize: the subtree of the element with Id `id`, else of the first element `match` accepts,
 * else (neither given) the whole document.
 */
export interface NodeSetTarget {
  readonly id?: string | null;
  readonly match?: ((el: XmlElement) => boolean) | null;
  readonly method: C14nMethod;
  readonly withComments: boolean;
  /** Exclusive only: PrefixList prefixes, `''` for `#default`. */
  readonly inclusivePrefixes: readonly string[];
  readonly sink: ByteSink;
}

interface Active {
  readonly target: NodeSetTarget;
  readonly writer: C14nWriter;
  /** The apex, or null for the whole document. */
  readonly apex: XmlElement | null;
}

/**
 * An `XmlHandler` that indexes every Id (refusing duplicates) and, for each target, starts a canonicalizer at its
 * apex with that apex's ancestor namespace context, feeds it the apex's events and ends it with the apex. Targets
 * may nest or share an apex; each has its own method, comment mode, PrefixList and sink.
 */
export class NodeSetRouter implements XmlHandler {
  readonly ids = new IdIndex();
  readonly #pending = new Map<string, NodeSetTarget[]>();
  readonly #matchers: NodeSetTarget[] = [];
  readonly #active: Active[] = [];
  readonly #apexOf = new Map<NodeSetTarget, XmlElement | null>();
  readonly #bufferSize: number | undefined;
  /** xml:* attributes of open elements (nearest last), kept only while an inclusive subtree target is pending. */
  readonly #xmlAttributes: { depth: number; attr: XmlAttribute }[] = [];
  readonly #trackXml: boolean;
  #finished = false;

  readonly #indexIds: boolean;

  /**
   * `indexIds` (default: whether any target selects by Id) turns the Id index and its duplicate check on; plain
   * canonicalization of a document that happens to repeat an `ID` value is not refused.
   */
  constructor(targets: readonly NodeSetTarget[], options: { bufferSize?: number; indexIds?: boolean } = {}) {
    this.#bufferSize = options.bufferSize;
    this.#indexIds = options.indexIds ?? targets.some((t) => t.id != null);
    let trackXml = false;
    for (const target of targets) {
      if (target.id == null && target.match == null) {
        this.#active.push({ target, writer: this.#writer(target, true), apex: null });
        this.#apexOf.set(target, null);
        continue;
      }
      if (target.method === 'inclusive') trackXml = true;
      if (target.id == null) {
        this.#matchers.push(target);
        continue;
      }
      const list = this.#pending.get(target.id);
      if (list === undefined) this.#pending.set(target.id, [target]);
      else list.push(target);
    }
    this.#trackXml = trackXml;
  }

  /** The apex element a target was resolved to (null for the whole document); undefined when not (yet) found. */
  apexOf(target: NodeSetTarget): XmlElement | null | undefined {
    return this.#apexOf.get(target);
  }

  startElement(el: XmlElement, ns: NamespaceContext): void {
    const ids = this.#indexIds ? this.ids.add(el) : null;
    const active = this.#active;
    for (let i = 0; i < active.length; i++) active[i]!.writer.startElement(el, ns);
    if (ids !== null && this.#pending.size > 0) {
      for (const id of ids) {
        const targets = this.#pending.get(id);
        if (targets === undefined) continue;
        this.#pending.delete(id);
        for (const target of targets) this.#start(target, el, ns);
      }
    }
    const matchers = this.#matchers;
    for (let i = 0; i < matchers.length; i++) {
      if (matchers[i]!.match!(el)) this.#start(matchers.splice(i--, 1)[0]!, el, ns);
    }
    if (this.#trackXml) {
      const attributes = el.attributes;
      for (let i = 0; i < attributes.length; i++) {
        if (attributes[i]!.prefix === 'xml') this.#xmlAttributes.push({ depth: el.depth, attr: attributes[i]! });
      }
    }
  }

  endElement(el: XmlElement): void {
    const active = this.#active;
    for (let i = 0; i < active.length; i++) {
      const a = active[i]!;
      a.writer.endElement(el);
      if (a.apex === el) {
        a.writer.finish();
        active.splice(i--, 1);
      }
    }
    const stack = this.#xmlAttributes;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= el.depth) stack.pop();
  }

  text(text: string): void {
    const active = this.#active;
    for (let i = 0; i < active.length; i++) active[i]!.writer.text(text);
  }

  comment(text: string, depth: number): void {
    const active = this.#active;
    for (let i = 0; i < active.length; i++) {
      if (depth > 0 || active[i]!.apex === null) active[i]!.writer.comment(text);
    }
  }

  processingInstruction(target: string, data: string, depth: number): void {
    const active = this.#active;
    for (let i = 0; i < active.length; i++) {
      if (depth > 0 || active[i]!.apex === null) active[i]!.writer.processingInstruction(target, data);
    }
  }

  /** Ends the whole-document targets; a target whose Id never appeared is a `C14nError` `ID_NOT_FOUND`. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const id of this.#pending.keys()) {
      throw new C14nError('ID_NOT_FOUND', `no element has the Id ${JSON.stringify(id)}`);
    }
    if (this.#matchers.length > 0) throw new C14nError('ID_NOT_FOUND', 'no element matched the selection');
    for (const a of this.#active) a.writer.finish();
    this.#active.length = 0;
  }

  #start(target: NodeSetTarget, el: XmlElement, ns: NamespaceContext): void {
    const writer = this.#writer(target, false);
    writer.startElement(el, ns, target.method === 'inclusive' ? this.#inheritedXml() : undefined);
    this.#active.push({ target, writer, apex: el });
    this.#apexOf.set(target, el);
  }

  #writer(target: NodeSetTarget, wholeDocument: boolean): C14nWriter {
    return new C14nWriter(target.sink, {
      method: target.method,
      withComments: target.withComments,
      inclusivePrefixes: target.inclusivePrefixes,
      wholeDocument,
      ...(this.#bufferSize === undefined ? {} : { bufferSize: this.#bufferSize }),
    });
  }

  /** SPEC: C14N 1.0 §2.4: a subtree's apex inherits the xml:* attributes of its nearest omitted ancestors. */
  #inheritedXml(): XmlAttribute[] {
    const out: XmlAttribute[] = [];
    const stack = this.#xmlAttributes;
    for (let i = stack.length - 1; i >= 0; i--) {
      const a = stack[i]!.attr;
      if (!out.some((x) => x.local === a.local)) out.push(a);
    }
    return out;
  }
}
