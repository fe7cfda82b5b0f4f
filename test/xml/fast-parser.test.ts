// FastXmlParser against XmlParser (the saxes adapter): the same events, byte ranges, namespace contexts and refusals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { soapMessage } from '../../bench/c14n/soap-message.js';
import { XmlError } from '../../src/errors.js';
import type { NamespaceContext, XmlElement, XmlHandler } from '../../src/xml/events.js';
import { FastXmlParser } from '../../src/xml/fast-parser.js';
import type { XmlLimits } from '../../src/xml/limits.js';
import { SaxesXmlParser as XmlParser } from '../../src/xml/parser.js';
import { randomDocument, Rng } from '../c14n/random-document.js';
import { splitAt } from '../helpers/split.js';

const enc = new TextEncoder();

interface Run {
  events: string[];
  /** `code@phase` of the error (phase: index of the write that threw, or `end`), or '' when accepted. */
  error: string;
}

type ParserClass = typeof XmlParser | typeof FastXmlParser;

/** Prefixes looked up at every start tag, beyond the element's own and its attributes' ones. */
const PROBES = ['', 'xml', 'xmlns', 'a', 'p', 'é', 'unbound'];

/** Parses `chunks`, recording every event; adjacent text events are merged (a text node may come in pieces). */
function record(Parser: ParserClass, chunks: readonly Uint8Array[], limits?: Partial<XmlLimits>): Run {
  const events: string[] = [];
  const handler: XmlHandler = {
    startElement(el: XmlElement, ns: NamespaceContext) {
      const scope: string[] = [];
      ns.forEach((uri, p) => scope.push(`${p}=${uri}`));
      const probes = new Set([...PROBES, el.prefix, ...el.attributes.map((a) => a.prefix), ...el.namespaces.map((d) => d.prefix)]);
      const looked = [...probes].map((p) => `${p}->${String(ns.lookup(p))}`);
      events.push(
        `start ${el.name} p=${el.prefix} l=${el.local} {${el.uri}} d${el.depth} @${el.byteStart} ${JSON.stringify(el.attributes)} ` +
          `${JSON.stringify(el.namespaces)} [${scope.sort().join(' ')}] [${looked.join(' ')}]`,
      );
    },
    endElement(el: XmlElement) {
      events.push(`end ${el.name} d${el.depth} @${el.byteStart}-${el.byteEnd}`);
    },
    text(t: string) {
      assert.ok(t.length > 0, 'empty text event');
      const last = events.length - 1;
      if (last >= 0 && events[last]!.startsWith('text ')) events[last] += t;
      else events.push(`text ${t}`);
    },
    comment(t: string, depth: number) {
      events.push(`comment ${depth} ${t}`);
    },
    processingInstruction(target: string, data: string, depth: number) {
      events.push(`pi ${depth} ${target} ${data}`);
    },
  };
  const parser = new Parser(handler, limits === undefined ? {} : { limits });
  let phase = '';
  try {
    for (let i = 0; i < chunks.length; i++) {
      phase = String(i);
      parser.write(chunks[i]!);
    }
    phase = 'end';
    parser.end();
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    // The first error is final: later calls throw it again and report nothing.
    const seen = events.length;
    assert.throws(() => parser.write(enc.encode('<x/>')), (e) => e === err);
    assert.throws(() => parser.end(), (e) => e === err);
    assert.equal(events.length, seen);
    return { events, error: `${err.code}@${phase}` };
  }
  assert.throws(() => parser.write(enc.encode('<x/>')), { name: 'XmlError', code: 'XML_MALFORMED' });
  return { events, error: '' };
}


function randomCuts(rng: Rng, length: number, n: number): number[] {
  const cuts = new Set<number>();
  for (let i = 0; i < n; i++) cuts.add(rng.int(length + 1));
  return [...cuts].sort((a, b) => a - b);
}

/** Both parsers on the same chunks: identical events and the same outcome. Returns the outcome. */
function same(chunks: readonly Uint8Array[], what: string, limits?: Partial<XmlLimits>): string {
  const expected = record(XmlParser, chunks, limits);
  const actual = record(FastXmlParser, chunks, limits);
  if (actual.error !== expected.error || actual.events.length !== expected.events.length || actual.events.some((e, i) => e !== expected.events[i])) {
    let i = 0;
    while (i < actual.events.length && actual.events[i] === expected.events[i]) i++;
    const input = Buffer.concat(chunks.map((c) => Buffer.from(c)));
    assert.fail(
      `${what}: XmlParser ${expected.error || 'accepts'}, FastXmlParser ${actual.error || 'accepts'}; first differing event #${i}\n` +
        `  XmlParser:     ${JSON.stringify(expected.events[i])}\n  FastXmlParser: ${JSON.stringify(actual.events[i])}\n` +
        `  chunks: ${JSON.stringify(chunks.map((c) => c.length))}\n  input: ${JSON.stringify(input.toString('latin1').slice(0, 2000))}`,
    );
  }
  return expected.error;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const SEED = Number(process.env.FAST_PARSER_SEED ?? Math.floor(Math.random() * 2 ** 32));

test('every file of the shared vectors and oracles: one chunk and random chunkings', () => {
  const files = [...filesUnder(resolve(process.cwd(), '../shared/vectors')), ...filesUnder(resolve(process.cwd(), '../shared/oracles'))].sort();
  assert.ok(files.length > 50, `only ${files.length} files`);
  const rng = new Rng(0xf11e5);
  let refused = 0;
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    if (same([bytes], file) !== '') refused++;
    for (let round = 0; round < 3; round++) same(splitAt(bytes, randomCuts(rng, bytes.length, 1 + rng.int(40))), `${file} round ${round}`);
  }
  console.log(`${files.length} files, ${refused} refused by both`);
});

test('2,000 random documents: one chunk, a random chunking, and small limits', () => {
  const rng = new Rng(0xd1ff);
  const small: Partial<XmlLimits>[] = [
    { maxTextLength: 12 },
    { maxNameLength: 2 },
    { maxAttributes: 2 },
    { maxDepth: 3 },
    { maxAttributeValueLength: 5 },
    { maxBytes: 300 },
  ];
  let limited = 0;
  for (let d = 0; d < 2000; d++) {
    const bytes = enc.encode(randomDocument(rng).xml);
    assert.equal(same([bytes], `document ${d}`), '', `document ${d} must be accepted`);
    same(splitAt(bytes, randomCuts(rng, bytes.length, 1 + rng.int(12))), `document ${d} chunked`);
    const limits = small[d % small.length]!;
    const cuts = rng.chance(0.5) ? [] : randomCuts(rng, bytes.length, 1 + rng.int(12));
    if (same(splitAt(bytes, cuts), `document ${d} with ${JSON.stringify(limits)}`, limits) !== '') limited++;
  }
  console.log(`2000 documents; ${limited} of the small-limit runs refused by both`);
});

/** The refusal cases of refusals.test.ts. */
function refusalCases(): { input: Uint8Array; limits?: Partial<XmlLimits> }[] {
  const cases: { input: Uint8Array; limits?: Partial<XmlLimits> }[] = [];
  const add = (input: string | Uint8Array, limits?: Partial<XmlLimits>): void => {
    cases.push(limits === undefined ? { input: typeof input === 'string' ? enc.encode(input) : input } : { input: typeof input === 'string' ? enc.encode(input) : input, limits });
  };
  const laughs = ['<!ENTITY lol "lol">'];
  for (let i = 1; i < 10; i++) laughs.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  for (const s of [
    '<!DOCTYPE a><a/>',
    '<?xml version="1.0"?>\n<!DOCTYPE a [<!ATTLIST a b CDATA "default">]><a/>',
    `<!DOCTYPE lolz [${laughs.join('')}]><lolz>&lol9;</lolz>`,
    '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    '<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
    '<!-- c --><!DOCTYPE a><a/>',
    `<!DOCTYPE a [${'<!-- padding -->'.repeat(10000)}]><a>${'x'.repeat(1000)}</a>`,
    '<!DOCTYPE a [<!-- a -- b -->]><a/>',
    '<a/><!DOCTYPE a>',
    '<a/><b/>', '<a></a>text', '<p:a/>', '<a p:b="1"/>', '<a b="1" b="2"/>', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>',
    '<a b="x<y"/>', '<a>&e;</a>', '<a>&#0;</a>', '<a>]]></a>', '<a><b></a></b>', '<a>', '', '<a/><?xml version="1.0"?>',
    '<a xmlns:xml="urn:not-xml"/>', '<a xmlns:p=""/>', '<a><?pi?x?></a>', '<a>\u0001</a>',
    '<a xmlns:p="relative/path"/>', '<a xmlns="../up"/>', '<a xmlns="#frag"/>', '<a xmlns:p=" urn:x"/>', '<a xmlns:p="urn:é"/>', '<a xmlns:p="urn:a b"/>',
    '<?xml version="1.0" encoding="ISO-8859-1"?><a/>', '<?xml version="1.0" encoding="UTF-16"?><a/>', '<?xml version="1.1"?><a/>',
    '<?xml version="1.1"\u0085?><a/>', '<?xml version="1.1" encoding="UTF-8"\u2028?><a/>', '<?xml version="1.0"\u0085?><a/>',
    '<?xml version="1.1" encoding="\u0080"?><a/>', '<?xml version="1.5" standalone="yes"?><a/>', '<?xml?><a/>', '<?xml encoding="UTF-8"?><a/>',
    '<?XML version="1.0"?><a/>', ' <?xml version="1.0"?><a/>', '<?xml-stylesheet href="a"?><a/>', '\uFEFF<?xml version="1.0"?><a/>',
    '<a>\uFFFE</a>', '<a b="\uFFFF"/>', '<a><!--x--y--></a>', '<a><!--x---></a>', '<a><![CDATA[x]]]></a>', '<![CDATA[x]]><a/>',
    '<a>&#x;</a>', '<a>&#X41;</a>', '<a>&#xD800;</a>', '<a>&#1114112;</a>', '<a>&amp</a>', '<a>&;</a>', '<a b="&#60;"/>', '<a/>&amp;',
    '<a:b:c xmlns:a="urn:a"/>', '<:a/>', '<a: xmlns:a="urn:a"/>', '<a xmlns:xmlns="http://www.w3.org/2000/xmlns/"/>',
    '<a xmlns="http://www.w3.org/XML/1998/namespace"/>', '<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>', '<xmlns:a/>',
    '<a b="1"c="2"/>', '<a b=1/>', '<a b/>', '<a b ="1" / >', '</a>', '<a></ a>', '<a></a >', '<a></>', '<a><?xml-x y?></a>', '<a><?é?></a>',
    '<a><?p:q x?></a>', '<a><? x?></a>', '<a><!x></a>', '<a><!-x></a>', '<!--a--><!--b-->', '<a>\r</a>\r', '<a>x</a>\r\n\r\n',
    '<a xmlns:p=" http://www.w3.org/XML/1998/namespace"/>', '<a xmlns=" urn:x "/>', '<a xmlns="&#32;"/>', '<p:a xmlns:p="urn:a" xmlns:p="urn:b"/>',
    '<a xmlns:p="urn:a" p:x="1" xmlns:q="urn:a" q:x="2"/>', '<p:a xmlns:p="urn:a"></p:a>', '<p:1 xmlns:p="urn:a"/>', '<a><b/></a><!---->',
  ]) {
    add(s);
  }
  const doc = (middle: number[]): Uint8Array => new Uint8Array([...enc.encode('<a>'), ...middle, ...enc.encode('</a>')]);
  for (const middle of [[0x80], [0xc0, 0x80], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3], [0xff], [0xef, 0xbf, 0xbe]]) add(doc(middle));
  add(new Uint8Array([...enc.encode('<a/>'), 0xe2, 0x82]));
  add(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e, 0x00]));
  add(new Uint8Array([0xfe, 0xff, 0x00, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e]));
  add(`<a>${'x'.repeat(200)}</a>`, { maxBytes: 100 });
  add(`${'<a>'.repeat(11)}${'</a>'.repeat(11)}`, { maxDepth: 10 });
  add(`<a ${Array.from({ length: 11 }, (_, i) => `b${i}="1"`).join(' ')}/>`, { maxAttributes: 10 });
  add(`<a xmlns:${'p'.repeat(6)}="urn:x" ${Array.from({ length: 10 }, (_, i) => `b${i}="1"`).join(' ')}/>`, { maxAttributes: 10 });
  add(`<${'n'.repeat(65)}/>`, { maxNameLength: 64 });
  add(`<a ${'n'.repeat(65)}="1"/>`, { maxNameLength: 64 });
  add(`<a>${'x'.repeat(101)}</a>`, { maxTextLength: 100 });
  add(`<a>${'x&amp;'.repeat(60)}</a>`, { maxTextLength: 100 });
  add(`<a><![CDATA[${'x'.repeat(101)}]]></a>`, { maxTextLength: 100 });
  add(`<a><!--${'x'.repeat(101)}--></a>`, { maxTextLength: 100 });
  add(`<a b="${'x'.repeat(101)}"/>`, { maxAttributeValueLength: 100 });
  add(`<a>${'x'.repeat(60)}<!--${'y'.repeat(50)}--></a>`, { maxTextLength: 100 });
  add(`<a>${'x'.repeat(60)}<?pi ${'y'.repeat(50)}?></a>`, { maxTextLength: 100 });
  add(`${'<a>'.repeat(257)}${'</a>'.repeat(257)}`);
  add(`<${'n'.repeat(1025)}/>`);
  add(`<a>&${'x'.repeat(1100)}</a>`);
  add(`<a>&${'x'.repeat(1100)};</a>`);
  add(`<a b="&${'x'.repeat(1100)}"/>`);
  add(`<a><?${'t'.repeat(1100)} x?></a>`);
  add(`<a></${'n'.repeat(1100)}></a>`);
  return cases;
}

test('the refusal cases of refusals.test.ts and more: one chunk, byte by byte, every split point', () => {
  let n = 0;
  for (const { input, limits } of refusalCases()) {
    const what = JSON.stringify(Buffer.from(input).toString('latin1').slice(0, 80));
    same([input], what, limits);
    if (input.length <= 3000) same(splitAt(input, Array.from({ length: Math.max(0, input.length - 1) }, (_, i) => i + 1)), `${what} byte by byte`, limits);
    if (input.length <= 300) for (let i = 0; i <= input.length; i++) same(splitAt(input, [i]), `${what} split at ${i}`, limits);
    n++;
  }
  console.log(`${n} refusal cases`);
});

const INSERTS = ['<', '&', ']]>', '--', '"', "'", '>', ']', '<!--', '<![CDATA[', '?>', '<?', '</', '/>', '&#0;', '&amp', ';', '\r', '\r\n', '=', ':', 'xmlns:p="urn:p" ', ' p:x="1"', '<!DOCTYPE a>', '&#x10FFFF;', '&lt;', '\uFFFE', '\u0085', '\uFEFF', '😀', 'é'];
const BYTES = [0x3c, 0x26, 0x5d, 0x3e, 0x2d, 0x22, 0x27, 0x3f, 0x21, 0x2f, 0x3d, 0x3b, 0x3a, 0x20, 0x0d, 0x0a, 0x00, 0x01, 0x80, 0xbf, 0xc3, 0xe2, 0xef, 0xf0, 0xff, 0x78];

/** 1–3 random edits: a byte replaced, a token inserted, a range deleted, or the end cut off. */
function mutate(rng: Rng, bytes: Uint8Array): Uint8Array {
  let out = Buffer.from(bytes);
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = rng.int(out.length + 1);
    const r = rng.next();
    if (r < 0.35 && out.length > 0) {
      out = Buffer.from(out);
      out[Math.min(at, out.length - 1)] = rng.pick(BYTES);
    } else if (r < 0.75) {
      out = Buffer.concat([out.subarray(0, at), Buffer.from(rng.pick(INSERTS)), out.subarray(at)]);
    } else if (r < 0.9) {
      out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + rng.int(8)))]);
    } else {
      out = out.subarray(0, at);
    }
  }
  return new Uint8Array(out);
}

function mutants(seed: number, count: number): void {
  const rng = new Rng(seed);
  const outcomes = new Map<string, number>();
  const soap = soapMessage(2048);
  for (let m = 0; m < count; m++) {
    const base = rng.chance(0.1) ? soap : enc.encode(randomDocument(rng).xml);
    const bytes = mutate(rng, base);
    const what = `seed ${seed} mutant ${m}`;
    const outcome = same([bytes], what);
    const code = outcome.split('@')[0] || 'accepted';
    outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    same(splitAt(bytes, randomCuts(rng, bytes.length, 1 + rng.int(6))), `${what} chunked`);
    if (bytes.length < 400 && rng.chance(0.2)) for (let i = 0; i <= bytes.length; i++) same(splitAt(bytes, [i]), `${what} split at ${i}`);
  }
  console.log(`seed ${seed}: ${count} mutants: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

test('2,500 mutants of valid documents (fixed seed)', () => {
  mutants(0x5eed, 2500);
});

test(`2,500 mutants of valid documents (random seed ${SEED}; rerun with FAST_PARSER_SEED=${SEED})`, () => {
  mutants(SEED, 2500);
});

test('every split point of small random documents, and random multi-splits of large ones', () => {
  const rng = new Rng(0x5b17);
  let docs = 0;
  let splits = 0;
  for (let d = 0; d < 400 && docs < 40; d++) {
    const bytes = enc.encode(randomDocument(rng).xml);
    if (bytes.length > 700) continue;
    docs++;
    for (let i = 0; i <= bytes.length; i++, splits++) same(splitAt(bytes, [i]), `document ${d} split at ${i}`);
    same(splitAt(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)), `document ${d} byte by byte`);
  }
  assert.ok(docs >= 40);
  const large = [
    soapMessage(64 * 1024),
    soapMessage(300 * 1024),
    new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/vectors/santuario/inExcl/plain-soap-1.1.xml'))),
  ];
  for (const [k, bytes] of large.entries()) {
    same([bytes], `large ${k}`);
    for (let round = 0; round < 8; round++) same(splitAt(bytes, randomCuts(rng, bytes.length, round < 4 ? 1 + rng.int(20) : 200 + rng.int(2000))), `large ${k} round ${round}`);
  }
  console.log(`${docs} small documents at every split point (${splits} parses), ${large.length} large ones in random chunks`);
});

test('XmlParser 64 Ki-unit slices: limits checked mid-write, astral characters and CR at slice ends', () => {
  const rng = new Rng(0x51ce);
  // Text, comments, values and names that straddle the 65,536th code unit of one write, with small limits.
  for (let k = 0; k < 60; k++) {
    const pad = 65536 - 20 + rng.int(40);
    const filler = rng.pick(['x', 'é', '😀', '\r\n', 'a\r']);
    let body = '';
    while (body.length < pad) body += filler;
    const tail = rng.pick([
      '<!--comment-->', '<?pi data?>', '<![CDATA[cdata]]>', '&amp;', '&#x1F600;', '<b attr="value"/>', '<long-element-name/>', ']]>', '&bad;', '\u0001',
    ]);
    const doc = enc.encode(`<a>${body}${tail}${'y'.repeat(rng.int(30))}</a>`);
    for (const limits of [undefined, { maxTextLength: 65540 }, { maxNameLength: 4 }, { maxTextLength: 70000 }]) {
      same([doc], `slice test ${k} ${JSON.stringify(limits)}`, limits);
      same(splitAt(doc, [rng.int(doc.length)]), `slice test ${k} split ${JSON.stringify(limits)}`, limits);
    }
  }
});

test('word loops and byte-keyed caches: text, values and names of every length near every stop byte, at every alignment', () => {
  const rng = new Rng(0x3a11);
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
  const plain = (n: number): string => Array.from({ length: n }, () => b64[rng.int(b64.length)]).join('');
  const textStops = ['<', '&amp;', '>', ']]>', ']>', '\r', '\r\n', '\n', '\t', 'é', '😀', '\u0001', '"', "'"];
  const valueStops = ['"', "'", '&lt;', '<', '\r\n', '\n', '\t', 'é', '>', '\u0001'];
  let parses = 0;
  for (let k = 0; k < 300; k++) {
    // Names and values repeat with one byte changed (the caches must tell them apart), text runs carry a stop byte
    // at a random place, all of them long enough for the word loops.
    const name = `n:${plain(11 + rng.int(30))}`.replace(/[+/=]/g, 'x');
    const value = plain(13 + rng.int(120));
    const at = rng.int(value.length);
    const other = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
    const stop = rng.pick(valueStops);
    const odd = value.slice(0, at) + stop + value.slice(at);
    const text = plain(rng.int(200));
    const cut = rng.int(text.length + 1);
    const textStop = rng.pick(textStops);
    const doc =
      `<r xmlns:n="urn:x"><${name} a="${value}" b='${other}'>${text.slice(0, cut)}${textStop}${text.slice(cut)}</${name}>` +
      `<${name} a="${other}" b="${value}"/><${name} a="${value}" b="${odd}">${text}</${name}x></r>`;
    const bytes = enc.encode(doc);
    for (let shift = 0; shift < 8; shift++) {
      // The same document at each offset of its buffer (the word loops read aligned words of the whole buffer).
      const backing = new Uint8Array(bytes.length + 8);
      backing.set(bytes, shift);
      const chunk = backing.subarray(shift, shift + bytes.length);
      same([chunk], `alignment doc ${k} shift ${shift}`);
      same(splitAt(chunk, randomCuts(rng, chunk.length, 1 + rng.int(4))), `alignment doc ${k} shift ${shift} split`);
      parses += 2;
    }
  }
  console.log(`${parses} parses`);
});

test('the caches keep copies: a value or name read from a Node Buffer that is later overwritten is not returned for other bytes', () => {
  const seen: string[] = [];
  const handler: XmlHandler = {
    startElement(el: XmlElement) {
      seen.push(el.name, ...el.attributes.map((a) => a.value));
    },
    endElement() {},
    text() {},
    comment() {},
    processingInstruction() {},
  };
  const parse = (bytes: Uint8Array): void => {
    const parser = new FastXmlParser(handler);
    parser.write(bytes);
    parser.end();
  };
  // 30 bytes: the cache key reads bytes 0–3, 13–16 and 26–29, so byte 6 differs only in the full comparison.
  const value = 'abcdefghijklmnopqrstuvwxyz0123';
  const changed = `${value.slice(0, 6)}X${value.slice(7)}`;
  const name = `e${value.slice(1)}`;
  const changedName = `e${changed.slice(1)}`;
  const first = Buffer.from(`<${name} a="${value}"/>`); // a view into Node's shared pool, as Buffer.slice would be
  parse(first);
  first.write(`<${changedName} a="${changed}"/>`);
  seen.length = 0;
  parse(Buffer.from(`<${changedName} a="${changed}"/>`));
  assert.deepEqual(seen, [changedName, changed]);
});
