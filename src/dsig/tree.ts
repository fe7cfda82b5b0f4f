// A small element tree of the ds:Signature subtree (XMLDSig 1.1 §4), built from the streaming parser's events.
import type { NamespaceContext, XmlElement, XmlHandler } from '../xml/events.js';

export type TreeNode = TreeElement | { readonly type: 'text'; value: string } | { readonly type: 'comment' } | { readonly type: 'pi' };

export interface TreeElement {
  readonly type: 'element';
  readonly el: XmlElement;
  readonly children: TreeNode[];
}

/**
 * Captures the subtrees of the elements `capture` accepts (not nested ones separately: a captured subtree is kept
 * whole). Everything else only passes through `onElement`. Signatures are small, so keeping them in memory is fine.
 */
export class SubtreeCollector implements XmlHandler {
  readonly roots: TreeElement[] = [];
  readonly #stack: TreeElement[] = [];
  readonly #capture: (el: XmlElement, captured: boolean, parent: XmlElement | null) => boolean;
  /** Open elements of the whole document (for the parent argument of `capture`). */
  readonly #open: XmlElement[] = [];

  constructor(capture: (el: XmlElement, captured: boolean, parent: XmlElement | null) => boolean) {
    this.#capture = capture;
  }

  startElement(el: XmlElement, _ns: NamespaceContext): void {
    const stack = this.#stack;
    const open = this.#open;
    const inside = stack.length > 0;
    const wanted = this.#capture(el, inside, open.length > 0 ? open[open.length - 1]! : null);
    open.push(el);
    if (!inside && !wanted) return;
    const node: TreeElement = { type: 'element', el, children: [] };
    if (inside) stack[stack.length - 1]!.children.push(node);
    else this.roots.push(node);
    stack.push(node);
  }

  endElement(el: XmlElement): void {
    this.#open.pop();
    const stack = this.#stack;
    if (stack.length > 0 && stack[stack.length - 1]!.el === el) stack.pop();
  }

  text(text: string): void {
    const stack = this.#stack;
    if (stack.length === 0) return;
    const children = stack[stack.length - 1]!.children;
    const last = children[children.length - 1];
    if (last !== undefined && last.type === 'text') last.value += text;
    else children.push({ type: 'text', value: text });
  }

  comment(_text: string, _depth: number): void {
    const stack = this.#stack;
    if (stack.length > 0) stack[stack.length - 1]!.children.push({ type: 'comment' });
  }

  processingInstruction(_target: string, _data: string, _depth: number): void {
    const stack = this.#stack;
    if (stack.length > 0) stack[stack.length - 1]!.children.push({ type: 'pi' });
  }
}

/** Sends every event to each handler in turn. */
export class TeeHandler implements XmlHandler {
  readonly #handlers: XmlHandler[];
  constructor(handlers: XmlHandler[]) {
    this.#handlers = handlers;
  }
  startElement(el: XmlElement, ns: NamespaceContext): void {
    for (const h of this.#handlers) h.startElement(el, ns);
  }
  endElement(el: XmlElement): void {
    for (const h of this.#handlers) h.endElement(el);
  }
  text(text: string): void {
    for (const h of this.#handlers) h.text(text);
  }
  comment(text: string, depth: number): void {
    for (const h of this.#handlers) h.comment(text, depth);
  }
  processingInstruction(target: string, data: string, depth: number): void {
    for (const h of this.#handlers) h.processingInstruction(target, data, depth);
  }
}

/**
 * SPEC: XMLDSig 1.1 §6.6.4 enveloped-signature transform: the Signature element starting at `signatureStart`, with
 * its whole subtree, is removed from the node-set; the text around it stays.
 */
export class EnvelopedFilter implements XmlHandler {
  readonly #next: XmlHandler;
  readonly #signatureStart: number;
  #skipping: XmlElement | null = null;

  constructor(next: XmlHandler, signatureStart: number) {
    this.#next = next;
    this.#signatureStart = signatureStart;
  }
  startElement(el: XmlElement, ns: NamespaceContext): void {
    if (this.#skipping !== null) return;
    if (el.byteStart === this.#signatureStart) {
      this.#skipping = el;
      return;
    }
    this.#next.startElement(el, ns);
  }
  endElement(el: XmlElement): void {
    if (this.#skipping !== null) {
      if (this.#skipping === el) this.#skipping = null;
      return;
    }
    this.#next.endElement(el);
  }
  text(text: string): void {
    if (this.#skipping === null) this.#next.text(text);
  }
  comment(text: string, depth: number): void {
    if (this.#skipping === null) this.#next.comment(text, depth);
  }
  processingInstruction(target: string, data: string, depth: number): void {
    if (this.#skipping === null) this.#next.processingInstruction(target, data, depth);
  }
}

/** Element children of a tree element. */
export function elementChildren(node: TreeElement): TreeElement[] {
  return node.children.filter((c): c is TreeElement => c.type === 'element');
}

/** The attribute value of an unqualified attribute, or undefined. */
export function attribute(node: TreeElement, local: string): string | undefined {
  for (const a of node.el.attributes) if (a.local === local && a.uri === '') return a.value;
  return undefined;
}
