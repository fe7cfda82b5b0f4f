// NamespaceScope (Namespaces in XML 1.0 §6.1 scoping) against a Map that deletes unbound prefixes: same lookups, same iteration order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NamespaceScope, XML_NAMESPACE } from '../../src/xml/namespace-scope.js';

/** The reference: the bindings as a Map, a pop deleting what its push added and restoring what it shadowed. */
class ReferenceScope {
  readonly map = new Map<string, string>([['xml', XML_NAMESPACE]]);
  readonly undo: [string, string | undefined][][] = [];
  push(decls: readonly { prefix: string; uri: string }[]): void {
    this.undo.push(decls.map(({ prefix, uri }) => {
      const previous = this.map.get(prefix);
      this.map.set(prefix, uri);
      return [prefix, previous];
    }));
  }
  pop(): void {
    for (const [prefix, previous] of this.undo.pop()!.reverse()) {
      if (previous === undefined) this.map.delete(prefix);
      else this.map.set(prefix, previous);
    }
  }
}

const entries = (ns: { forEach(fn: (uri: string, prefix: string) => void): void }): [string, string][] => {
  const out: [string, string][] = [];
  ns.forEach((uri, prefix) => void out.push([prefix, uri]));
  return out;
};

describe('NamespaceScope', () => {
  it('iterates and looks up as a Map that deletes unbound prefixes would (random push/pop sequences)', () => {
    const prefix = fc.constantFrom('', 'a', 'b', 'c', 's', 'xml');
    const decls = fc.uniqueArray(fc.record({ prefix, uri: fc.constantFrom('urn:1', 'urn:2', 'urn:3', '') }), { selector: (d) => d.prefix, maxLength: 4 });
    fc.assert(fc.property(fc.array(fc.oneof(decls, fc.constant(null)), { maxLength: 40 }), (ops) => {
      const scope = new NamespaceScope();
      const ref = new ReferenceScope();
      let depth = 0;
      for (const op of ops) {
        if (op === null) {
          if (depth === 0) continue;
          scope.pop();
          ref.pop();
          depth--;
        } else {
          scope.push(op);
          ref.push(op);
          depth++;
        }
        assert.deepEqual(entries(scope), [...ref.map]);
        for (const p of ['', 'a', 'b', 'c', 's', 'xml', 'zz']) assert.equal(scope.lookup(p), ref.map.get(p));
      }
    }), { numRuns: 500 });
  });

  it('unbinds a prefix popped and puts it last when bound again', () => {
    const scope = new NamespaceScope();
    scope.push([{ prefix: 'a', uri: 'urn:a' }, { prefix: 'b', uri: 'urn:b' }]);
    scope.push([{ prefix: 'c', uri: 'urn:c' }, { prefix: 'a', uri: 'urn:a2' }]);
    assert.deepEqual(entries(scope), [['xml', XML_NAMESPACE], ['a', 'urn:a2'], ['b', 'urn:b'], ['c', 'urn:c']]);
    scope.pop();
    assert.equal(scope.lookup('c'), undefined);
    scope.pop();
    scope.push([{ prefix: 'b', uri: 'urn:b' }]);
    scope.push([{ prefix: 'a', uri: 'urn:a' }]);
    assert.deepEqual(entries(scope), [['xml', XML_NAMESPACE], ['b', 'urn:b'], ['a', 'urn:a']]);
  });
});
