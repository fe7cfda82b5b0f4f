// XML Encryption 1.0 §4.2 step 3.1: decrypted Element/Content octets must be well-formed where they are put back.
import { DecryptionError } from '../errors.js';
import type { XmlElement, XmlHandler, XmlNamespaceDecl } from '../xml/events.js';
import type { XmlLimits } from '../xml/limits.js';
import { XmlParser } from '../xml/parser.js';
import { TeeHandler } from '../dsig/tree.js';
import { concat, escapeAttribute, utf8Encoder } from './bytes.js';

/** What the decrypted octets replace: one element, the content of an element, or the whole document element. */
export type FragmentKind = 'element' | 'content' | 'document';

/**
 * Parses `plaintext` as it will stand in the document: inside an element carrying the namespace bindings in scope
 * at the EncryptedData's parent, with the same parser and limits as the document itself (one parser, A14).
 * `element` requires exactly one element and nothing but whitespace around it; `document` also allows comments and
 * PIs around it; `content` allows any element content.
 *
 * SECURITY: every failure (bad UTF-8, an unbound prefix, a stray end tag, a DOCTYPE, a limit) is the one
 * DecryptionError: the well-formedness of CBC plaintext is what format-oracle attacks probe (Jager and Somorovsky,
 * "How to Break XML Encryption", CCS 2011).
 *
 * `collect`, when given, also receives every event of that parse (the wrapper element `_` at depth 1 first), so a
 * caller that needs the fragment's elements reads them here instead of parsing the plaintext again; the offsets it
 * sees are those of the wrapped input, in which the plaintext starts at the returned offset. What it collected
 * means nothing unless checkFragment returns.
 */
export function checkFragment(plaintext: Uint8Array, scope: readonly XmlNamespaceDecl[], kind: FragmentKind, limits?: Partial<XmlLimits>, collect?: XmlHandler): number {
  let decls = '';
  for (const { prefix, uri } of scope) decls += ` xmlns${prefix === '' ? '' : `:${prefix}`}="${escapeAttribute(uri)}"`;
  const head = utf8Encoder.encode(`<_${decls}>`);
  const wrapped = concat(head, plaintext, utf8Encoder.encode('</_>'));
  let wrapper: XmlElement | null = null;
  let open = 0;
  let elements = 0;
  let ok = true;
  const handler: XmlHandler = {
    startElement(el) {
      if (wrapper === null) wrapper = el;
      else if (el.depth === 2) elements++;
      open++;
    },
    endElement() {
      open--;
    },
    text(text) {
      // Only text directly inside the wrapper is the fragment's own top level.
      if (kind !== 'content' && open === 1 && !/^[ \t\r\n]*$/.test(text)) ok = false;
    },
    comment(_text, depth) {
      if (kind === 'element' && depth === 1) ok = false;
    },
    processingInstruction(_target, _data, depth) {
      if (kind === 'element' && depth === 1) ok = false;
    },
  };
  try {
    const parser = new XmlParser(collect === undefined ? handler : new TeeHandler([handler, collect]), limits === undefined ? {} : { limits });
    parser.write(wrapped);
    parser.end();
  } catch {
    throw new DecryptionError();
  }
  const w = wrapper as XmlElement | null;
  // SECURITY: the wrapper must close exactly at the end: plaintext holding `</_>` must not end it early.
  if (!ok || w === null || w.byteStart !== 0 || w.byteEnd !== wrapped.length) throw new DecryptionError();
  if (kind !== 'content' && elements !== 1) throw new DecryptionError();
  return head.length;
}
