// XML Encryption 1.0 §3 (Encryption Syntax): one streaming pass that finds EncryptedData, EncryptedKey and ReferenceList.
import { IdIndex } from '../c14n/id-index.js';
import { SubtreeCollector, TeeHandler, type TreeElement } from '../dsig/tree.js';
import type { NamespaceContext, XmlElement, XmlHandler, XmlNamespaceDecl } from '../xml/events.js';
import type { XmlLimits } from '../xml/limits.js';
import { NamespaceScope, XML_NAMESPACE } from '../xml/namespace-scope.js';
import { XmlParser } from '../xml/parser.js';
import { XENC_NAMESPACE } from './algorithms.js';

/** An xenc element found at the top level of the scan (not inside another one), with its place in the document. */
export interface FoundElement {
  readonly tree: TreeElement;
  /** The parent element, or null when this is the document element. */
  readonly parent: XmlElement | null;
  /** The namespace bindings in scope at the parent (what a decrypted fragment re-enters), `xml` excluded. */
  readonly parentScope: readonly XmlNamespaceDecl[];
}

export interface ScanResult {
  readonly root: XmlElement;
  readonly ids: IdIndex;
  readonly encryptedData: FoundElement[];
  readonly encryptedKeys: FoundElement[];
  /** ReferenceList elements outside any EncryptedKey (WSS 1.1 §9.3 lets one stand alone in the Security header). */
  readonly referenceLists: FoundElement[];
  /** The first element `select` accepted, when a predicate was given. */
  readonly selected: XmlElement | null;
}

const CAPTURED = new Set(['EncryptedData', 'EncryptedKey', 'ReferenceList']);

/**
 * Parses `input` once. SECURITY: duplicate Id values anywhere in the document are refused (C14nError
 * `DUPLICATE_ID`): a ReferenceList or caller-given Id must name exactly one element, or wrapping attacks pick
 * which EncryptedData is opened (xml-security.md §1.4 A1, A12).
 */
export function scanDocument(
  input: Uint8Array,
  options: { limits?: Partial<XmlLimits> | undefined; select?: ((el: XmlElement, parent: XmlElement | null) => boolean) | undefined } = {},
): ScanResult {
  const ids = new IdIndex();
  const parents = new Map<XmlElement, { parent: XmlElement | null; scope: XmlNamespaceDecl[] }>();
  const mirror = new NamespaceScope();
  const open: XmlElement[] = [];
  const select = options.select;
  let root: XmlElement | null = null;
  let selected: XmlElement | null = null;
  let captureDepth = 0;
  const collector = new SubtreeCollector((el, captured) => !captured && el.uri === XENC_NAMESPACE && CAPTURED.has(el.local));
  const tracker: XmlHandler = {
    startElement(el: XmlElement, _ns: NamespaceContext) {
      ids.add(el);
      const parent = open.length > 0 ? open[open.length - 1]! : null;
      if (root === null) root = el;
      if (selected === null && select !== undefined && select(el, parent)) selected = el;
      if (captureDepth > 0) captureDepth++;
      else if (el.uri === XENC_NAMESPACE && CAPTURED.has(el.local)) {
        captureDepth = 1;
        const scope: XmlNamespaceDecl[] = [];
        mirror.forEach((uri, prefix) => {
          if (prefix !== 'xml' || uri !== XML_NAMESPACE) scope.push({ prefix, uri });
        });
        parents.set(el, { parent, scope });
      }
      mirror.push(el.namespaces);
      open.push(el);
    },
    endElement() {
      open.pop();
      mirror.pop();
      if (captureDepth > 0) captureDepth--;
    },
    text() {},
    comment() {},
    processingInstruction() {},
  };
  // The tracker runs first: the collector's trees are complete only at the end, the tracker's facts at the start.
  const parser = new XmlParser(new TeeHandler([tracker, collector]), options.limits === undefined ? {} : { limits: options.limits });
  parser.write(input);
  parser.end();
  const encryptedData: FoundElement[] = [];
  const encryptedKeys: FoundElement[] = [];
  const referenceLists: FoundElement[] = [];
  for (const tree of collector.roots) {
    const where = parents.get(tree.el)!;
    const found: FoundElement = { tree, parent: where.parent, parentScope: where.scope };
    if (tree.el.local === 'EncryptedData') encryptedData.push(found);
    else if (tree.el.local === 'EncryptedKey') encryptedKeys.push(found);
    else referenceLists.push(found);
  }
  return { root: root!, ids, encryptedData, encryptedKeys, referenceLists, selected };
}
