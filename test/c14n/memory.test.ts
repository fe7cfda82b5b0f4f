// Streaming memory (ARCHITECTURE.md "no intermediate strings of the whole message"): a ~100 MB Body digested in chunks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createReferenceDigester } from '../../src/c14n/index.js';
import { nodeProvider } from '../../src/crypto/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const S = 'http://www.w3.org/2003/05/soap-envelope';
const U = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const enc = new TextEncoder();

test('a ~100 MB Body (many elements, then one 32 MB text node) is digested with flat memory', () => {
  const head = enc.encode(`<s:Envelope xmlns:s="${S}" xmlns:u="${U}"><s:Header/><s:Body u:Id="b">`);
  const tail = enc.encode('</s:Body></s:Envelope>');
  // Body content already in canonical form, so the expected digest follows from the spec alone:
  // the apex start tag gets the two utilized declarations, the content is unchanged.
  const item = enc.encode(`<item n="1">${'payload é 😀 '.repeat(40)}</item>`);
  const textChunk = enc.encode('QUJD'.repeat(256 * 1024)); // 1 MiB of base64-like text
  const expected = createHash('sha1').update(`<s:Body xmlns:s="${S}" xmlns:u="${U}" u:Id="b">`);
  const digester = createReferenceDigester([{ id: 'b', alg: 'sha1' }], { provider: nodeProvider(), limits: { maxBytes: 256 * 1024 * 1024 } });
  digester.write(head);
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  // Live memory: heap right after a full GC, sampled every 8 chunks; garbage the GC had not reclaimed yet is not.
  let peakLive = 0;
  const sampleLive = (i: number): void => {
    if (i % 8 !== 7) return;
    gc();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - before.heapUsed);
  };
  let total = head.length;
  const chunk = new Uint8Array(1024 * 1024);
  const perChunk = Math.floor(chunk.length / item.length);
  for (let i = 0; i < perChunk; i++) chunk.set(item, i * item.length);
  const items = chunk.subarray(0, perChunk * item.length);
  for (let i = 0; i < 68; i++) {
    digester.write(items);
    expected.update(items);
    total += items.length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    sampleLive(i);
  }
  for (let i = 0; i < 32; i++) {
    digester.write(textChunk);
    expected.update(textChunk);
    total += textChunk.length;
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    sampleLive(i);
  }
  digester.write(tail);
  expected.update('</s:Body>');
  const [result] = digester.end();
  const rssGrowth = (peakRss - before.rss) / 2 ** 20;
  const heapGrowth = (peakHeap - before.heapUsed) / 2 ** 20;
  const live = peakLive / 2 ** 20;
  console.log(`${(total / 2 ** 20).toFixed(0)} MiB input in 1 MiB chunks: peak RSS growth ${rssGrowth.toFixed(1)} MiB, ` +
    `peak heap growth ${heapGrowth.toFixed(1)} MiB (garbage included), peak live heap growth ${live.toFixed(1)} MiB`);
  assert.equal(Buffer.from(result!.digest).toString('base64'), expected.digest('base64'));
  assert.ok(total > 99 * 2 ** 20);
  // Flat: what stays alive is a chunk's worth of strings at most, whatever the input size; peaks (garbage included)
  // stay well below the input size.
  assert.ok(live < 8, `live heap grew by ${live.toFixed(1)} MiB`);
  assert.ok(rssGrowth < 80, `RSS grew by ${rssGrowth.toFixed(1)} MiB`);
});
