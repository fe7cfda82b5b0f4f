// Namespaces in XML 1.0 §6 scoping: a snapshot of the bindings in scope at one element, for writing new markup there.
import type { NamespaceContext, XmlNamespaceDecl } from '../xml/events.js';
import { XML_NAMESPACE } from '../xml/namespace-scope.js';

/** The namespace bindings in scope at an element (its own declarations included), frozen when it was parsed. */
export class NamespaceSnapshot {
  readonly #map: ReadonlyMap<string, string>;

  constructor(map: ReadonlyMap<string, string>) {
    this.#map = map;
  }

  static of(ns: NamespaceContext): NamespaceSnapshot {
    const map = new Map<string, string>();
    ns.forEach((uri, prefix) => void map.set(prefix, uri));
    return new NamespaceSnapshot(map);
  }

  /**
   * The scope inside an element whose declarations are `decls`, given its parent's scope (null for the root). It
   * holds the bindings in the order NamespaceScope has them there (the implicit `xml` first, then each declaration
   * in document order, a rebinding keeping its place), so `prefixOf` picks the same prefix as a snapshot `of` the
   * parser's scope would.
   */
  static inside(parent: NamespaceSnapshot | null, decls: readonly XmlNamespaceDecl[]): NamespaceSnapshot {
    if (parent !== null && decls.length === 0) return parent;
    const map = parent === null ? new Map<string, string>([['xml', XML_NAMESPACE]]) : new Map(parent.#map);
    for (const { prefix, uri } of decls) map.set(prefix, uri);
    return new NamespaceSnapshot(map);
  }

  static readonly EMPTY = new NamespaceSnapshot(new Map());

  /** This scope with one more binding (the scope inside a new element that declares it). */
  with(prefix: string, uri: string): NamespaceSnapshot {
    const map = new Map(this.#map);
    map.set(prefix, uri);
    return new NamespaceSnapshot(map);
  }

  lookup(prefix: string): string | undefined {
    return this.#map.get(prefix);
  }

  /** A non-empty prefix bound to `uri`, or undefined (attributes cannot use the default namespace). */
  prefixOf(uri: string): string | undefined {
    const map = this.#map;
    for (const p of map.keys()) if (p !== '' && map.get(p) === uri) return p;
    return undefined;
  }

  /**
   * The prefix to write for `uri` in new markup here, and the declaration it needs (`''` when already in scope).
   * For a new element the preferred prefix may shadow another binding locally. For an attribute added to an
   * existing start tag (`existingTag`), the prefix must be unbound here: that tag's own names may use any bound one.
   */
  bind(uri: string, preferred: string, existingTag = false): { prefix: string; decl: string } {
    const existing = this.prefixOf(uri);
    if (existing !== undefined) return { prefix: existing, decl: '' };
    let prefix = preferred;
    if (existingTag) for (let n = 1; this.#map.has(prefix); n++) prefix = `${preferred}${n}`;
    return { prefix, decl: ` xmlns:${prefix}="${uri}"` };
  }
}
