// C14N 1.0 §2.3/§4.5 and Exc-C14N §3 namespace rendering with many declarations in scope (the writer's indexed
// rendered-state path), and output buffers of every size: against xmllint and lxml, and against one another.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalize, type CanonicalizeOptions } from '../../src/c14n/index.js';
import { findLxmlPython, hasXmllint, lxmlExcC14n, xmllintExcC14n, type LxmlRequest } from './oracles.js';
import { randomDocument, Rng } from './random-document.js';

const SKIP = process.env.WSSC_SKIP_ORACLES === '1';
const enc = new TextEncoder();
const URIS = ['urn:a', 'urn:b', 'urn:c', 'http://x.example/', 'http://x.example/long/namespace/name/that/repeats'];

/** Nested elements, each declaring or redeclaring several of 40 prefixes (and the default), using some of them. */
function manyNamespaces(rng: Rng): { xml: Uint8Array; elements: number } {
  const prefixes = Array.from({ length: 40 }, (_, i) => `p${i}`);
  let elements = 0;
  const element = (bound: Map<string, string>, depth: number): string => {
    elements++;
    const inner = new Map(bound);
    let open = '';
    for (let n = rng.int(depth === 0 ? 30 : 8); n > 0; n--) {
      const p = rng.chance(0.1) ? '' : rng.pick(prefixes);
      if (open.includes(` ${p === '' ? 'xmlns' : `xmlns:${p}`}=`)) continue;
      const uri = rng.pick(URIS);
      open += ` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${uri}"`;
      inner.set(p, uri);
    }
    const usable = [...inner.keys()].filter((p) => p !== '');
    const name = usable.length > 0 && rng.chance(0.7) ? `${rng.pick(usable)}:e` : 'e';
    const used = new Set<string>();
    for (let n = rng.int(4); n > 0 && usable.length > 0; n--) {
      const p = rng.pick(usable);
      if (used.has(inner.get(p)!)) continue;
      used.add(inner.get(p)!);
      open += ` ${p}:a="${rng.int(9)}"`;
    }
    let body = '';
    if (depth < 7) for (let n = rng.int(4); n > 0; n--) body += element(inner, depth + 1);
    return `<${name}${open}>${body}</${name}>`;
  };
  return { xml: enc.encode(element(new Map(), 0)), elements };
}

// Inclusive subtrees are not compared: libxml2 adds an xmlns="" the source never implies on some of them.
test('many namespace declarations: exclusive c14n (whole document, subtree, PrefixList) equals xmllint and lxml', { skip: SKIP && 'WSSC_SKIP_ORACLES=1' }, async () => {
  const python = findLxmlPython();
  assert.ok(hasXmllint() && python !== null, 'xmllint and python3-lxml are needed (or WSSC_SKIP_ORACLES=1)');
  const rng = new Rng(0x5eed_0a5e);
  const docs = Array.from({ length: 60 }, () => manyNamespaces(rng));
  const requests: LxmlRequest[] = docs.flatMap((d) => {
    const index = rng.int(d.elements);
    return [
      { doc: d.xml, index, prefixes: [], comments: false },
      { doc: d.xml, index, prefixes: ['p1', 'p2', 'p3', 'p30'], comments: false },
    ];
  });
  const [lint, lxml] = await Promise.all([xmllintExcC14n(docs.map((d) => d.xml)), lxmlExcC14n(python, requests)]);
  const dec = new TextDecoder();
  docs.forEach((d, i) => {
    assert.ok(lint[i]!.ok, lint[i]!.error);
    assert.equal(dec.decode(canonicalize(d.xml)), dec.decode(lint[i]!.out), `document ${i}, whole`);
  });
  requests.forEach((r, i) => {
    let k = 0;
    const options: CanonicalizeOptions = { select: () => k++ === r.index };
    if (r.prefixes.length > 0) options.prefixList = r.prefixes;
    assert.ok(lxml[i]!.ok, lxml[i]!.error);
    assert.equal(dec.decode(canonicalize(r.doc, options)), dec.decode(lxml[i]!.out), `request ${i}`);
  });
});

test('output buffers of 64 B to 64 KiB give the same bytes (pooled buffers, flushes inside cached names)', () => {
  const rng = new Rng(0xb0ff_e125);
  const variants: CanonicalizeOptions[] = [{ withComments: true }, { method: 'inclusive' }, { select: (el) => el.depth === 2 }];
  for (let n = 0; n < 40; n++) {
    const xml = n % 2 === 0 ? enc.encode(randomDocument(rng).xml) : manyNamespaces(rng).xml;
    for (const options of variants) {
      // A document without a depth-2 element is refused alike whatever the buffer size.
      const run = (bufferSize?: number): string => {
        try {
          return Buffer.from(canonicalize(xml, bufferSize === undefined ? options : { ...options, bufferSize })).toString('hex');
        } catch (err) {
          return String(err);
        }
      };
      const expected = run();
      for (const bufferSize of [64, 65, 100, 1000, 16 * 1024, 64 * 1024]) assert.equal(run(bufferSize), expected, `document ${n}, buffer ${bufferSize}`);
    }
  }
});
