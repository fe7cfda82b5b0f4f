// A generator of random well-formed, namespace-valid XML documents that exercise the c14n rules of xml-security.md §5.

/** A small deterministic PRNG (mulberry32), so a failing document can be regenerated from its seed. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const PREFIXES = ['a', 'b', 'B', 'ab', 'p', 'é', 'Ｚ'];
// Values as written in the source (references are expanded by the parser). Prefix-of-each-other URIs catch
// concatenation-compare bugs. Only ASCII: libxml2, like our parser, refuses IRIs as namespace names. No `&`:
// libxml2 writes it raw in namespace nodes (xmllint) or as `&#38;` (lxml), both against C14N §2.3 (`&amp;`).
const URIS = ['http://a.example/', 'http://a.example/b', 'http://a.example/ab', 'urn:x', 'urn:X', "urn:a'b", 'urn:%C3%A9', 'http://a.example/?q=1;r'];
const LOCALS = ['x', 'y', 'X', 'a', 'b', 'ab', 'é', '名前', 'Ａ', '𐀀', 'Id', 'z9'];
const SPACES = [' ', ' ', ' ', '\n', '\t', '\r\n', '  '];

const ATTR_PIECES = [
  'v', 'value', ' ', '\t', '\n', '\r\n', '\r', '&amp;', '&lt;', '>', '&gt;', '&quot;', '&apos;', '&#9;', '&#10;', '&#13;', '&#xD;', '&#x9;', '&#xA;',
  '&#160;', 'é', '名', '😀', '&#x1F600;', '&#x20;', '\uE000', '\uFFFD', '=', '#', '/',
];
const TEXT_PIECES = [
  'text', 'x', ' ', '  ', '\t', '\n', '\r\n', '\r', '\r\r\n', '&amp;', '&lt;', '&gt;', '>', '"', "'", '&quot;', '&#13;', '&#xD;', '&#9;', '&#93;',
  'é', '名', '😀', '&#x1F600;', '&#x10FFFF;', '\uE000', '&#160;', '-', '?',
];
const CDATA_PIECES = ['c', '<', '&', '>', ']', 'é', '😀', '\r\n', '\r', '\n', ' ', '&amp;', ']>'];
const COMMENT_PIECES = ['c', ' ', 'é', '😀', '-x', '\r\n', '\r', '<', '&', '>', '\t', 'comment'];
const PI_PIECES = ['d', ' ', 'data', 'é', '😀', '\r\n', '<', '&amp;', '>', '"', '?', ' x=\'1\''];
const PI_TARGETS = ['pi', 'tgt', 'é', 'p-i', 'X'];

function repeat(rng: Rng, pieces: readonly string[], max: number): string {
  let s = '';
  for (let n = rng.int(max + 1); n > 0; n--) s += rng.pick(pieces);
  return s;
}

export interface RandomDocument {
  xml: string;
  /** Number of elements (for choosing a subtree by document-order index). */
  elements: number;
}

interface Binding {
  prefix: string;
  uri: string;
}

/** Generates one document. Every document is well-formed, without DTD, with unique Ids and attributes. */
export function randomDocument(rng: Rng): RandomDocument {
  let elements = 0;
  let idCounter = 0;
  const maxElements = 4 + rng.int(40);

  function comment(): string {
    let c = repeat(rng, COMMENT_PIECES, 5).replace(/-(?=-)/g, '-x');
    if (c.endsWith('-')) c += 'x';
    return `<!--${c}-->`;
  }
  function pi(): string {
    const data = repeat(rng, PI_PIECES, 4).replace(/\?>/g, '? >');
    // XML 1.0 [16]: whitespace must separate target and data (optional only when there is no data).
    const space = data === '' ? rng.pick(['', ' ']) : rng.pick([' ', '  ', '\n', '\r\n']);
    return `<?${rng.pick(PI_TARGETS)}${space}${data}?>`;
  }
  function attrValue(): string {
    const q = rng.chance(0.8) ? '"' : "'";
    let v = repeat(rng, ATTR_PIECES, 5);
    v = q === '"' ? v.replace(/"/g, '&quot;') + (rng.chance(0.2) ? "'" : '') : v + (rng.chance(0.2) ? '"' : '');
    return `${q}${v}${q}`;
  }

  function element(scope: Map<string, string>, depth: number): string {
    elements++;
    const inner = new Map(scope);
    const decls: string[] = [];
    const declared = new Set<string>();
    for (let n = rng.chance(depth === 0 ? 0.9 : 0.5) ? 1 + rng.int(3) : 0; n > 0; n--) {
      const prefix = rng.chance(0.3) ? '' : rng.pick(PREFIXES);
      if (declared.has(prefix)) continue;
      declared.add(prefix);
      // xmlns="" undeclares the default namespace; re-declaring a prefix with the same URI is redundant.
      const uri = prefix === '' && rng.chance(0.25) ? '' : rng.chance(0.2) && inner.has(prefix) ? inner.get(prefix)! : rng.pick(URIS);
      decls.push(`${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}${rng.chance(0.1) ? ' = ' : '='}"${uri}"`);
      inner.set(prefix, uri);
    }
    const bound: Binding[] = [...inner].filter(([p, u]) => p !== '' && u !== '').map(([prefix, uri]) => ({ prefix, uri }));
    const prefix = bound.length > 0 && rng.chance(0.5) ? rng.pick(bound).prefix : '';
    const name = `${prefix === '' ? '' : `${prefix}:`}${rng.pick(LOCALS)}`;
    const attrs: string[] = [];
    const expanded = new Set<string>();
    for (let n = rng.int(5); n > 0; n--) {
      const b = bound.length > 0 && rng.chance(0.6) ? rng.pick(bound) : null;
      const local = rng.pick(LOCALS);
      const key = `${b === null ? '' : b.uri}}${local}`;
      if (expanded.has(key)) continue;
      expanded.add(key);
      attrs.push(`${b === null ? '' : `${b.prefix}:`}${local}${rng.chance(0.1) ? ' =\t' : '='}${attrValue()}`);
    }
    if (rng.chance(0.15)) attrs.push(`xml:lang="${rng.pick(['en', 'fr-CA', ''])}"`);
    if (rng.chance(0.1)) attrs.push(`xml:space="${rng.pick(['preserve', 'default'])}"`);
    if (rng.chance(0.08)) attrs.push(`xml:id="xid${idCounter++}"`);
    if (rng.chance(0.05)) attrs.push(`xml:base="http://base.example/${rng.int(9)}/"`);
    const all = [...decls, ...attrs];
    // Shuffle so that declarations and attributes arrive in any order.
    for (let i = all.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    let open = `<${name}`;
    for (const a of all) open += rng.pick(SPACES) + a;
    if (rng.chance(0.2)) open += rng.pick(SPACES);
    const children = depth < 6 && elements < maxElements ? rng.int(6) : rng.int(2);
    if (children === 0 && rng.chance(0.5)) return `${open}${rng.chance(0.5) ? '' : ' '}/>`;
    let body = '';
    for (let i = 0; i < children; i++) {
      const r = rng.next();
      if (r < 0.4 && elements < maxElements) body += element(inner, depth + 1);
      else if (r < 0.7) body += repeat(rng, TEXT_PIECES, 6);
      else if (r < 0.8) body += `<![CDATA[${repeat(rng, CDATA_PIECES, 6).replace(/]]>/g, ']] >')}]]>`;
      else if (r < 0.9) body += comment();
      else body += pi();
    }
    return `${open}>${body}</${name}${rng.chance(0.1) ? rng.pick(SPACES) : ''}>`;
  }

  function misc(): string {
    let s = '';
    for (let n = rng.int(3); n > 0; n--) {
      const r = rng.next();
      s += r < 0.4 ? comment() : r < 0.7 ? pi() : rng.pick(SPACES);
    }
    return s;
  }

  let xml = '';
  if (rng.chance(0.3)) xml += `<?xml version="1.0"${rng.chance(0.5) ? ' encoding="UTF-8"' : ''}?>${rng.pick(['', '\n', '\r\n'])}`;
  xml += misc();
  xml += element(new Map(), 0);
  xml += misc();
  return { xml, elements };
}
