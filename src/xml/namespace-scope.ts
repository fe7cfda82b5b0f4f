// In-scope namespace bindings (Namespaces in XML 1.0 §6.1 "Namespace Scoping") as a map with undo records.
import type { NamespaceContext, XmlNamespaceDecl } from './events.js';

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/**
 * The bindings in force at the current element. `push` applies an element's declarations and `pop` undoes them,
 * so lookups are O(1) and elements without declarations cost one counter (Go encoding/xml keeps the same shape).
 */
export class NamespaceScope implements NamespaceContext {
  readonly #bindings = new Map<string, string>([['xml', XML_NAMESPACE]]);
  /** Flattened undo records: prefix, previous value (undefined = was unbound). */
  readonly #undo: (string | undefined)[] = [];
  /** Number of undo records per open element. */
  readonly #counts: number[] = [];

  lookup(prefix: string): string | undefined {
    return this.#bindings.get(prefix);
  }

  forEach(fn: (uri: string, prefix: string) => void): void {
    this.#bindings.forEach(fn);
  }

  push(decls: readonly XmlNamespaceDecl[]): void {
    for (const { prefix, uri } of decls) {
      this.#undo.push(prefix, this.#bindings.get(prefix));
      this.#bindings.set(prefix, uri);
    }
    this.#counts.push(decls.length);
  }

  pop(): void {
    let n = this.#counts.pop() ?? 0;
    const undo = this.#undo;
    while (n-- > 0) {
      const previous = undo.pop();
      const prefix = undo.pop() as string;
      if (previous === undefined) this.#bindings.delete(prefix);
      else this.#bindings.set(prefix, previous);
    }
  }
}
