// Fixed per-reference cost of Exc-C14N 1.0 + digest for the small WS-Addressing / Timestamp references of a session message.
// Run: node build/bench/c14n/small-reference.micro.js (medians of 15 rounds after warm-up; compare builds interleaved).
import { C14nWriter, type C14nWriterOptions } from '../../src/c14n/c14n-writer.js';
import { DigestSink } from '../../src/c14n/digest-sink.js';
import { auto, initSync } from '../../src/crypto/index.js';
import type { NamespaceContext, XmlElement } from '../../src/xml/events.js';

initSync();
const attr = (name: string, uri: string, value: string) => {
  const [prefix, local] = name.split(':') as [string, string];
  return { name, prefix, local, uri, value };
};
const TO: XmlElement = {
  name: 'a:To', prefix: 'a', local: 'To', uri: 'http://www.w3.org/2005/08/addressing', namespaces: [], depth: 3, byteStart: 0, byteEnd: 10,
  attributes: [attr('s:mustUnderstand', 'http://www.w3.org/2003/05/soap-envelope', '1'),
    attr('u:Id', 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd', '_5')],
};
const NS: NamespaceContext = { lookup: () => undefined, forEach: () => {} };
const OPTIONS: C14nWriterOptions = { method: 'exclusive', withComments: false, inclusivePrefixes: [], wholeDocument: false };
const NULL_SINK = { write: () => {}, end: () => {} };
const DATA = new Uint8Array(300);

function time(name: string, fn: () => void, n = 20_000): void {
  for (let i = 0; i < 50_000; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < 15; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    rounds.push(((performance.now() - start) * 1000) / n);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} ${rounds[7]!.toFixed(2)} µs`);
}

function element(w: C14nWriter): void {
  w.startElement(TO, NS);
  w.text('http://127.0.0.1:1234/');
  w.endElement(TO);
}

time('auto createHash + update(300 B) + digest', () => auto.createHash('sha1').update(DATA).digest());
time('auto.digest(300 B)', () => auto.digest('sha1', DATA));
time('C14nWriter construct + finish', () => new C14nWriter(NULL_SINK, OPTIONS).finish());
time('C14nWriter a:To to a null sink', () => {
  const w = new C14nWriter(NULL_SINK, OPTIONS);
  element(w);
  w.finish();
});
time('C14nWriter a:To + DigestSink(auto sha1)', () => {
  const sink = new DigestSink(auto.createHash('sha1'));
  const w = new C14nWriter(sink, OPTIONS);
  element(w);
  w.finish();
  sink.digest();
});
