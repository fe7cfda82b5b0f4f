// The saxes adapter: events and byte ranges are independent of chunking; ranges locate each element in the input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NamespaceContext, XmlElement, XmlHandler } from '../../src/xml/events.js';
import { XmlParser } from '../../src/xml/parser.js';
import { randomDocument, Rng } from '../c14n/random-document.js';

const enc = new TextEncoder();

/** Records events as strings; adjacent text events are merged (a text node may be reported in pieces). */
function record(chunks: Uint8Array[]): string[] {
  const log: string[] = [];
  const handler: XmlHandler = {
    startElement(el: XmlElement, ns: NamespaceContext) {
      const scope: string[] = [];
      ns.forEach((uri, p) => scope.push(`${p}=${uri}`));
      log.push(`start ${el.name} {${el.uri}}${el.local} d${el.depth} @${el.byteStart} ${JSON.stringify(el.attributes)} ${JSON.stringify(el.namespaces)} [${scope.sort().join(' ')}]`);
    },
    endElement(el: XmlElement) {
      log.push(`end ${el.name} @${el.byteStart}-${el.byteEnd}`);
    },
    text(t: string) {
      if (log.length > 0 && log[log.length - 1]!.startsWith('text ')) log[log.length - 1] += t;
      else log.push(`text ${t}`);
    },
    comment(t: string, depth: number) {
      log.push(`comment ${depth} ${t}`);
    },
    processingInstruction(target: string, data: string, depth: number) {
      log.push(`pi ${depth} ${target} ${data}`);
    },
  };
  const parser = new XmlParser(handler);
  for (const c of chunks) parser.write(c);
  parser.end();
  return log;
}

test('events: line ends, attribute normalization, CDATA, references and namespaces as XML 1.0 requires', () => {
  const doc = '<?xml version="1.0"?>\r\n<!--c--><r xmlns="urn:r" xmlns:p="urn:p" p:a="1\r\n2\t3&#13;&#9;"><![CDATA[<x>\r\n]]>&lt;&#x1F600;\r</r>';
  const log = record([enc.encode(doc)]);
  const start = doc.indexOf('<r ');
  assert.deepEqual(log, [
    'comment 0 c',
    `start r {urn:r}r d1 @${start} [{"name":"p:a","prefix":"p","local":"a","value":"1 2 3\\r\\t","uri":"urn:p"}] [{"prefix":"","uri":"urn:r"},{"prefix":"p","uri":"urn:p"}] [=urn:r p=urn:p xml=http://www.w3.org/XML/1998/namespace]`,
    'text <x>\n<😀\n',
    `end r @${start}-${doc.length}`,
  ]);
});

test('byte ranges: each element range starts with its start tag and ends with its end tag, in UTF-8 bytes', () => {
  const rng = new Rng(0xb7e5);
  for (let d = 0; d < 200; d++) {
    const bytes = enc.encode(randomDocument(rng).xml);
    const dec = new TextDecoder();
    const handler: XmlHandler = {
      startElement() {},
      endElement(el) {
        const raw = dec.decode(bytes.subarray(el.byteStart, el.byteEnd));
        assert.ok(raw.startsWith(`<${el.name}`), `document ${d}: ${JSON.stringify(raw.slice(0, 40))} should start with <${el.name}`);
        assert.ok(raw.endsWith('/>') || new RegExp(`</${el.name}\\s*>$`, 'u').test(raw), `document ${d}: ${JSON.stringify(raw.slice(-40))} should end ${el.name}`);
      },
      text() {},
      comment() {},
      processingInstruction() {},
    };
    const p = new XmlParser(handler);
    p.write(bytes);
    p.end();
  }
});

test('events and byte ranges are the same for every split point of random documents', () => {
  const rng = new Rng(0xe7e);
  for (let d = 0; d < 25; d++) {
    const bytes = enc.encode(randomDocument(rng).xml);
    if (bytes.length > 1200) continue;
    const whole = record([bytes]);
    for (let i = 0; i <= bytes.length; i++) {
      assert.deepEqual(record([bytes.subarray(0, i), bytes.subarray(i)]), whole, `document ${d} split at ${i}`);
    }
  }
});
